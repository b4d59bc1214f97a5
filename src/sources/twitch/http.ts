/**
 * Twitch's answers read through the Fetcher: every status comes back with its body (GQL and usher say
 * why in JSON), and every way a request can go wrong becomes a value, never a throw.
 */
import { isLeft } from 'fp-ts/Either';
import type * as t from 'io-ts';
import { decode, decodeJson } from '../../codecs';
import { readBody } from '../../media/fetch-context';
import type { Fetcher } from '../types';

/** GQL answers and master playlists are a few KiB; default cap 1 MiB. */
export const DEFAULT_TEXT_MAX_BYTES = 1024 * 1024;

/** A browser's user agent: gql.twitch.tv and usher serve twitch.tv's web player, and answer it best. */
export const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export type TextAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly text: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface TextRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** Any status with its whole body as UTF-8 text, within the cap. */
export async function fetchAnswer(fetch: Fetcher, url: string, request: TextRequest): Promise<TextAnswer> {
  const outcome = await fetch(url, {
    method: request.method ?? 'GET',
    headers: { 'user-agent': BROWSER_USER_AGENT, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
    anyStatus: true,
    maxBytes: DEFAULT_TEXT_MAX_BYTES,
    signal: request.signal,
    ...(request.timeoutMs === undefined ? {} : { headersTimeoutMs: request.timeoutMs, idleTimeoutMs: request.timeoutMs }),
  });
  switch (outcome.kind) {
    case 'ok': {
      const read = await readBody(outcome.body, request.signal);
      if (read.kind !== 'read') return read;
      return { kind: 'answer', status: outcome.status, text: read.bytes.toString('utf8') };
    }
    case 'http-error':
      // Not with anyStatus; kept for completeness of the union.
      return { kind: 'answer', status: outcome.status, text: '' };
    case 'refused':
      return { kind: 'failed', reason: `the request was refused (${outcome.reason})` };
    case 'failed':
      return { kind: 'failed', reason: outcome.reason };
    case 'cancelled':
      return outcome;
  }
}

/** Decodes a value with a codec; the error is one readable sentence. */
export function decodeValue<A, O>(codec: t.Type<A, O, unknown>, value: unknown): { readonly ok: A } | { readonly error: string } {
  const decoded = decode(codec, value);
  return isLeft(decoded) ? { error: decoded.left.slice(0, 3).join('; ') } : { ok: decoded.right };
}

/** Decodes JSON text with a codec; the error is one readable sentence. */
export function decodeText<A, O>(codec: t.Type<A, O, unknown>, text: string): { readonly ok: A } | { readonly error: string } {
  const decoded = decodeJson(codec, text);
  return isLeft(decoded) ? { error: decoded.left.slice(0, 3).join('; ') } : { ok: decoded.right };
}
