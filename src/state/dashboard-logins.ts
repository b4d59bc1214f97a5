/**
 * OAuth2 logins under way (the dashboard's `/login` → Discord → `/callback`): the PKCE verifier and
 * the hash of the nonce in the browser's `hiqty_oauth` cookie, under the state's hash, for 10 minutes.
 * The callback takes the entry with GETDEL, so a state is good for one callback only, on any instance.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { decodeJson, NonEmptyString } from '../codecs';
import { secretHash } from './dashboard-secret';
import { dashboardLoginKey } from './keys';

/** How long a login may take between the redirect to Discord and the callback. Default 10 minutes (Discord's codes live as long). */
export const PENDING_LOGIN_TTL_MS = 10 * 60_000;

export const PendingLogin = t.type({ verifier: NonEmptyString, nonceHash: NonEmptyString, createdAt: t.number });
export type PendingLogin = t.TypeOf<typeof PendingLogin>;

export async function savePendingLogin(redis: Redis, state: string, login: PendingLogin, ttlMs: number = PENDING_LOGIN_TTL_MS): Promise<void> {
  await redis.set(dashboardLoginKey(secretHash(state)), JSON.stringify(PendingLogin.encode(login)), 'PX', ttlMs);
}

export type TakenLogin = { readonly kind: 'found'; readonly login: PendingLogin } | { readonly kind: 'missing' } | { readonly kind: 'corrupt'; readonly reason: string };

/** Takes the login of a state (atomically: a second call for the same state finds nothing). */
export async function takePendingLogin(redis: Redis, state: string): Promise<TakenLogin> {
  const raw = await redis.getdel(dashboardLoginKey(secretHash(state)));
  if (raw === null) return { kind: 'missing' };
  const decoded = decodeJson(PendingLogin, raw);
  return isLeft(decoded) ? { kind: 'corrupt', reason: decoded.left.join('; ') } : { kind: 'found', login: decoded.right };
}
