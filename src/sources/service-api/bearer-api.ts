/**
 * GETs on a JSON API that wants a shared bearer token (Spotify's Web API, Apple Music's amp-api): a
 * 401 (an expired, revoked or rotated token) drops the token fleet-wide and obtains a fresh one ONCE,
 * so a second 401 is a failure with its reason, not a loop; a 429 is waited for as its Retry-After asks,
 * within the resolution's budget. Callers build every URL themselves, on the API's own host: a token is
 * never sent where an answer points.
 */
import type * as t from 'io-ts';
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { Fetcher } from '../types';
import { decodeText } from './decode';
import { requestText, type HttpAnswer } from './http';
import { honouringRateLimits, rateLimitedReason, waitAsked, type RequestContext } from './rate-limit';
import type { SharedToken } from './shared-token';

export type { RequestContext } from './rate-limit';

export type ApiOutcome<A> =
  | { readonly kind: 'ok'; readonly value: A }
  /** A non-2xx other than 401 and 429 (404, 403, 400, 5xx), with the service's own message when it gave one. */
  | { readonly kind: 'status'; readonly status: number; readonly message: string | undefined }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface BearerApi {
  /** "Spotify", "Apple Music": how reasons name the service. */
  readonly label: string;
  /** "spotify", "apple-music": how log lines name the source. */
  readonly source: string;
  readonly fetch: Fetcher;
  readonly token: SharedToken;
  readonly clock: Clock;
  readonly log: Logger;
  /** Sent with every request besides authorization and accept (Apple Music's Origin). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The service's message in an error answer's body, if it has one. */
  readonly errorMessage: (text: string) => string | undefined;
  readonly timeoutMs?: number;
}

function send(api: BearerApi, url: string, token: string, ctx: RequestContext): Promise<HttpAnswer> {
  return requestText(api.fetch, url, {
    headers: { ...api.headers, authorization: `Bearer ${token}`, accept: 'application/json' },
    signal: ctx.signal,
    ...(api.timeoutMs === undefined ? {} : { timeoutMs: api.timeoutMs }),
  });
}

export async function bearerGet<A, O>(api: BearerApi, url: string, codec: t.Type<A, O, unknown>, ctx: RequestContext): Promise<ApiOutcome<A>> {
  let token = await api.token.current();
  for (let attempt = 0; ; attempt++) {
    if (token.kind !== 'ok') return token;
    const bearer = token.token;
    const answer = await honouringRateLimits(() => send(api, url, bearer, ctx), (a) => waitAsked(a, api.clock.now()), { clock: api.clock, budget: ctx.budget, signal: ctx.signal });
    if (answer.kind === 'cancelled') return answer;
    if (answer.kind === 'rate-limited') return { kind: 'failed', reason: rateLimitedReason(api.label, answer.askedMs) };
    if (answer.kind === 'failed') return { kind: 'failed', reason: `${api.label} could not be reached (${answer.reason})` };
    if (answer.status === 401) {
      if (attempt > 0) return { kind: 'failed', reason: `${api.label} refused a freshly obtained token (HTTP 401)` };
      api.log.info({ source: api.source }, 'the service token answered 401; obtaining a fresh one');
      token = await api.token.rejected(bearer);
      continue;
    }
    if (answer.status < 200 || answer.status > 299) return { kind: 'status', status: answer.status, message: api.errorMessage(answer.text) };
    const decoded = decodeText(codec, answer.text);
    if ('error' in decoded) return { kind: 'failed', reason: `${api.label} sent an answer hiqty does not understand (${decoded.error})` };
    return { kind: 'ok', value: decoded.ok };
  }
}
