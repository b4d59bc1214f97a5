/** The loopback HTTP listeners of the service fakes, each standing in for one real host or a family of them. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServiceRequest } from './types';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface Listener {
  /** http://127.0.0.1:port */
  readonly origin: string;
  /** 127.0.0.1:port, for HIQTY_FETCH_ALLOW. */
  readonly hostPort: string;
  stop(): Promise<void>;
}

/**
 * Serves `handler` on a free loopback port, recording each request into `log` under the real host it was
 * meant for: `host`, or `host(path)` where one listener stands for several hosts told apart by path. A
 * handler that throws answers 500 (or cuts an answer already begun). stop() cuts open connections,
 * including requests the fake holds (a slow service).
 */
export async function listen(host: string | ((path: string) => string), log: ServiceRequest[], handler: Handler): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const requested = req.url ?? '/';
    const url = new URL(requested, 'https://fake.invalid');
    const meantFor = typeof host === 'string' ? host : host(url.pathname);
    log.push({ host: meantFor, method: req.method ?? 'GET', path: requested, range: req.headers.range, atMs: Date.now() });
    Promise.resolve(handler(req, res, new URL(requested, `https://${meantFor}`))).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const label = typeof host === 'string' ? host : host('/');
  if (address === null || typeof address === 'string') throw new Error(`the ${label} listener has no port`);
  const port = address.port;
  return {
    origin: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
