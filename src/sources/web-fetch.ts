/**
 * A WHATWG `fetch` made of a Fetcher, for libraries that take a fetch function (youtubei.js's
 * `Innertube.create({ fetch })`). It is how "no library opens its own sockets" holds for them: every
 * request goes through safeFetch with the instance's address policy and HIQTY_SERVICE_ORIGINS.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Fetcher } from './types';

export type WebFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * The signal of the source call a library request belongs to. Libraries that take no signal (youtubei.js)
 * still get cancelled: the source runs its call inside `withSignal`, and every fetch made during it
 * inherits the signal.
 */
const callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

export function withSignal<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  return callSignal.run(signal, run);
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function fetchError(message: string, cause?: unknown): TypeError {
  // fetch rejects with a TypeError whose message says little and whose cause says why; this one says why in both.
  return new TypeError(`fetch failed: ${message}`, cause === undefined ? undefined : { cause });
}

function abortError(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function headerRecord(input: string | URL | Request, init: RequestInit | undefined): Record<string, string> {
  const merged = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((value, name) => merged.set(name, value));
  const out: Record<string, string> = {};
  // Bodies come back as sent; asking for identity keeps them readable without a decompressor here.
  merged.delete('accept-encoding');
  merged.forEach((value, name) => (out[name] = value));
  return out;
}

async function bodyBytes(input: string | URL | Request, init: RequestInit | undefined, headers: Record<string, string>): Promise<string | Buffer | undefined> {
  const body = init?.body ?? (input instanceof Request && input.body !== null ? await input.arrayBuffer() : undefined);
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  throw fetchError('this request body type is not supported (only strings, bytes, URLSearchParams and Blobs)');
}

function responseHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** A fetch whose requests all go through `fetcher`; refusals and failures reject with a TypeError carrying the reason. */
export function webFetch(fetcher: Fetcher): WebFetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') throw fetchError(`the method ${method} is not supported`);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? callSignal.getStore();
    if (signal?.aborted) throw abortError(signal);
    const headers = headerRecord(input, init);
    const body = await bodyBytes(input, init, headers);
    // InnerTube answers errors as JSON with a 4xx; the library reads them, so every status comes back.
    const fetched = await fetcher(url, { method, headers, body, anyStatus: true, signal });
    switch (fetched.kind) {
      case 'ok': {
        const status = fetched.status;
        if (status < 200 || status > 599) {
          fetched.body.destroy();
          throw fetchError(`${url} answered with status ${status}`);
        }
        const empty = method === 'HEAD' || NULL_BODY_STATUSES.has(status);
        if (empty) fetched.body.destroy();
        const stream = empty ? null : Readable.toWeb(fetched.body);
        const response = new Response(stream, { status, headers: responseHeaders(fetched.headers) });
        Object.defineProperty(response, 'url', { value: fetched.finalUrl });
        return response;
      }
      case 'cancelled':
        throw abortError(signal);
      case 'http-error':
        throw fetchError(`${url} answered with status ${fetched.status}`);
      case 'refused':
      case 'failed':
        throw fetchError(fetched.reason);
    }
  };
}
