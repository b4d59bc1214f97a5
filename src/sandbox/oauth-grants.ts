/**
 * What the sandbox's OAuth2 server remembers: authorization codes (single use, 10 minutes) and the
 * access/refresh token pairs issued from them. Time comes from the sandbox's Clock, so tests can
 * expire codes and tokens without waiting.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';

/** How long a code may wait for its exchange. Discord does not document it; the contract says 10 minutes. */
export const CODE_LIFETIME_MS = 10 * 60_000;
/** Discord's access tokens live 7 days (`expires_in: 604800`). */
export const ACCESS_TOKEN_LIFETIME_S = 604_800;

export interface PendingCode {
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly redirectUri: string;
  /** The S256 code challenge of the authorize request, when it had one. */
  readonly challenge: string | undefined;
  readonly expiresAtMs: number;
}

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly accessExpiresAtMs: number;
}

interface StoredPair extends TokenPair {
  /** Revoked: neither token works any more. */
  revoked: boolean;
  /** Refreshed: the refresh token was spent on a new pair (the access token lives on until it expires). */
  rotated: boolean;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random token shaped like Discord's (30 alphanumeric characters). */
export function randomToken(length = 30): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** RFC 7636 §4.6: BASE64URL(SHA256(verifier)) must equal the challenge. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Compares secrets without leaking, through timing, how much of them matched. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export class OAuthGrants {
  private readonly codes = new Map<string, PendingCode>();
  private readonly byAccess = new Map<string, StoredPair>();
  private readonly byRefresh = new Map<string, StoredPair>();
  private readonly pairs: StoredPair[] = [];

  constructor(private readonly clock: Clock) {}

  issueCode(grant: Omit<PendingCode, 'expiresAtMs'>): string {
    const now = this.clock.monotonic();
    for (const [code, pending] of this.codes) if (pending.expiresAtMs <= now) this.codes.delete(code);
    const code = randomToken();
    this.codes.set(code, { ...grant, expiresAtMs: now + CODE_LIFETIME_MS });
    return code;
  }

  /**
   * Spends a code of this client: whatever the exchange makes of it afterwards, it never works again.
   * Undefined when it does not exist, was spent, belongs to another client or expired.
   */
  takeCode(code: string, clientId: string): PendingCode | undefined {
    const pending = this.codes.get(code);
    if (!pending || pending.clientId !== clientId) return undefined;
    this.codes.delete(code);
    return pending.expiresAtMs > this.clock.monotonic() ? pending : undefined;
  }

  issueTokens(clientId: string, userId: string, scopes: readonly string[]): TokenPair {
    const pair: StoredPair = {
      accessToken: randomToken(),
      refreshToken: randomToken(),
      clientId,
      userId,
      scopes,
      accessExpiresAtMs: this.clock.monotonic() + ACCESS_TOKEN_LIFETIME_S * 1000,
      revoked: false,
      rotated: false,
    };
    this.byAccess.set(pair.accessToken, pair);
    this.byRefresh.set(pair.refreshToken, pair);
    this.pairs.push(pair);
    return pair;
  }

  /** The pair of a working access token: issued, not revoked, not expired. */
  access(accessToken: string): TokenPair | undefined {
    const pair = this.byAccess.get(accessToken);
    return pair && !pair.revoked && pair.accessExpiresAtMs > this.clock.monotonic() ? pair : undefined;
  }

  /** Trades a working refresh token of this client for a new pair; the old refresh token stops working. */
  refresh(refreshToken: string, clientId: string, scopes: readonly string[] | undefined): TokenPair | 'invalid' | 'scope' {
    const pair = this.byRefresh.get(refreshToken);
    if (!pair || pair.clientId !== clientId || pair.revoked || pair.rotated) return 'invalid';
    // RFC 6749 §6: a refresh may narrow the scope, never widen it.
    if (scopes && !scopes.every((s) => pair.scopes.includes(s))) return 'scope';
    pair.rotated = true;
    return this.issueTokens(clientId, pair.userId, scopes ?? pair.scopes);
  }

  /**
   * Revokes a token of this client. As Discord documents, revoking any valid access or refresh token
   * invalidates all of the application's tokens for that user. Unknown tokens are ignored (RFC 7009 §2.2).
   */
  revoke(token: string, clientId: string): void {
    const viaRefresh = this.byRefresh.get(token);
    const pair = this.access(token) ?? (viaRefresh && !viaRefresh.revoked && !viaRefresh.rotated ? viaRefresh : undefined);
    if (!pair || pair.clientId !== clientId) return;
    for (const p of this.pairs) if (p.clientId === clientId && p.userId === pair.userId) p.revoked = true;
  }

  /** Whether an access token the sandbox issued has been revoked (false for tokens it never issued). */
  revoked(accessToken: string): boolean {
    return this.byAccess.get(accessToken)?.revoked ?? false;
  }

  /** Access tokens issued to a user, oldest first. */
  issuedTo(userId: string): string[] {
    return this.pairs.filter((p) => p.userId === userId).map((p) => p.accessToken);
  }
}
