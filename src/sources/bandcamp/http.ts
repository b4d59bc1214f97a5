/**
 * Reading Bandcamp's pages and search answers through the Fetcher: every way a request can go wrong
 * becomes a value (status, failure, cancellation), never a throw.
 */
import { BROWSER_USER_AGENT, requestText } from '../service-api/http';
import type { Fetcher } from '../types';

/** A track or album page is about 100 KiB, a search answer a few; default cap 4 MiB. */
export const DEFAULT_TEXT_MAX_BYTES = 4 * 1024 * 1024;

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
  const answer = await requestText(fetch, url, {
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    ...(body === undefined ? {} : { method: 'POST', body }),
    headers: { 'user-agent': BROWSER_USER_AGENT, accept: request.accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    maxBytes: DEFAULT_TEXT_MAX_BYTES,
  });
  if (answer.kind !== 'answer') return answer;
  return answer.status >= 200 && answer.status < 300 ? { kind: 'ok', text: answer.text } : { kind: 'status', status: answer.status };
}
