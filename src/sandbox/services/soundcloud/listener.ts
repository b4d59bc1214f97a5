/** One loopback HTTP listener of the fake, standing in for one real host (or a family of them). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServiceRequest } from '../types';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface Listener {
  /** http://127.0.0.1:port */
  readonly origin: string;
  /** 127.0.0.1:port, for HIQTY_FETCH_ALLOW. */
  readonly hostPort: string;
  stop(): Promise<void>;
}

/**
 * Serves `handler` on a free loopback port, recording each request under `host` (the real host it
 * stands for) into `log`. stop() cuts open connections, including requests the fake holds (a slow service).
 */
export async function listen(host: string, log: ServiceRequest[], handler: Handler): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `https://${host}`);
    log.push({ host, method: req.method ?? 'GET', path: req.url ?? '/', range: req.headers.range, atMs: Date.now() });
    Promise.resolve(handler(req, res, url)).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake error: ${err instanceof Error ? err.message : String(err)}`);
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
  if (address === null || typeof address === 'string') throw new Error(`the ${host} listener has no port`);
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

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
