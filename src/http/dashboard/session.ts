/** The session of a request, from its `hiqty_session` cookie and Redis; and the checks every write goes through. */
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type { FastifyRequest } from 'fastify';
import { readSession, type DashboardSession } from '../../state';
import { SESSION_COOKIE } from './cookies';
import { badCsrf, crossOrigin, sessionExpired, unavailable, type DashError } from './errors';
import type { Runtime } from './runtime';
import { sameSecret } from './secrets';

export interface SessionContext {
  /** The cookie's value: never logged, never stored (Redis holds its hash). */
  readonly id: string;
  readonly session: DashboardSession;
}

export function sessionCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[SESSION_COOKIE];
  return value === undefined || value === '' ? undefined : value;
}

/** The request's session, or 401 session-expired (no cookie, expired, logged out, or unreadable). */
export const loadSession =
  (rt: Runtime) =>
  (request: FastifyRequest): TaskEither<DashError, SessionContext> =>
  async () => {
    const id = sessionCookie(request);
    if (id === undefined) return E.left(sessionExpired('You are not logged in. Log in with Discord.'));
    let read;
    try {
      read = await readSession(rt.ops.redis, id, rt.clock.now());
    } catch (err) {
      rt.log.warn({ err }, 'dashboard session could not be read');
      return E.left(unavailable('Sessions cannot be read right now (Redis may be unreachable). Try again in a moment.'));
    }
    switch (read.kind) {
      case 'found':
        return E.right({ id, session: read.session });
      case 'missing':
        return E.left(sessionExpired('Your session has expired or was ended. Log in with Discord again.'));
      case 'corrupt':
        // readSession deleted it: this line is written once per broken session.
        rt.log.warn({ reason: read.reason }, 'a dashboard session in Redis does not decode: deleted, and its browser sent to log in again');
        return E.left(sessionExpired('Your session could not be read. Log in with Discord again.'));
    }
  };

/** Writes come from the dashboard's own page: its Origin is exactly HIQTY_DASHBOARD_URL. */
export function checkOrigin(request: FastifyRequest, origin: string): DashError | undefined {
  return request.headers.origin === origin ? undefined : crossOrigin();
}

/** The session's CSRF token in `x-csrf-token` (a header no other site can make a browser send). */
export function checkCsrf(request: FastifyRequest, session: DashboardSession): DashError | undefined {
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || sent === '') return badCsrf(true);
  return sameSecret(sent, session.csrfToken) ? undefined : badCsrf(false);
}
