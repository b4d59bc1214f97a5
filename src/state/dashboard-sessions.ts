/**
 * Dashboard sessions in Redis, so any instance serves any browser. The key is the hash of the
 * session id (the cookie's value); the value is JSON, decoded with io-ts on every read, with a TTL
 * equal to the session's lifetime. A value that does not decode is deleted and reported once, and
 * the browser is sent to log in again, as for an expired session.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { decodeJson, NonEmptyString, Snowflake } from '../codecs';
import { secretHash } from './dashboard-secret';
import { dashboardSessionKey } from './keys';

/** How long a dashboard login lasts (absolute, not sliding). Default 24 hours; Discord's access token lives 7 days. */
export const DASHBOARD_SESSION_TTL_MS = 24 * 3_600_000;

export const DashboardSession = t.type({
  user: t.type({ id: Snowflake, name: NonEmptyString, avatar: t.union([t.string, t.null]) }),
  /** Discord's OAuth2 tokens: the access token reads `@me/guilds` and is revoked at logout. */
  accessToken: NonEmptyString,
  refreshToken: t.union([NonEmptyString, t.null]),
  /** The ids of the guilds the user is in, from `@me/guilds` at login. */
  guilds: t.array(Snowflake),
  /** The anti-CSRF token the page sends back in `x-csrf-token` on every write. */
  csrfToken: NonEmptyString,
  createdAt: t.number,
  expiresAt: t.number,
});
export type DashboardSession = t.TypeOf<typeof DashboardSession>;

export type SessionRead = { readonly kind: 'found'; readonly session: DashboardSession } | { readonly kind: 'missing' } | { readonly kind: 'corrupt'; readonly reason: string };

/** Stores a new session until its expiresAt (measured on the caller's clock as `now`). */
export async function saveSession(redis: Redis, id: string, session: DashboardSession, now: number): Promise<void> {
  const ttlMs = Math.max(1, session.expiresAt - now);
  await redis.set(dashboardSessionKey(secretHash(id)), JSON.stringify(DashboardSession.encode(session)), 'PX', ttlMs);
}

/** The session of an id; a corrupt value is deleted here, so it is reported once. */
export async function readSession(redis: Redis, id: string, now: number): Promise<SessionRead> {
  const key = dashboardSessionKey(secretHash(id));
  const raw = await redis.get(key);
  if (raw === null) return { kind: 'missing' };
  const decoded = decodeJson(DashboardSession, raw);
  if (isLeft(decoded)) {
    await redis.del(key);
    return { kind: 'corrupt', reason: decoded.left.join('; ') };
  }
  // Redis expires the key; the check covers a clock that runs ahead of Redis's.
  return decoded.right.expiresAt <= now ? { kind: 'missing' } : { kind: 'found', session: decoded.right };
}

/** Deletes a session and hands back what it held (to revoke its Discord token), or undefined when there was none. */
export async function takeSession(redis: Redis, id: string): Promise<DashboardSession | undefined> {
  const raw = await redis.getdel(dashboardSessionKey(secretHash(id)));
  if (raw === null) return undefined;
  const decoded = decodeJson(DashboardSession, raw);
  return isLeft(decoded) ? undefined : decoded.right;
}
