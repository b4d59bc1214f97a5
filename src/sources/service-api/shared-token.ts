/**
 * A token a service hands out (Spotify's client-credentials access token, Apple Music's web player
 * developer token), shared by the fleet through the TokenStore (Redis) with the token's own lifetime,
 * so one instance obtains it and the others use it. An instance keeps what it read for a short memo,
 * obtains one token at a time however many requests want it, and on a 401 drops the token for
 * everyone (only while it is still the one that failed) and obtains a fresh one.
 *
 * Tokens are secrets: they are never logged, and a reason never quotes one.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { TokenStore } from '../types';

/** How long an instance reuses the token it last read without asking the store again; default 30 s. */
export const DEFAULT_TOKEN_MEMO_MS = 30_000;

export type TokenOutcome = { readonly kind: 'ok'; readonly token: string } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'cancelled' };

/** A freshly obtained token and how long it may be shared (already shortened by a safety margin). */
export type Obtained = { readonly kind: 'ok'; readonly token: string; readonly ttlMs: number } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'cancelled' };

export interface SharedTokenDeps {
  /** The TokenStore name (hiqty:source_token:{name}). */
  readonly name: string;
  /** "spotify", "apple-music": how log lines name the source. */
  readonly source: string;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Asks the service for a new token. */
  readonly obtain: () => Promise<Obtained>;
  /** Default DEFAULT_TOKEN_MEMO_MS (30 s); never longer than the margin the TTL was shortened by. */
  readonly memoMs?: number;
}

export class SharedToken {
  private memo: { readonly token: string; readonly untilMs: number } | undefined;
  private obtaining: Promise<TokenOutcome> | undefined;

  constructor(private readonly deps: SharedTokenDeps) {}

  /** The token to use now: this instance's memo, else the fleet's, else a fresh one. */
  async current(): Promise<TokenOutcome> {
    const memo = this.memo;
    if (memo !== undefined && this.deps.clock.monotonic() < memo.untilMs) return { kind: 'ok', token: memo.token };
    const shared = await this.readShared();
    if (shared !== undefined) {
      this.remember(shared, this.deps.memoMs ?? DEFAULT_TOKEN_MEMO_MS);
      return { kind: 'ok', token: shared };
    }
    return this.obtainOnce();
  }

  /**
   * The token answered 401: nobody should use it again. Another instance may already have shared a
   * fresh one (then the drop leaves that alone and it is used); otherwise this one obtains one.
   */
  async rejected(token: string): Promise<TokenOutcome> {
    if (this.memo?.token === token) this.memo = undefined;
    try {
      await this.deps.tokens.drop(this.deps.name, token);
    } catch (err) {
      this.deps.log.warn({ err, source: this.deps.source }, 'could not drop a rejected shared token');
    }
    const shared = await this.readShared();
    if (shared !== undefined && shared !== token) {
      this.remember(shared, this.deps.memoMs ?? DEFAULT_TOKEN_MEMO_MS);
      return { kind: 'ok', token: shared };
    }
    return this.obtainOnce();
  }

  private remember(token: string, forMs: number): void {
    this.memo = { token, untilMs: this.deps.clock.monotonic() + forMs };
  }

  private async readShared(): Promise<string | undefined> {
    try {
      return await this.deps.tokens.get(this.deps.name);
    } catch (err) {
      // Redis being away costs a token request, not a track.
      this.deps.log.warn({ err, source: this.deps.source }, 'could not read a shared token');
      return undefined;
    }
  }

  /**
   * One request for a token at a time per instance; concurrent callers share it. Known limit: since it
   * is shared, one caller's signal does not cancel it; the Fetcher's timeouts bound it.
   */
  private obtainOnce(): Promise<TokenOutcome> {
    this.obtaining ??= this.obtainAndShare().finally(() => (this.obtaining = undefined));
    return this.obtaining;
  }

  private async obtainAndShare(): Promise<TokenOutcome> {
    const obtained = await this.deps.obtain();
    if (obtained.kind !== 'ok') return obtained;
    const memoMs = Math.min(this.deps.memoMs ?? DEFAULT_TOKEN_MEMO_MS, obtained.ttlMs);
    this.remember(obtained.token, memoMs);
    try {
      await this.deps.tokens.set(this.deps.name, obtained.token, obtained.ttlMs);
    } catch (err) {
      this.deps.log.warn({ err, source: this.deps.source }, 'could not share a token');
    }
    this.deps.log.info({ source: this.deps.source, ttlS: Math.round(obtained.ttlMs / 1000) }, 'obtained a service token and shared it');
    return { kind: 'ok', token: obtained.token };
  }
}
