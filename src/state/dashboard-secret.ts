/** The one way a browser-held secret (session id, OAuth2 state, nonce) becomes a key name or a stored value: its SHA-256. */
import { createHash } from 'node:crypto';

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
