/**
 * SoundCloud's client_id: api-v2 wants one on every request, and the web app carries it in its
 * JavaScript bundles. As maintained clients do (yt-dlp, lavaplayer), hiqty reads soundcloud.com's
 * page, takes its `<script crossorigin src="https://a-v2.sndcdn.com/assets/….js">` tags and searches
 * them for `client_id:"…"` from the last one back (the app's own bundle comes last; vendor
 * bundles first). The id is shared by the fleet through the TokenStore, so one instance scrapes.
 * hiqty never runs the scripts: they are searched as text.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { Fetcher, TokenStore } from '../types';
import { fetchText } from './http';

/** The TokenStore name of the shared client_id. */
export const CLIENT_ID_TOKEN = 'soundcloud:client-id';
/** How long a discovered client_id is shared before the next scrape; default 6 h (SoundCloud rotates them every few weeks). */
export const DEFAULT_CLIENT_ID_TTL_MS = 6 * 60 * 60 * 1000;
/** How long an instance reuses the id it last read without asking the store again; default 60 s. */
export const DEFAULT_CLIENT_ID_MEMO_MS = 60_000;
/** At most this many script bundles are searched per discovery; default 12 (the site has about 10). */
export const DEFAULT_MAX_SCRIPTS = 12;

export const SITE_URL = 'https://soundcloud.com/';

const SCRIPT_TAG = /<script\b[^>]*\bsrc="(https:\/\/a-v2\.sndcdn\.com\/assets\/[^"]+\.js)"[^>]*>/g;
const CLIENT_ID = /client_id\s*:\s*"([0-9a-zA-Z]{32})"/;

export type ClientIdOutcome =
  | { readonly kind: 'ok'; readonly id: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

/** The script URLs of soundcloud.com's page, in page order. */
export function scriptUrls(html: string): string[] {
  return [...html.matchAll(SCRIPT_TAG)].map((m) => m[1] ?? '').filter((s) => s !== '');
}

export function clientIdIn(script: string): string | undefined {
  return CLIENT_ID.exec(script)?.[1];
}

export interface ClientIdDeps {
  readonly fetch: Fetcher;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly ttlMs?: number;
  readonly timeoutMs?: number;
}

export class ClientIds {
  private memo: { readonly id: string; readonly untilMs: number } | undefined;
  private discovering: Promise<ClientIdOutcome> | undefined;

  constructor(private readonly deps: ClientIdDeps) {}

  /** The id to use now: this instance's memo, else the fleet's, else a fresh scrape. */
  async current(): Promise<ClientIdOutcome> {
    const memo = this.memo;
    if (memo && this.deps.clock.monotonic() < memo.untilMs) return { kind: 'ok', id: memo.id };
    const shared = await this.readShared();
    if (shared !== undefined) {
      this.remember(shared);
      return { kind: 'ok', id: shared };
    }
    return this.discover();
  }

  /**
   * The id answered 401: nobody should use it again. Another instance may have stored a fresh one
   * already (drop then leaves it alone); otherwise this one scrapes.
   */
  async rejected(id: string): Promise<ClientIdOutcome> {
    if (this.memo?.id === id) this.memo = undefined;
    try {
      await this.deps.tokens.drop(CLIENT_ID_TOKEN, id);
    } catch (err) {
      this.deps.log.warn({ err }, 'soundcloud: could not drop the shared client_id');
    }
    const shared = await this.readShared();
    if (shared !== undefined && shared !== id) {
      this.remember(shared);
      return { kind: 'ok', id: shared };
    }
    return this.discover();
  }

  private remember(id: string): void {
    this.memo = { id, untilMs: this.deps.clock.monotonic() + DEFAULT_CLIENT_ID_MEMO_MS };
  }

  private async readShared(): Promise<string | undefined> {
    try {
      return await this.deps.tokens.get(CLIENT_ID_TOKEN);
    } catch (err) {
      // Redis being away costs a scrape, not a track.
      this.deps.log.warn({ err }, 'soundcloud: could not read the shared client_id');
      return undefined;
    }
  }

  /**
   * One scrape at a time per instance; concurrent callers share it. Known limit: since it is shared,
   * one caller's signal does not cancel it; the Fetcher's timeouts bound it.
   */
  private discover(): Promise<ClientIdOutcome> {
    this.discovering ??= this.scrape().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  private async scrape(): Promise<ClientIdOutcome> {
    const { fetch, log } = this.deps;
    const timeoutMs = this.deps.timeoutMs;
    const page = await fetchText(fetch, SITE_URL, { timeoutMs, accept: 'text/html,application/xhtml+xml' });
    if (page.kind === 'cancelled') return page;
    if (page.kind === 'status') return { kind: 'failed', reason: `soundcloud.com answered HTTP ${page.status} when hiqty looked for a client_id` };
    if (page.kind === 'failed') return { kind: 'failed', reason: `soundcloud.com could not be reached for a client_id (${page.reason})` };
    const scripts = scriptUrls(page.text).reverse().slice(0, DEFAULT_MAX_SCRIPTS);
    if (scripts.length === 0) return { kind: 'failed', reason: "soundcloud.com's page has no script bundles to find a client_id in" };
    for (const src of scripts) {
      const script = await fetchText(fetch, src, { timeoutMs, accept: '*/*' });
      if (script.kind === 'cancelled') return script;
      if (script.kind !== 'ok') continue;
      const id = clientIdIn(script.text);
      if (id === undefined) continue;
      this.remember(id);
      try {
        await this.deps.tokens.set(CLIENT_ID_TOKEN, id, this.deps.ttlMs ?? DEFAULT_CLIENT_ID_TTL_MS);
      } catch (err) {
        log.warn({ err }, 'soundcloud: could not share the client_id');
      }
      log.info({ scripts: scripts.length }, 'soundcloud: discovered a client_id');
      return { kind: 'ok', id };
    }
    return { kind: 'failed', reason: `none of soundcloud.com's ${scripts.length} script bundles holds a client_id` };
  }
}
