/**
 * GETs on api.deezer.com, which needs no key. Deezer answers most errors with HTTP 200 and an error
 * object (`{"error": {"type", "message", "code"}}`), so every answer is read for one before its
 * codec: code 800 (DataException, "no data") is an item that does not exist, code 4 ("Quota limit
 * exceeded": 50 requests per 5 s per address) is waited out like a 429 with Retry-After, within the
 * resolution's budget.
 */
import type * as t from 'io-ts';
import type { Clock } from '../../clock';
import { decodeText } from '../service-api/decode';
import { requestText, type HttpAnswer } from '../service-api/http';
import { honouringRateLimits, rateLimitedReason, waitAsked, type RequestContext } from '../service-api/rate-limit';
import type { Fetcher } from '../types';
import { ErrorAnswer } from './codecs';
import { malformedAnswer } from '../service-api/answers';

export const API_ORIGIN = 'https://api.deezer.com';
export const API_HOST = 'api.deezer.com';
/** Deezer's error codes hiqty tells apart (developers.deezer.com/api/errors). */
export const QUOTA_EXCEEDED = 4;
export const DATA_NOT_FOUND = 800;
/** How long a quota error is waited out: it names no time, and Deezer's window is 5 s; default 5 s. */
export const DEFAULT_QUOTA_WAIT_MS = 5000;

export type ApiOutcome<A> =
  | { readonly kind: 'ok'; readonly value: A }
  /** Error 800: Deezer has no such item. */
  | { readonly kind: 'not-found' }
  /** Another error object, or a non-2xx status. */
  | { readonly kind: 'error'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface DeezerApi {
  readonly fetch: Fetcher;
  readonly clock: Clock;
  readonly timeoutMs?: number;
  /** Default DEFAULT_QUOTA_WAIT_MS (5 s). */
  readonly quotaWaitMs?: number;
}

export function apiUrl(path: string, query: Readonly<Record<string, string>> = {}): string {
  const u = new URL(`${API_ORIGIN}${path}`);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

/** A `next` link Deezer handed out, if it stays on the API host. */
export function nextUrl(next: string | null | undefined): string | undefined {
  if (typeof next !== 'string') return undefined;
  try {
    const u = new URL(next);
    return u.protocol === 'https:' && u.hostname === API_HOST ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

function errorIn(answer: HttpAnswer): t.TypeOf<typeof ErrorAnswer>['error'] | undefined {
  // An error object is the whole answer; a cheap look first, so a long page is not parsed twice.
  if (answer.kind !== 'answer' || !/^\s*\{\s*"error"\s*:/.test(answer.text)) return undefined;
  const error = decodeText(ErrorAnswer, answer.text);
  return 'ok' in error ? error.ok.error : undefined;
}

export async function deezerGet<A, O>(api: DeezerApi, url: string, codec: t.Type<A, O, unknown>, ctx: RequestContext): Promise<ApiOutcome<A>> {
  const waitFor = (a: HttpAnswer): number | undefined => waitAsked(a, api.clock.now()) ?? (errorIn(a)?.code === QUOTA_EXCEEDED ? (api.quotaWaitMs ?? DEFAULT_QUOTA_WAIT_MS) : undefined);
  const send = (): Promise<HttpAnswer> =>
    requestText(api.fetch, url, { headers: { accept: 'application/json' }, signal: ctx.signal, ...(api.timeoutMs === undefined ? {} : { timeoutMs: api.timeoutMs }) });
  const answer = await honouringRateLimits(send, waitFor, { clock: api.clock, budget: ctx.budget, signal: ctx.signal });
  if (answer.kind === 'cancelled') return answer;
  if (answer.kind === 'rate-limited') return { kind: 'failed', reason: rateLimitedReason('Deezer', answer.askedMs) };
  if (answer.kind === 'failed') return { kind: 'failed', reason: `Deezer could not be reached (${answer.reason})` };
  if (answer.status < 200 || answer.status > 299) return answer.status >= 500 ? { kind: 'failed', reason: `Deezer answered HTTP ${answer.status}` } : { kind: 'error', reason: `Deezer answered HTTP ${answer.status}` };
  const error = errorIn(answer);
  if (error !== undefined) {
    if (error.code === DATA_NOT_FOUND) return { kind: 'not-found' };
    const said = [error.type, error.message].filter((s) => s !== undefined && s !== '').join(': ');
    return { kind: 'error', reason: `Deezer answered error ${error.code}${said === '' ? '' : ` (${said})`}` };
  }
  const decoded = decodeText(codec, answer.text);
  if ('error' in decoded) return malformedAnswer('Deezer', decoded.error);
  return { kind: 'ok', value: decoded.ok };
}
