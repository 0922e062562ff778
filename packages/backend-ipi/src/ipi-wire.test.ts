/**
 * The wire format, byte for byte against ASE 3.22's `IPIProtocol` (Debian's python3-ase):
 * what we send is what ASE sends, and what ASE decodes from our bytes is what we decode.
 */
import { runAsePython } from '@mlff-distiller/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { socketPair } from './__fixtures__/socket-pair.js';
import { copperAluminium, relativeDifference } from './__fixtures__/structures.js';
import { deadlineIn } from './deadline.js';
import { IpiConnection } from './ipi-connection.js';
import { decodeHeader, describeHeaderBytes, encodeHeader, IPI_HEADERS } from './ipi-headers.js';
import {
  encodeForceReady,
  encodeInit,
  encodePosdata,
  readForceReady,
  readPosdata,
} from './ipi-messages.js';
import { pseudoInverse3x3 } from './pseudo-inverse.js';
import { stressFromVirial, virialFromStress } from './virial.js';

const ASE_WIRE = `
import json, sys
import numpy as np
from ase.calculators.socketio import IPIProtocol

class Capture:
    def __init__(self, data=b''):
        self.sent = b''
        self.data = data
    def sendall(self, b):
        self.sent += bytes(b)
    def recv(self, n):
        chunk, self.data = self.data[:n], self.data[n:]
        return chunk

spec = json.load(sys.stdin)
cell = np.reshape(spec['cell'], (3, 3))
positions = np.reshape(spec['positions'], (-1, 3))
out = {}
c = Capture(); p = IPIProtocol(c)
p.sendposdata(cell, np.linalg.pinv(cell).transpose(), positions); out['posdata'] = c.sent.hex()
c = Capture(); p = IPIProtocol(c); p.sendinit(); out['init'] = c.sent.hex()
c = Capture(); p = IPIProtocol(c)
p.sendforce(spec['energy'], np.reshape(spec['forces'], (-1, 3)), np.reshape(spec['virial'], (3, 3)))
out['forceready'] = c.sent.hex()
# ASE decoding our bytes.
c = Capture(bytes.fromhex(spec['ours_posdata'])); p = IPIProtocol(c)
assert p.recvmsg() == 'POSDATA'
rcell, ricell, rpos = p.recvposdata()
out['decoded_posdata'] = {'cell': rcell.ravel().tolist(), 'positions': rpos.ravel().tolist()}
c = Capture(bytes.fromhex(spec['ours_forceready'])); p = IPIProtocol(c)
e, f, v, more = p.sendrecv_force()
out['decoded_forceready'] = {'energy': float(e), 'forces': f.ravel().tolist(),
                             'virial': v.ravel().tolist(), 'more': bytes(more).hex()}
for rank in range(4):
    m = np.zeros((3, 3))
    m[:rank] = cell[:rank]
    out.setdefault('pinv', []).append({'matrix': m.ravel().tolist(),
                                       'pinv': np.linalg.pinv(m).ravel().tolist()})
print(json.dumps(out))
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** An IpiConnection that reads `bytes`. */
async function connectionReading(bytes: Buffer): Promise<IpiConnection> {
  const pair = await socketPair();
  cleanups.push(pair.close);
  pair.left.write(bytes);
  return new IpiConnection(pair.right, 'test peer');
}

describe('headers', () => {
  it('are 12 ASCII bytes padded with spaces, and decode back', () => {
    for (const h of IPI_HEADERS) {
      const bytes = encodeHeader(h);
      expect(bytes.length).toBe(12);
      expect(bytes.toString('ascii')).toBe(h.padEnd(12, ' '));
      expect(decodeHeader(bytes)).toBe(h);
    }
    expect(decodeHeader(Buffer.from('READY\0\0\0\0\0\0\0', 'latin1'))).toBe('READY');
    expect(decodeHeader(Buffer.from('HELLO       '))).toBeNull();
    expect(decodeHeader(Buffer.from(' READY      '))).toBeNull();
    expect(describeHeaderBytes(Buffer.from('AB\x01\xff        ', 'latin1'))).toBe('"AB\\x01\\xff"');
  });
});

describe('messages against ASE 3.22 IPIProtocol', () => {
  it('POSDATA, INIT and FORCEREADY bytes equal ASE’s; ASE decodes ours as we do', async () => {
    const atoms = copperAluminium(1, 3, 0.05);
    const n = atoms.length;
    const energy = -3.210987654321099;
    const forces = Float64Array.from({ length: 3 * n }, (_, i) => Math.sin(1.7 * i) * 0.7);
    // Not symmetric, so a missing or extra transposition shows.
    const virial = Float64Array.of(0.5, 0.11, -0.07, 0.02, -0.3, 0.013, 0.09, -0.04, 0.2);
    const oursPosdata = encodePosdata(atoms.cell, atoms.positions);
    const oursForceReady = encodeForceReady(energy, forces, virial);
    const ase = JSON.parse(
      runAsePython(
        ASE_WIRE,
        JSON.stringify({
          cell: Array.from(atoms.cell),
          positions: Array.from(atoms.positions),
          energy,
          forces: Array.from(forces),
          virial: Array.from(virial),
          ours_posdata: oursPosdata.toString('hex'),
          ours_forceready: oursForceReady.toString('hex'),
        }),
      ),
    );

    // Sent bytes: identical, except the inverse cell (numpy's SVD pinv and our inverse may
    // differ in the last bits).
    const asePosdata = Buffer.from(ase.posdata, 'hex');
    expect(asePosdata.length).toBe(oursPosdata.length);
    const icell = [12 + 72, 12 + 144];
    expect(oursPosdata.subarray(0, icell[0]).equals(asePosdata.subarray(0, icell[0]))).toBe(true);
    expect(oursPosdata.subarray(icell[1]).equals(asePosdata.subarray(icell[1]))).toBe(true);
    const read9 = (b: Buffer) =>
      Array.from({ length: 9 }, (_, k) => b.readDoubleLE(icell[0]! + 8 * k));
    expect(relativeDifference(read9(oursPosdata), read9(asePosdata))).toBeLessThan(1e-14);
    expect(encodeInit(0, new Uint8Array(1)).toString('hex')).toBe(ase.init);
    expect(oursForceReady.toString('hex')).toBe(ase.forceready);

    // Received values: ASE and we decode the same bytes to the same doubles.
    const posdata = await readPosdata(
      await connectionReading(oursPosdata.subarray(12)),
      deadlineIn(1000),
      n,
      1e6,
    );
    expect(Array.from(posdata.cell)).toEqual(ase.decoded_posdata.cell);
    expect(Array.from(posdata.positions)).toEqual(ase.decoded_posdata.positions);
    const force = await readForceReady(
      await connectionReading(oursForceReady.subarray(12)),
      deadlineIn(1000),
      n,
      1024,
    );
    expect(force.energy).toBe(ase.decoded_forceready.energy);
    expect(Array.from(force.forces)).toEqual(ase.decoded_forceready.forces);
    expect(Array.from(force.virial)).toEqual(ase.decoded_forceready.virial);
    expect(force.extra.toString('hex')).toBe(ase.decoded_forceready.more);
    // And the round trip returns what was sent (to rounding of the unit conversions).
    expect(relativeDifference(force.virial, virial)).toBeLessThan(1e-15);
    expect(relativeDifference(posdata.positions, atoms.positions)).toBeLessThan(1e-15);

    for (const { matrix, pinv } of ase.pinv as { matrix: number[]; pinv: number[] }[]) {
      const ours = pseudoInverse3x3(matrix);
      const scale = Math.max(...pinv.map(Math.abs), 1e-300);
      const error = Math.max(...pinv.map((x, k) => Math.abs(x - ours[k]!))) / scale;
      expect(pinv.every((x) => x === 0) ? Math.max(...ours.map(Math.abs)) : error).toBeLessThan(
        1e-12,
      );
    }
  });
});

describe('virial and stress', () => {
  it('follow ASE: stress = −virial/V (upper triangle), virial = −V·stress', () => {
    const stress = Float64Array.of(1, 2, 3, 4, 5, 6);
    const virial = virialFromStress(stress, 10);
    expect(Array.from(virial)).toEqual([-10, -60, -50, -60, -20, -40, -50, -40, -30]);
    expect(Array.from(stressFromVirial(virial, 10))).toEqual([1, 2, 3, 4, 5, 6]);
    // ASE 3.22's full_3x3_to_voigt_6_stress reads the upper triangle.
    expect(Array.from(stressFromVirial([0, 1, 2, 10, 0, 3, 20, 30, 0], 1))).toEqual([
      -0, -0, -0, -3, -2, -1,
    ]);
  });
});
