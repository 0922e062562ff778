import { afterEach, describe, expect, it } from 'vitest';
import { socketPair } from './__fixtures__/socket-pair.js';
import { deadlineIn } from './deadline.js';
import { IpiProtocolError } from './ipi-protocol-error.js';
import { SocketReader } from './socket-reader.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function pair() {
  const p = await socketPair();
  cleanups.push(p.close);
  return { writer: p.left, reader: new SocketReader(p.right, 'peer X') };
}

describe('SocketReader.readExactly', () => {
  it('reassembles bytes split across writes and keeps the rest for the next read', async () => {
    const { writer, reader } = await pair();
    const first = reader.readExactly(5, 1000, 'five bytes');
    writer.write('ab');
    setTimeout(() => writer.write('cdefg'), 10);
    expect((await first).toString()).toBe('abcde');
    expect((await reader.readExactly(2, 1000, 'two')).toString()).toBe('fg');
    writer.write('0123456789');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reader.bufferedBytes).toBe(10);
    expect((await reader.readExactly(0, 1000, 'nothing')).length).toBe(0);
    expect((await reader.readExactly(10, 1000, 'ten')).toString()).toBe('0123456789');
  });

  it('times out naming the peer, what was awaited and how much arrived; then stays failed', async () => {
    const { writer, reader } = await pair();
    writer.write('abc');
    while (reader.bufferedBytes < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const error = await reader.readExactly(8, 50, 'the answer to STATUS').catch((e) => e);
    expect(error).toBeInstanceOf(IpiProtocolError);
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(
      'i-PI peer X: no answer within 0.05 s: waited for the answer to STATUS (8 bytes, 3 arrived)',
    );
    await expect(reader.readExactly(8, 1000, 'more')).rejects.toThrow(/no answer within/);
  });

  it('gives a deadline’s whole time in the message', async () => {
    const { reader } = await pair();
    await expect(reader.readExactly(4, deadlineIn(30), 'four bytes')).rejects.toThrow(
      'i-PI peer X: no answer within 0.03 s: waited for four bytes (4 bytes, 0 arrived)',
    );
  });

  it('reports a short read when the peer closes in the middle, and a clean close otherwise', async () => {
    const { writer, reader } = await pair();
    const read = reader.readExactly(12, 5000, 'the FORCEREADY virial');
    writer.end('12345');
    const error = await read.catch((e) => e);
    expect(error.reason).toBe('closed');
    expect(error.message).toBe(
      'i-PI peer X: closed the connection after 5 of the 12 bytes of the FORCEREADY virial (short read)',
    );

    const other = await pair();
    other.writer.end();
    await expect(other.reader.readExactly(12, 5000, 'a header')).rejects.toThrow(
      'i-PI peer X: closed the connection while a header was expected',
    );
  });

  it('serves bytes that arrived before the peer closed', async () => {
    const { writer, reader } = await pair();
    writer.end('EXIT        ');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await reader.readExactly(12, 1000, 'a header')).toString()).toBe('EXIT        ');
  });

  it('refuses a second concurrent read', async () => {
    const { reader } = await pair();
    const first = reader.readExactly(4, 100, 'one');
    await expect(reader.readExactly(4, 100, 'two')).rejects.toThrow(/already pending/);
    await expect(first).rejects.toThrow(/no answer/);
  });
});
