/**
 * Reading a service's HTTP API or pages through the Fetcher, for the sources written after SoundCloud
 * (Bandcamp, Twitch, Spotify, Apple Music, Deezer): every answer comes back with its status, headers and
 * text whatever the status (errors are JSON, a 429 carries Retry-After), and every way a request can go
 * wrong is a value, never a throw.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { readBody } from '../../media/fetch-context';
import type { FetchOutcome } from '../../media/safe-fetch';
import type { Fetcher } from '../types';

/** An API answer or a page is small; a web player's script bundle is a few MiB. Default cap: 8 MiB. */
export const DEFAULT_ANSWER_MAX_BYTES = 8 * 1024 * 1024;

/** A browser's user agent, for services whose pages and APIs are made for their own web player (Bandcamp, Twitch). */
export const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export type HttpAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: IncomingHttpHeaders; readonly text: string; readonly finalUrl: string }
  /** The service could not be reached: DNS, connection, timeout, the address policy, a truncated body. */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface HttpRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** Headers and idle timeout; default the Fetcher's own (10 s). */
  readonly timeoutMs?: number;
  /** Default DEFAULT_ANSWER_MAX_BYTES. */
  readonly maxBytes?: number;
}

/** Sends one request and reads the whole answer as UTF-8 text, within the cap. */
export async function requestText(fetch: Fetcher, url: string, request: HttpRequest = {}): Promise<HttpAnswer> {
  const outcome = await fetch(url, {
    method: request.method ?? 'GET',
    anyStatus: true,
    maxBytes: request.maxBytes ?? DEFAULT_ANSWER_MAX_BYTES,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.timeoutMs === undefined ? {} : { headersTimeoutMs: request.timeoutMs, idleTimeoutMs: request.timeoutMs }),
  });
  switch (outcome.kind) {
    case 'cancelled':
    case 'refused':
    case 'failed':
      return notReached(outcome);
    case 'http-error':
      // Not with anyStatus; kept so that a change there cannot pass unnoticed.
      return { kind: 'failed', reason: `HTTP ${outcome.status}` };
    case 'ok':
      break;
  }
  const read = await readBody(outcome.body, request.signal);
  if (read.kind === 'cancelled') return read;
  if (read.kind === 'failed') return { kind: 'failed', reason: read.reason };
  return { kind: 'answer', status: outcome.status, headers: outcome.headers, text: read.bytes.toString('utf8'), finalUrl: outcome.finalUrl };
}

/** A request that got no answer: cancelled, refused by the address policy, or failed on the way. */
function notReached(outcome: Extract<FetchOutcome, { kind: 'cancelled' | 'refused' | 'failed' }>): Exclude<HttpAnswer, { kind: 'answer' }> {
  switch (outcome.kind) {
    case 'cancelled':
      return outcome;
    case 'refused':
      return { kind: 'failed', reason: `the request was refused (${outcome.reason})` };
    case 'failed':
      return { kind: 'failed', reason: outcome.reason };
  }
}

/** A header's single value (Node joins most repeated headers; set-cookie is the exception). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Where a link's redirects end (a short link), through the Fetcher, which re-checks every hop. A GET
 * whose body is dropped unread: short-link services answer HEAD unreliably.
 */
export async function finalUrlOf(fetch: Fetcher, url: string, request: Pick<HttpRequest, 'signal' | 'timeoutMs'>): Promise<{ readonly kind: 'ok'; readonly finalUrl: string } | { readonly kind: 'status'; readonly status: number } | Exclude<HttpAnswer, { kind: 'answer' }>> {
  const outcome = await fetch(url, {
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(request.timeoutMs === undefined ? {} : { headersTimeoutMs: request.timeoutMs }),
    headers: { accept: 'text/html' },
  });
  switch (outcome.kind) {
    case 'cancelled':
    case 'refused':
    case 'failed':
      return notReached(outcome);
    case 'http-error':
      return { kind: 'status', status: outcome.status };
    case 'ok':
      outcome.body.destroy();
      return { kind: 'ok', finalUrl: outcome.finalUrl };
  }
}
