/**
 * Discord's OAuth2 for the dashboard's login: the authorize URL (code grant with PKCE), the code
 * exchange, `users/@me`, `users/@me/guilds`, and revocation. Endpoints derive from DISCORD_API_BASE,
 * so the sandbox serves them in tests and `make run`. Every answer is decoded with io-ts; the client
 * secret goes only into the Authorization header of the token and revoke calls, never into a log.
 */
import * as t from 'io-ts';
import * as TE from 'fp-ts/TaskEither';
import * as E from 'fp-ts/Either';
import type { Clock } from '../../clock';
import { decode, NonEmptyString, Snowflake } from '../../codecs';

/** Discord's answers take well under a second; a login waits this long at most for one. Default 10 s. */
export const DISCORD_OAUTH_TIMEOUT_MS = 10_000;

export const OAUTH_SCOPES = 'identify guilds';

export interface OAuthClientOptions {
  /** DISCORD_API_BASE, e.g. https://discord.com/api. */
  readonly apiBase: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** `${HIQTY_DASHBOARD_URL}/dashboard/callback`. */
  readonly redirectUri: string;
  readonly clock: Clock;
}

export type OAuthError =
  | { readonly kind: 'refused'; readonly status: number; readonly detail: string }
  | { readonly kind: 'unreachable'; readonly detail: string }
  | { readonly kind: 'malformed'; readonly detail: string };

const TokenAnswer = t.intersection([
  t.type({ access_token: NonEmptyString, token_type: t.string, expires_in: t.number, scope: t.string }),
  t.partial({ refresh_token: NonEmptyString }),
]);
export type TokenAnswer = t.TypeOf<typeof TokenAnswer>;

const DiscordUser = t.intersection([
  t.type({ id: Snowflake, username: NonEmptyString }),
  t.partial({ global_name: t.union([t.string, t.null]), avatar: t.union([t.string, t.null]) }),
]);
export type DiscordUser = t.TypeOf<typeof DiscordUser>;

const PartialGuild = t.type({ id: Snowflake, name: t.string });
const PartialGuilds = t.array(PartialGuild);

const ErrorAnswer = t.partial({ error: t.string, error_description: t.string, message: t.string });

export interface OAuthClient {
  /** Where the browser goes to log in: Discord's consent page. */
  authorizeUrl(state: string, challenge: string): string;
  exchangeCode(code: string, verifier: string): TE.TaskEither<OAuthError, TokenAnswer>;
  me(accessToken: string): TE.TaskEither<OAuthError, DiscordUser>;
  /** The ids of the guilds the user is in. */
  guildIds(accessToken: string): TE.TaskEither<OAuthError, readonly string[]>;
  revoke(token: string): TE.TaskEither<OAuthError, void>;
}

export function createOAuthClient(options: OAuthClientOptions): OAuthClient {
  const base = options.apiBase.replace(/\/+$/, '');
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;

  const call = <A, O>(what: string, url: string, init: RequestInit, codec: t.Type<A, O, unknown>): TE.TaskEither<OAuthError, A> => async (): Promise<E.Either<OAuthError, A>> => {
    const abort = new AbortController();
    const timer = options.clock.setTimeout(() => abort.abort(), DISCORD_OAUTH_TIMEOUT_MS);
    try {
      const response = await fetch(url, { ...init, signal: abort.signal, redirect: 'error' });
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        return E.left({ kind: 'malformed', detail: `Discord's ${what} answered ${response.status} with something that is not JSON` });
      }
      if (!response.ok) {
        const e = decode(ErrorAnswer, body);
        const said = E.isLeft(e) ? '' : (e.right.error_description ?? e.right.error ?? e.right.message ?? '');
        return E.left({ kind: 'refused', status: response.status, detail: `Discord's ${what} answered ${response.status}${said === '' ? '' : `: ${said}`}` });
      }
      const decoded = decode(codec, body);
      return E.isLeft(decoded) ? E.left({ kind: 'malformed', detail: `Discord's ${what} answer does not decode: ${decoded.left.join('; ')}` }) : E.right(decoded.right);
    } catch (err) {
      return E.left({ kind: 'unreachable', detail: `Discord's ${what} could not be reached: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      timer.cancel();
    }
  };

  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
  });
  const bearer = (token: string): RequestInit => ({ method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });

  return {
    authorizeUrl(state, challenge) {
      const url = new URL('/oauth2/authorize', new URL(base).origin);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: options.clientId,
        scope: OAUTH_SCOPES,
        state,
        redirect_uri: options.redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        prompt: 'consent',
      }).toString();
      return url.toString();
    },
    exchangeCode: (code, verifier) => call('token endpoint', `${base}/v10/oauth2/token`, form({ grant_type: 'authorization_code', code, redirect_uri: options.redirectUri, code_verifier: verifier }), TokenAnswer),
    me: (accessToken) => call('users/@me', `${base}/v10/users/@me`, bearer(accessToken), DiscordUser),
    guildIds: (accessToken) => TE.map((guilds: t.TypeOf<typeof PartialGuilds>) => guilds.map((g) => g.id))(call('users/@me/guilds', `${base}/v10/users/@me/guilds`, bearer(accessToken), PartialGuilds)),
    revoke: (token) => TE.map(() => undefined)(call('token revocation', `${base}/v10/oauth2/token/revoke`, form({ token, token_type_hint: 'access_token' }), t.unknown)),
  };
}
