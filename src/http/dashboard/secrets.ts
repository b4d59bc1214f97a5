/** Random secrets for the login flow and sessions, and the PKCE challenge of a verifier (RFC 7636, S256). */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: session ids, OAuth2 states, nonces, CSRF tokens, PKCE verifiers (43 characters, within RFC 7636's 43-128). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Compares two secrets in time independent of where they differ (both hashed first, so lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
