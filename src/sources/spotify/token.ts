/**
 * The client-credentials flow (developer.spotify.com, "Client Credentials Flow"): POST
 * https://accounts.spotify.com/api/token with `grant_type=client_credentials` and the app's id and
 * secret as Basic authorization, answered with an access token good for `expires_in` seconds (an hour).
 * The token is shared by the fleet through the TokenStore, named after the client id so an operator who
 * changes apps never gets the old app's token. The secret goes only into that one request's header.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import { decodeText } from '../service-api/decode';
import { requestText } from '../service-api/http';
import { SharedToken, type Obtained } from '../service-api/shared-token';
import type { Fetcher, TokenStore } from '../types';
import { TokenAnswer, TokenError } from './codecs';

export const TOKEN_URL = 'https://accounts.spotify.com/api/token';
/** A token is shared this much less long than Spotify grants it, so no instance uses it in its last minute; default 60 s. */
export const DEFAULT_TOKEN_MARGIN_MS = 60_000;

export interface SpotifyCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The TokenStore name of an app's shared access token. */
export function accessTokenName(clientId: string): string {
  return `spotify:access-token:${clientId}`;
}

export interface AccessTokenDeps {
  readonly fetch: Fetcher;
  readonly credentials: SpotifyCredentials;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

/** Asks accounts.spotify.com for a token; a refusal names what Spotify said, never the secret. */
async function requestToken(deps: AccessTokenDeps): Promise<Obtained> {
  const basic = Buffer.from(`${deps.credentials.clientId}:${deps.credentials.clientSecret}`, 'utf8').toString('base64');
  const answer = await requestText(deps.fetch, TOKEN_URL, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: 'grant_type=client_credentials',
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
  });
  if (answer.kind !== 'answer') return answer.kind === 'cancelled' ? answer : { kind: 'failed', reason: `accounts.spotify.com could not be reached for a token (${answer.reason})` };
  if (answer.status === 400 || answer.status === 401) {
    const refusal = decodeText(TokenError, answer.text);
    const said = 'ok' in refusal ? `${refusal.ok.error}${refusal.ok.error_description === undefined ? '' : `: ${refusal.ok.error_description}`}` : `HTTP ${answer.status}`;
    deps.log.warn({ status: answer.status, said }, 'spotify: the client credentials were refused');
    return { kind: 'failed', reason: `Spotify refused hiqty's client credentials (${said}): the bot's operator should check HIQTY_SPOTIFY_CLIENT_ID and HIQTY_SPOTIFY_CLIENT_SECRET` };
  }
  if (answer.status === 429) return { kind: 'failed', reason: 'Spotify is rate limiting hiqty (HTTP 429 for a token); try again in a minute' };
  if (answer.status < 200 || answer.status > 299) return { kind: 'failed', reason: `accounts.spotify.com answered HTTP ${answer.status} when hiqty asked for a token` };
  const token = decodeText(TokenAnswer, answer.text);
  if ('error' in token) return { kind: 'failed', reason: `accounts.spotify.com sent a token answer hiqty does not understand (${token.error})` };
  const ttlMs = token.ok.expires_in * 1000 - DEFAULT_TOKEN_MARGIN_MS;
  if (token.ok.access_token === '' || ttlMs <= 0) return { kind: 'failed', reason: 'accounts.spotify.com sent an empty or already expired token' };
  return { kind: 'ok', token: token.ok.access_token, ttlMs };
}

export function spotifyAccessToken(deps: AccessTokenDeps): SharedToken {
  return new SharedToken({
    name: accessTokenName(deps.credentials.clientId),
    source: 'spotify',
    tokens: deps.tokens,
    clock: deps.clock,
    log: deps.log,
    obtain: () => requestToken(deps),
  });
}
