/**
 * api-v2 requests with the client_id: a 401 drops the id fleet-wide and rediscovers it ONCE; a second
 * 401 is a failure with its reason, not a loop.
 */
import type * as t from 'io-ts';
import type { Logger } from '../../log';
import type { Fetcher } from '../types';
import type { ClientIds } from './client-id';
import { decodeAnswer, fetchText } from './http';
import { malformedAnswer } from '../service-api/answers';

export const API_BASE = 'https://api-v2.soundcloud.com';

export type ApiOutcome<A> =
  | { readonly kind: 'ok'; readonly value: A }
  /** SoundCloud answered a non-2xx other than a 401 (404 removed or private, 403, 5xx). */
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface ApiDeps {
  readonly fetch: Fetcher;
  readonly clientIds: ClientIds;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

function withClientId(url: string, clientId: string): string {
  const u = new URL(url);
  u.searchParams.set('client_id', clientId);
  return u.toString();
}

/** A path under API_BASE, or a full URL SoundCloud handed out (next_href, a transcoding's URL). */
export function apiUrl(pathOrUrl: string, query: Readonly<Record<string, string>> = {}): string {
  const u = new URL(pathOrUrl, API_BASE);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

export async function apiGet<A, O>(deps: ApiDeps, url: string, codec: t.Type<A, O, unknown>, signal: AbortSignal | undefined): Promise<ApiOutcome<A>> {
  let id = await deps.clientIds.current();
  for (let attempt = 0; ; attempt++) {
    if (id.kind !== 'ok') return id;
    const answer = await fetchText(deps.fetch, withClientId(url, id.id), { signal, timeoutMs: deps.timeoutMs });
    if (answer.kind === 'cancelled') return answer;
    if (answer.kind === 'failed') return { kind: 'failed', reason: `SoundCloud could not be reached (${answer.reason})` };
    if (answer.kind === 'status') {
      if (answer.status !== 401) return { kind: 'status', status: answer.status };
      if (attempt > 0) return { kind: 'failed', reason: 'SoundCloud refused a freshly discovered client_id (HTTP 401)' };
      deps.log.info('soundcloud: the client_id answered 401; rediscovering it');
      id = await deps.clientIds.rejected(id.id);
      continue;
    }
    const decoded = decodeAnswer(codec, answer.text);
    if ('error' in decoded) return malformedAnswer('SoundCloud', decoded.error);
    return { kind: 'ok', value: decoded.ok };
  }
}
