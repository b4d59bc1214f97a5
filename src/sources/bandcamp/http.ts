/**
 * Reading Bandcamp's pages and search answers through the Fetcher: every way a request can go wrong
 * becomes a value (status, failure, cancellation), never a throw.
 */
import { readBody } from '../../media/fetch-context';
import type { Fetcher } from '../types';

/** A track or album page is about 100 KiB, a search answer a few; default cap 4 MiB. */
export const DEFAULT_TEXT_MAX_BYTES = 4 * 1024 * 1024;

/** A browser's user agent, as Bandcamp's pages, search box and player are made for browsers. Sent on every Bandcamp request. */
export const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export type TextOutcome =
  | { readonly kind: 'ok'; readonly text: string }
  /** A non-2xx answer (404: the page was removed or never existed). */
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface TextRequest {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly accept: string;
  /** A JSON body: the request is a POST with it. */
  readonly json?: unknown;
}

/** GETs (or with `json`, POSTs) a URL and reads its whole body as UTF-8 text, within the cap. */
export async function fetchText(fetch: Fetcher, url: string, request: TextRequest): Promise<TextOutcome> {
  const body = request.json === undefined ? undefined : JSON.stringify(request.json);
  const outcome = await fetch(url, {
    signal: request.signal,
    maxBytes: DEFAULT_TEXT_MAX_BYTES,
    ...(request.timeoutMs !== undefined ? { headersTimeoutMs: request.timeoutMs, idleTimeoutMs: request.timeoutMs } : {}),
    ...(body === undefined ? {} : { method: 'POST' as const, body }),
    headers: {
      'user-agent': BROWSER_USER_AGENT,
      accept: request.accept,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
  });
  switch (outcome.kind) {
    case 'ok': {
      const read = await readBody(outcome.body, request.signal);
      return read.kind === 'read' ? { kind: 'ok', text: read.bytes.toString('utf8') } : read;
    }
    case 'http-error':
      return { kind: 'status', status: outcome.status };
    case 'refused':
      return { kind: 'failed', reason: `the request was refused (${outcome.reason})` };
    case 'failed':
      return { kind: 'failed', reason: outcome.reason };
    case 'cancelled':
      return outcome;
  }
}
