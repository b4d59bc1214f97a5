/**
 * Log in with Discord (authorization code with PKCE, scopes `identify guilds`), and log out.
 * - /login: a fresh state, PKCE verifier and browser nonce; Redis keeps the verifier and the nonce's hash
 *   under the state for 10 minutes; the nonce goes into the HttpOnly `hiqty_oauth` cookie.
 * - /callback: takes the state's entry at once (GETDEL: a replayed state finds nothing), checks the
 *   nonce, exchanges the code with the verifier, reads `@me` and `@me/guilds`, and starts a session under
 *   a new id (any session the browser had is ended: the id rotates on every login).
 * Redirects go to the dashboard's own paths only; nothing from the request chooses where.
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decode } from '../../codecs';
import { DASHBOARD_SESSION_TTL_MS, PENDING_LOGIN_TTL_MS, saveSession, savePendingLogin, secretHash, takePendingLogin, takeSession, type DashboardSession } from '../../state';
import { clearedCookie, cookieOptions, OAUTH_COOKIE, SESSION_COOKIE } from './cookies';
import { loginFailedPage } from './html';
import type { OAuthError } from './oauth-client';
import { HOME_PATH } from './paths';
import type { Runtime } from './runtime';
import { pkceChallenge, randomSecret, sameSecret } from './secrets';
import { sessionCookie } from './session';

/** Where /login sends the browser, and the cookie binding the login to it. */
export interface LoginStart {
  readonly authorizeUrl: string;
  readonly nonce: string;
}

export const startLogin =
  (rt: Runtime) =>
  (): TaskEither<string, LoginStart> =>
  async () => {
    const state = randomSecret();
    const verifier = randomSecret();
    const nonce = randomSecret();
    try {
      await savePendingLogin(rt.ops.redis, state, { verifier, nonceHash: secretHash(nonce), createdAt: rt.clock.now() });
    } catch (err) {
      rt.log.warn({ err }, 'dashboard login could not be started');
      return E.left('The login could not be started (Redis may be unreachable). Try again in a moment.');
    }
    return E.right({ authorizeUrl: rt.oauth.authorizeUrl(state, pkceChallenge(verifier)), nonce });
  };

const CallbackQuery = t.partial({ code: t.string, state: t.string, error: t.string, error_description: t.string });

export interface CallbackInput {
  readonly query: unknown;
  /** The `hiqty_oauth` cookie. */
  readonly nonce: string | undefined;
  /** The session cookie the browser still had, ended on success. */
  readonly previousSession: string | undefined;
}

export interface LoggedIn {
  readonly sessionId: string;
  readonly ttlMs: number;
}

function oauthFailure(e: OAuthError): string {
  switch (e.kind) {
    case 'refused':
      return `Discord refused the login (${e.detail}). Start again: a login link works once and for 10 minutes.`;
    case 'unreachable':
      return 'Discord could not be reached to finish the login. Try again in a moment.';
    case 'malformed':
      return 'Discord answered something the dashboard could not read. Try again in a moment.';
  }
}

