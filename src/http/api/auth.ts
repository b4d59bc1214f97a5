/** Bearer-token check. Both sides are hashed first, so the comparison takes the same time whatever the length or content. */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

export function tokenChecker(expected: string): (presented: string | undefined) => boolean {
  const want = digest(expected);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), want);
}

/** A short, non-reversible name of a token for rate-limit keys: the token itself is never stored. */
export function tokenId(token: string): string {
  return digest(`hiqty-api:${token}`).toString('hex').slice(0, 16);
}
