/**
 * Discord's attachment CDN, in the sandbox: files attached to interactions are served from a local
 * listener at real-looking URLs (`https://cdn.discordapp.com/attachments/<channel>/<id>/<name>?ex=…&is=…&hm=…`,
 * proxied as `https://media.discordapp.net/...`). The bot reaches it through HIQTY_SERVICE_ORIGINS like
 * any service host, so nothing in the product knows the CDN is local. Range requests are answered as the
 * real CDN does (206 with Content-Range), and every request is logged for tests.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as path from 'node:path';
import { contentTypeFor } from './fixtures/formats';
import { parseRange } from './fixtures/range';
import type { ServiceFake, ServiceRequest } from './services/types';
import { snowflake } from './snowflake';

/** A file a test attaches: its bytes or a path to read them from. */
export interface AttachmentInput {
  /** Shown as the attachment's filename; defaults to the path's base name. */
  readonly filename?: string;
  readonly bytes?: Buffer;
  readonly path?: string;
  /** Defaults to what the extension says (Discord guesses the same way). */
  readonly contentType?: string;
}

/** An attachment as `data.resolved.attachments[id]` carries it. */
export interface AttachmentPayload {
  readonly id: string;
  readonly filename: string;
  readonly size: number;
  readonly url: string;
  readonly proxy_url: string;
  readonly content_type: string;
}

export const CDN_HOST = 'cdn.discordapp.com';
export const MEDIA_PROXY_HOST = 'media.discordapp.net';

interface Stored {
  readonly bytes: Buffer;
  readonly contentType: string;
}

export interface SandboxCdn extends ServiceFake {
  /** Stores a file under a channel and returns the attachment object an interaction carries. */
  add(channelId: string, input: AttachmentInput): AttachmentPayload;
}

/** Discord's filename rules, roughly: spaces become underscores, only safe characters stay. */
function safeName(name: string): string {
  const cleaned = name.replace(/\s+/g, '_').replace(/[^A-Za-z0-9._-]/g, '');
  return cleaned === '' ? 'unknown' : cleaned.slice(0, 100);
}

export async function startSandboxCdn(): Promise<SandboxCdn> {
  const files = new Map<string, Stored>();
  const requests: ServiceRequest[] = [];

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://cdn.local');
    const host = (req.headers.host ?? CDN_HOST).split(':')[0] ?? CDN_HOST;
    requests.push({ host, method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, range: req.headers.range, atMs: Date.now() });
    const file = files.get(url.pathname);
    // The real CDN refuses unsigned attachment links since 2024 ("This content is no longer available.").
    if (file === undefined || !url.searchParams.has('hm')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('This content is no longer available.');
      return;
    }
    const headers = { 'content-type': file.contentType, 'accept-ranges': 'bytes', 'cache-control': 'public, max-age=31536000' };
    const range = parseRange(req.headers.range, file.bytes.length);
    if (range.kind === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${file.bytes.length}` }).end();
      return;
    }
    const [start, end] = range.kind === 'ok' ? [range.start, range.end] : [0, file.bytes.length - 1];
    const status = range.kind === 'ok' ? 206 : 200;
    res.writeHead(status, { ...headers, 'content-length': String(Math.max(0, end - start + 1)), ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${file.bytes.length}` } : {}) });
    res.end(req.method === 'HEAD' ? undefined : file.bytes.subarray(start, end + 1));
  };

  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origins: { [CDN_HOST]: origin, [MEDIA_PROXY_HOST]: origin },
    allow: [`127.0.0.1:${port}`],
    requests,
    add(channelId, input) {
      const bytes = input.bytes ?? (input.path !== undefined ? readFileSync(input.path) : undefined);
      if (bytes === undefined) throw new Error('an attachment needs bytes or a path');
      const filename = safeName(input.filename ?? (input.path !== undefined ? path.basename(input.path) : 'file'));
      const id = snowflake();
      const pathname = `/attachments/${channelId}/${id}/${filename}`;
      const contentType = input.contentType ?? contentTypeFor(filename);
      files.set(pathname, { bytes, contentType });
      const now = Math.floor(Date.now() / 1000);
      const signature = `?ex=${(now + 86_400).toString(16)}&is=${now.toString(16)}&hm=${randomBytes(32).toString('hex')}&`;
      return {
        id,
        filename,
        size: bytes.length,
        url: `https://${CDN_HOST}${pathname}${signature}`,
        proxy_url: `https://${MEDIA_PROXY_HOST}${pathname}${signature}`,
        content_type: contentType,
      };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
