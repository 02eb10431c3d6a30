import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local HTTP server that counts every TCP connection made to it, so a
 * test can prove that a refused host was never contacted.
 *
 * @internal
 */
export type CountingServer = {
  /** `127.0.0.1:<port>` */
  host: string;
  port: number;
  connections(): number;
  requests: Array<{
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
  }>;
  stop(): Promise<void>;
};

/**
 * Starts a {@link CountingServer} on 127.0.0.1. Without a handler it answers
 * every request with 200 and an empty body.
 *
 * @internal
 */
export async function startCountingServer(
  handler?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<CountingServer> {
  let connections = 0;
  const requests: CountingServer['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
    });
    if (handler) handler(req, res);
    else res.end();
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    port,
    connections: () => connections,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A port on 127.0.0.1 that nothing listens on (it was free a moment ago).
 *
 * @internal
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}
