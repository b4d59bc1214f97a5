/**
 * The inputs of the sandbox's OAuth2 endpoints, decoded at the edge: form bodies and query strings
 * (io-ts codecs over a flat record of strings) and HTTP Basic client credentials.
 */
import * as t from 'io-ts';
import { isLeft, left, right, type Either } from 'fp-ts/Either';
import { describeErrors } from '../codecs';

/** A query string or form body as a flat record; a parameter given twice is refused (RFC 6749 §3.1, §3.2). */
export function formRecord(params: URLSearchParams): Either<string, Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) {
    if (Object.hasOwn(out, key)) return left(`Parameter "${key}" was given more than once.`);
    out[key] = value;
  }
  return right(out);
}

/**
 * Decodes a form with a codec and words the first problem the way Discord words its OAuth2 errors:
 * `Missing "code" in request.` or `Invalid "code" in request.`.
 */
export function decodeForm<A>(codec: t.Decoder<unknown, A>, form: Record<string, string>): Either<string, A> {
  const result = codec.decode(form);
  if (!isLeft(result)) return right(result.right);
  const problem = describeErrors(result.left)[0];
  const field = problem?.path.split('.')[0] || 'request';
  return left(problem?.value === undefined ? `Missing "${field}" in request.` : `Invalid "${field}" in request.`);
}

const NonEmpty = new t.Type<string, string, unknown>(
  'non-empty string',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** GET /oauth2/authorize's query, and the hidden inputs that carry it through the consent form. */
export const AuthorizeQuery = t.intersection([
  t.type({ client_id: NonEmpty, response_type: NonEmpty, redirect_uri: NonEmpty, scope: NonEmpty }),
  t.partial({ state: t.string, code_challenge: t.string, code_challenge_method: t.string, prompt: t.string }),
]);
export type AuthorizeQuery = t.TypeOf<typeof AuthorizeQuery>;

/** The consent form's POST: the query again, who the user says they are, and their answer. */
export const ConsentForm = t.intersection([AuthorizeQuery, t.type({ user: NonEmpty, decision: t.keyof({ allow: null, deny: null }) })]);
export type ConsentForm = t.TypeOf<typeof ConsentForm>;

export const GrantType = t.type({ grant_type: NonEmpty });

export const CodeGrant = t.intersection([t.type({ code: NonEmpty, redirect_uri: NonEmpty }), t.partial({ code_verifier: t.string })]);

export const RefreshGrant = t.intersection([t.type({ refresh_token: NonEmpty }), t.partial({ scope: t.string })]);

export const RevokeForm = t.intersection([t.type({ token: NonEmpty }), t.partial({ token_type_hint: t.string })]);

/** The client credentials of the body (client_secret_post). */
export const BodyClient = t.partial({ client_id: t.string, client_secret: t.string });

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * HTTP Basic client authentication (RFC 6749 §2.3.1): `base64(urlencode(id) ":" urlencode(secret))`.
 * Undefined without a Basic header; 'malformed' when the header is not valid Basic credentials.
 */
export function basicCredentials(header: string | undefined): ClientCredentials | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return /^Basic\b/i.test(header) ? 'malformed' : undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/** The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive, RFC 7235). */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
export function isVerifier(s: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(s);
}

/** An S256 challenge: base64url of a SHA-256 digest, without padding (43 characters). */
export function isS256Challenge(s: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(s);
}
