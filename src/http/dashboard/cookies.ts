/**
 * The dashboard's two cookies. Both are HttpOnly (no script reads them), Secure, SameSite=Lax (sent on
 * the top-level redirect back from Discord, not on cross-site subrequests), and scoped to /dashboard.
 * Browsers keep Secure cookies for http://127.0.0.1 and http://localhost too, which `make run` uses.
 */
import type { CookieSerializeOptions } from '@fastify/cookie';
import { DASHBOARD_PREFIX } from './paths';

export const SESSION_COOKIE = 'hiqty_session';
/** Binds a login under way to the browser that started it: a state replayed from elsewhere lacks its nonce. */
export const OAUTH_COOKIE = 'hiqty_oauth';

export function cookieOptions(maxAgeMs: number): CookieSerializeOptions {
  return { httpOnly: true, secure: true, sameSite: 'lax', path: DASHBOARD_PREFIX, maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)) };
}

/** Clears a cookie set with cookieOptions (same path, so the browser matches it). */
export const clearedCookie: CookieSerializeOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: DASHBOARD_PREFIX, maxAge: 0 };
