/**
 * The Apple Music web player's developer token. music.apple.com's page loads its app as a module
 * script, /assets/index~HASH.js (index-HASH.js on older deploys, index-legacy-HASH.js for old
 * browsers), and that bundle carries the token the player sends to amp-api.music.apple.com as a JWT
 * string literal. As maintained clients do (LavaSrc's AppleMusic token manager, apple-music-downloader),
 * hiqty reads the page, takes those scripts (module ones first), and searches them as text for a JWT
 * whose payload decodes and names an expiry; hiqty never runs them. The token is shared by the fleet
 * through the TokenStore until shortly before its `exp`.
 */
import { Buffer } from 'node:buffer';
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import { decodeText } from '../service-api/decode';
import { requestText } from '../service-api/http';
import { SharedToken, type Obtained } from '../service-api/shared-token';
import type { Fetcher, TokenStore } from '../types';
import { JwtPayload } from './codecs';
import { BROWSER_USER_AGENT } from '../service-api/http';


export const SITE_URL = 'https://music.apple.com/';
/** The TokenStore name of the shared developer token. */
export const DEVELOPER_TOKEN = 'apple-music:developer-token';
/** A token is shared until this long before its `exp`; default 5 min. */
export const DEFAULT_TOKEN_MARGIN_MS = 5 * 60_000;
/** At most this many bundles are searched per discovery; default 4 (the page names one or two). */
export const DEFAULT_MAX_SCRIPTS = 4;

const SCRIPT_TAG = /<script\b([^>]*)>/g;
const SRC = /\bsrc="([^"]+)"/;
const APP_BUNDLE = /\/assets\/index[~-][^"/]*\.js$/;
/** A JWT as a string literal, in whichever quotes the minifier chose. */
const JWT = /["'`](eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+)["'`]/g;

/** The app bundles a page names, absolute, module scripts before the others, in page order. */
export function bundleUrls(html: string): string[] {
  const modules: string[] = [];
  const others: string[] = [];
  for (const m of html.matchAll(SCRIPT_TAG)) {
    const attributes = m[1] ?? '';
    const src = SRC.exec(attributes)?.[1];
    if (src === undefined) continue;
    let url: URL;
    try {
      url = new URL(src, SITE_URL);
    } catch {
      continue;
    }
    // Only the site's own bundles: a token is never looked for on another host.
    if (url.hostname !== new URL(SITE_URL).hostname || !APP_BUNDLE.test(url.pathname)) continue;
    (/\btype="module"/.test(attributes) ? modules : others).push(url.toString());
  }
  return [...modules, ...others];
}

/** The expiry (ms since the epoch) a JWT's payload names, or undefined if it is not one. */
export function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  const decoded = decodeText(JwtPayload, Buffer.from(payload, 'base64url').toString('utf8'));
  return 'ok' in decoded ? decoded.ok.exp * 1000 : undefined;
}

/** The first JWT string literal in a bundle whose payload names an expiry, with that expiry. */
export function developerTokenIn(script: string): { readonly token: string; readonly expiresAtMs: number } | undefined {
  for (const m of script.matchAll(JWT)) {
    const token = m[1];
    if (token === undefined) continue;
    const expiresAtMs = jwtExpiryMs(token);
    if (expiresAtMs !== undefined) return { token, expiresAtMs };
  }
  return undefined;
}

export interface DeveloperTokenDeps {
  readonly fetch: Fetcher;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

async function fetchPage(deps: DeveloperTokenDeps, url: string, accept: string): Promise<{ readonly text: string } | { readonly failed: string } | 'cancelled'> {
  const answer = await requestText(deps.fetch, url, { headers: { 'user-agent': BROWSER_USER_AGENT, accept }, ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }) });
  if (answer.kind === 'cancelled') return 'cancelled';
  if (answer.kind === 'failed') return { failed: answer.reason };
  if (answer.status < 200 || answer.status > 299) return { failed: `HTTP ${answer.status}` };
  return { text: answer.text };
}

async function discover(deps: DeveloperTokenDeps): Promise<Obtained> {
  const page = await fetchPage(deps, SITE_URL, 'text/html,application/xhtml+xml');
  if (page === 'cancelled') return { kind: 'cancelled' };
  if ('failed' in page) return { kind: 'failed', reason: `music.apple.com could not be read for the web player's token (${page.failed})` };
  const bundles = bundleUrls(page.text).slice(0, DEFAULT_MAX_SCRIPTS);
  if (bundles.length === 0) return { kind: 'failed', reason: "music.apple.com's page names no app bundle to find the web player's token in" };
  let expired = false;
  for (const src of bundles) {
    const script = await fetchPage(deps, src, '*/*');
    if (script === 'cancelled') return { kind: 'cancelled' };
    if ('failed' in script) continue;
    const found = developerTokenIn(script.text);
    if (found === undefined) continue;
    const ttlMs = found.expiresAtMs - deps.clock.now() - DEFAULT_TOKEN_MARGIN_MS;
    if (ttlMs <= 0) {
      expired = true;
      continue;
    }
    return { kind: 'ok', token: found.token, ttlMs };
  }
  return { kind: 'failed', reason: expired ? "the web player's token on music.apple.com has expired" : `none of music.apple.com's ${bundles.length} app bundles holds the web player's token` };
}

export function appleMusicDeveloperToken(deps: DeveloperTokenDeps): SharedToken {
  return new SharedToken({ name: DEVELOPER_TOKEN, source: 'apple-music', tokens: deps.tokens, clock: deps.clock, log: deps.log, obtain: () => discover(deps) });
}