export const finishLogin =
  (rt: Runtime) =>
  (input: CallbackInput): TaskEither<string, LoggedIn> =>
  async () => {
    const query = decode(CallbackQuery, input.query);
    if (E.isLeft(query)) return E.left('The callback address is malformed.');
    const { code, state, error } = query.right;
    if (state === undefined || state === '') return E.left('The callback came without a state. Start the login from the dashboard.');
    const taken = await takePendingLogin(rt.ops.redis, state).catch((err: unknown) => {
      rt.log.warn({ err }, 'dashboard login could not be read');
      return undefined;
    });
    if (taken === undefined) return E.left('The login could not be checked (Redis may be unreachable). Try again in a moment.');
    if (taken.kind === 'corrupt') rt.log.warn({ reason: taken.reason }, 'a pending dashboard login in Redis does not decode: refused');
    if (taken.kind !== 'found') return E.left('This login link was already used or has expired (10 minutes). Start again.');
    if (input.nonce === undefined || !sameSecret(secretHash(input.nonce), taken.login.nonceHash)) {
      return E.left('This login was started in another browser (or its cookie was lost). Start again from this browser.');
    }
    if (error !== undefined) return E.left(error === 'access_denied' ? 'You cancelled the login on Discord.' : `Discord did not log you in (${error}).`);
    if (code === undefined || code === '') return E.left('Discord sent no code. Start again.');

    const tokens = await rt.oauth.exchangeCode(code, taken.login.verifier)();
    if (E.isLeft(tokens)) {
      rt.log.warn({ kind: tokens.left.kind, detail: tokens.left.detail }, 'dashboard login: the code exchange failed');
      return E.left(oauthFailure(tokens.left));
    }
    const access = tokens.right.access_token;
    const [me, guilds] = await Promise.all([rt.oauth.me(access)(), rt.oauth.guildIds(access)()]);
    if (E.isLeft(me) || E.isLeft(guilds)) {
      const failed = E.isLeft(me) ? me.left : E.isLeft(guilds) ? guilds.left : undefined;
      if (failed !== undefined) rt.log.warn({ kind: failed.kind, detail: failed.detail }, 'dashboard login: reading the user failed');
      void rt.oauth.revoke(access)();
      return E.left(failed === undefined ? 'Discord did not say who you are. Try again.' : oauthFailure(failed));
    }
    const now = rt.clock.now();
    const ttlMs = Math.min(DASHBOARD_SESSION_TTL_MS, Math.max(60_000, tokens.right.expires_in * 1000));
    const user = me.right;
    const session: DashboardSession = {
      user: { id: user.id, name: user.global_name ?? user.username, avatar: user.avatar ?? null },
      accessToken: access,
      refreshToken: tokens.right.refresh_token ?? null,
      guilds: [...guilds.right],
      csrfToken: randomSecret(),
      createdAt: now,
      expiresAt: now + ttlMs,
    };
    const sessionId = randomSecret();
    try {
      await saveSession(rt.ops.redis, sessionId, session, now);
    } catch (err) {
      rt.log.warn({ err }, 'dashboard session could not be stored');
      void rt.oauth.revoke(access)();
      return E.left('The session could not be stored (Redis may be unreachable). Try again in a moment.');
    }
    if (input.previousSession !== undefined) await endSession(rt, input.previousSession);
    rt.log.info({ user: user.id, guilds: session.guilds.length }, 'dashboard login');
    return E.right({ sessionId, ttlMs });
  };

/** Deletes a session and revokes its Discord token; a failed revocation is logged (the token then expires on its own). */
export async function endSession(rt: Runtime, id: string): Promise<boolean> {
  const session = await takeSession(rt.ops.redis, id);
  if (session === undefined) return false;
  const revoked = await rt.oauth.revoke(session.accessToken)();
  if (E.isLeft(revoked)) rt.log.warn({ kind: revoked.left.kind, detail: revoked.left.detail }, 'dashboard logout: Discord did not revoke the token');
  return true;
}

/** The edges: folds each flow's result into a redirect or the failure page. */
export async function loginRoute(rt: Runtime, reply: FastifyReply): Promise<FastifyReply> {
  const r = await startLogin(rt)()();
  if (E.isLeft(r)) return reply.code(503).type('text/html; charset=utf-8').send(loginFailedPage(r.left));
  return reply.setCookie(OAUTH_COOKIE, r.right.nonce, cookieOptions(PENDING_LOGIN_TTL_MS)).header('cache-control', 'no-store').redirect(r.right.authorizeUrl, 302);
}

export async function callbackRoute(rt: Runtime, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const r = await finishLogin(rt)({ query: request.query, nonce: request.cookies[OAUTH_COOKIE], previousSession: sessionCookie(request) })();
  reply.setCookie(OAUTH_COOKIE, '', clearedCookie).header('cache-control', 'no-store');
  if (E.isLeft(r)) return reply.code(400).type('text/html; charset=utf-8').send(loginFailedPage(r.left));
  return reply.setCookie(SESSION_COOKIE, r.right.sessionId, cookieOptions(r.right.ttlMs)).redirect(HOME_PATH, 302);
}
