/**
 * Reading SoundCloud's answers through the Fetcher: every way a request can go wrong becomes a
 * value (status, failure, cancellation), never a throw.
 */
import { isLeft } from 'fp-ts/Either';
import type * as t from 'io-ts';
import { decodeJson } from '../../codecs';
import { readBody } from '../../media/fetch-context';
import type { FetchOutcome } from '../../media/safe-fetch';
import type { Fetcher } from '../types';
import { BROWSER_USER_AGENT } from '../service-api/http';


/** Pages and API answers are small; a bundle of the web app is a few MiB. Default cap: 8 MiB. */
export const DEFAULT_TEXT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * A browser's user agent: soundcloud.com serves its script tags to browsers, and api-v2 is the web
 * client's API. Sent on every SoundCloud request.
 */
export type TextOutcome =
  | { readonly kind: 'ok'; readonly status: number; readonly text: string; readonly finalUrl: string }
  /** A non-2xx answer; 401 means the client_id is no longer accepted. */
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

type NotOkOutcome = Exclude<TextOutcome, { kind: 'ok' }>;

export interface TextRequest {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly accept?: string;
}

/** GETs a URL and reads its whole body as UTF-8 text, within the cap. */
export async function fetchText(fetch: Fetcher, url: string, request: TextRequest): Promise<TextOutcome> {
  const outcome = await fetch(url, {
    signal: request.signal,
    maxBytes: DEFAULT_TEXT_MAX_BYTES,
    ...(request.timeoutMs !== undefined ? { headersTimeoutMs: request.timeoutMs, idleTimeoutMs: request.timeoutMs } : {}),
    headers: { 'user-agent': BROWSER_USER_AGENT, accept: request.accept ?? 'application/json, text/javascript, */*; q=0.01' },
  });
  if (outcome.kind !== 'ok') return notOk(outcome);
  const read = await readBody(outcome.body, request.signal);
  if (read.kind !== 'read') return read;
  return { kind: 'ok', status: outcome.status, text: read.bytes.toString('utf8'), finalUrl: outcome.finalUrl };
}

/** Decodes JSON text with a codec; the left is one readable sentence. */
export function decodeAnswer<A, O>(codec: t.Type<A, O, unknown>, text: string): { readonly ok: A } | { readonly error: string } {
  const decoded = decodeJson(codec, text);
  if (isLeft(decoded)) return { error: decoded.left.slice(0, 3).join('; ') };
  return { ok: decoded.right };
}

/**
 * Where a URL's redirects end (a short link's page), without reading that page: a HEAD, which
 * safeFetch follows through every redirect with the same method.
 */
export async function fetchFinalUrl(fetch: Fetcher, url: string, request: TextRequest): Promise<NotOkOutcome | { readonly kind: 'ok'; readonly finalUrl: string }> {
  const outcome = await fetch(url, {
    method: 'HEAD',
    signal: request.signal,
    ...(request.timeoutMs !== undefined ? { headersTimeoutMs: request.timeoutMs } : {}),
    headers: { 'user-agent': BROWSER_USER_AGENT, accept: 'text/html' },
  });
  if (outcome.kind !== 'ok') return notOk(outcome);
  outcome.body.destroy();
  return { kind: 'ok', finalUrl: outcome.finalUrl };
}

/** A fetch that did not get a 2xx answer, as SoundCloud's readers report it. */
function notOk(outcome: Exclude<FetchOutcome, { kind: 'ok' }>): NotOkOutcome {
  switch (outcome.kind) {
    case 'http-error':
      return { kind: 'status', status: outcome.status };
    case 'refused':
      return { kind: 'failed', reason: `the request was refused (${outcome.reason})` };
    case 'failed':
      return { kind: 'failed', reason: outcome.reason };
    case 'cancelled':
      return { kind: 'cancelled' };
  }
}
