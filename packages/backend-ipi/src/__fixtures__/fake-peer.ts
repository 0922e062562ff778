import { createConnection, type Socket } from 'node:net';
import type { IpiAddress } from '../ipi-address.js';
import { IpiConnection, IpiMessageWriter } from '../ipi-connection.js';
import { encodeForceReady } from '../ipi-messages.js';

/** How a scripted test peer misbehaves once it has a structure. */
export type Misbehaviour =
  | 'close-after-posdata'
  | 'stall-on-getforce'
  | 'wrong-natoms'
  | 'huge-extra'
  | 'unknown-header'
  | 'nan-energy';

/**
 * A raw i-PI client written against the socket: it answers the handshake correctly, takes
 * INIT and POSDATA, then misbehaves as told. Resolves with its socket once connected.
 */
export async function fakePeer(address: IpiAddress, misbehaviour: Misbehaviour): Promise<Socket> {
  const socket =
    address.kind === 'unix'
      ? createConnection(address.path)
      : createConnection(address.port, address.host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const connection = new IpiConnection(socket, 'test server');
  void (async () => {
    let state: 'READY' | 'HAVEDATA' | 'NEEDINIT' = 'READY';
    let natoms = 0;
    for (;;) {
      const header = await connection.readHeader(Number.POSITIVE_INFINITY, 'a message');
      if (header === 'STATUS') {
        if (state === 'HAVEDATA' && misbehaviour === 'unknown-header') {
          socket.write(Buffer.from('HELLO       ', 'ascii'));
        } else connection.sendHeader(state);
      } else if (header === 'INIT') {
        await connection.readInt32(1000, 'bead');
        const length = await connection.readInt32(1000, 'length');
        await connection.readBytes(length, 1000, 'init');
        state = 'READY';
      } else if (header === 'POSDATA') {
        await connection.readFloat64(18, 1000, 'cells');
        natoms = await connection.readInt32(1000, 'natoms');
        await connection.readFloat64(3 * natoms, 1000, 'positions');
        if (misbehaviour === 'close-after-posdata') {
          socket.destroy();
          return;
        }
        state = 'HAVEDATA';
      } else if (header === 'GETFORCE') {
        if (misbehaviour === 'stall-on-getforce') return; // never answers
        if (misbehaviour === 'wrong-natoms') {
          socket.write(
            encodeForceReady(-1, new Float64Array(3 * (natoms + 1)), new Float64Array(9)),
          );
        } else if (misbehaviour === 'huge-extra') {
          const head = encodeForceReady(
            -1,
            new Float64Array(3 * natoms),
            new Float64Array(9),
            new Uint8Array(0),
          );
          // Replace the final length (0) by 2³¹ − 1 and send no bytes after it.
          head.writeInt32LE(0x7fffffff, head.length - 4);
          socket.write(head);
        } else if (misbehaviour === 'nan-energy') {
          const message = new IpiMessageWriter(12 + 8)
            .header('FORCEREADY')
            .float64([Number.NaN])
            .finish();
          socket.write(message);
        }
        state = 'NEEDINIT';
      } else return;
    }
  })().catch(() => undefined);
  return socket;
}
