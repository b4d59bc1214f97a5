/** Loopback-only servers and process checks for the media tests. */
import { childProcesses } from '../support/procfs';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { Readable } from 'node:stream';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface FixtureServer {
  readonly port: number;
  /** `127.0.0.1:port`, the allow-list entry for this server. */
  readonly hostPort: string;
  url(path: string): string;
  route(path: string, handler: Handler): void;
  /** Requests seen, by path. */
  readonly hits: string[];
  /** TCP connections open now: the proof that the bot hung up. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Handler>();
  const hits: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const port = address.port;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    route: (path, handler) => void routes.set(path, handler),
    hits,
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function serveBytes(bytes: Buffer, contentType: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) });
    res.end(bytes);
  };
}

export function serveFile(file: string, contentType: string): Handler {
  return serveBytes(readFileSync(file), contentType);
}

/** Claims the whole length but sends only `sent` bytes, then drops the connection. */
export function serveTruncated(bytes: Buffer, sent: number, contentType: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) });
    res.write(bytes.subarray(0, sent), () => res.socket?.destroy());
  };
}

/**
 * An endless live stream: the bytes looped, paced at `bytesPerSecond`, without Content-Length,
 * the way Icecast serves. Counts open connections so tests can see the bot hang up.
 */
export function serveLive(bytes: Buffer, bytesPerSecond: number, contentType: string, open: { count: number }): Handler {
  return (_req, res) => {
    open.count++;
    res.writeHead(200, { 'content-type': contentType });
    const tickMs = 50;
    const perTick = Math.ceil((bytesPerSecond * tickMs) / 1000);
    let offset = 0;
    // A head start like a real server's burst, so the player does not wait a whole probe for data.
    const burst = perTick * 10;
    const send = (n: number): void => {
      let left = n;
      while (left > 0) {
        const piece = bytes.subarray(offset, offset + left);
        res.write(piece);
        left -= piece.length;
        offset = (offset + piece.length) % bytes.length;
      }
    };
    send(burst);
    const timer = setInterval(() => send(perTick), tickMs);
    res.on('close', () => {
      clearInterval(timer);
      open.count--;
    });
  };
}

export interface ConnectionRecorder {
  readonly port: number;
  readonly host: string;
  readonly connections: number;
  close(): Promise<void>;
}

/** A listener that accepts and counts every connection, to prove that none was made. */
export async function startRecorder(host: '127.0.0.1' | '::1'): Promise<ConnectionRecorder | undefined> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, resolve);
    });
  } catch {
    return undefined; // no IPv6 loopback on this machine
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    host,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Child processes of this process whose command is ffmpeg, read from /proc. */
export function ffmpegChildren(): number[] {
  return childProcesses(process.pid, 'ffmpeg');
}

/** Reads every chunk of an object-mode stream until it ends. */
export async function collect(stream: Readable): Promise<Buffer[]> {
  const packets: Buffer[] = [];
  for await (const chunk of stream) {
    if (Buffer.isBuffer(chunk)) packets.push(chunk);
  }
  return packets;
}
