import { createConnection, createServer, type Socket } from 'node:net';

/** Two connected loopback TCP sockets (for feeding bytes to readers in tests). */
export async function socketPair(): Promise<{ left: Socket; right: Socket; close: () => void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const left = createConnection(port, '127.0.0.1');
  await new Promise((resolve) => left.once('connect', resolve));
  const right = await accepted;
  server.close();
  for (const s of [left, right]) s.on('error', () => undefined);
  return {
    left,
    right,
    close: () => {
      left.destroy();
      right.destroy();
    },
  };
}
