/**
 * Asking Vimeo's player for a video's config: one GET of `player.vimeo.com/video/ID/config` (with the
 * unlisted hash), read whatever its status, and turned into a closed outcome. The player answers a
 * video it will not play with a status and, usually, a JSON body with its own words: those words
 * are kept in the reason. Nothing here throws.
 */
import { isRight } from 'fp-ts/Either';
import { decodeJson } from '../../codecs';
import { readBody } from '../../media/fetch-context';
import type { Fetcher } from '../types';
import { PASSWORD_VIEW, PlayerConfig, PlayerNotice } from './codecs';
import { configUrl, type VimeoLink } from './links';
import { BROWSER_USER_AGENT } from '../service-api/http';


/** A config is a few tens of KiB; default cap 2 MiB. */
export const CONFIG_MAX_BYTES = 2 * 1024 * 1024;

export const REMOVED_REASON = 'this video was removed, or never existed';
export const PRIVATE_REASON = 'this video is private (it needs a login, or plays only on the sites its owner chose)';
export const UNLISTED_REASON = 'this video is unlisted: it plays only from its private link (vimeo.com/ID/hash)';
export const PASSWORD_REASON = 'this video is protected by a password';

export type ConfigOutcome =
  | { readonly kind: 'config'; readonly config: PlayerConfig }
  /** The video will not play for anyone asking as hiqty does: removed, private, unlisted, password. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  /** Vimeo failed: unreachable, an error status, a config hiqty cannot read. */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export interface ConfigRequest {
  readonly fetch: Fetcher;
  /** Headers and idle timeout; default the Fetcher's own (10 s). */
  readonly timeoutMs?: number;
  readonly signal: AbortSignal | undefined;
}

/** Vimeo's own words from an answer's body, when it has some. */
function noticeOf(text: string): PlayerNotice {
  const decoded = decodeJson(PlayerNotice, text);
  return isRight(decoded) ? decoded.right : { view: undefined, title: undefined, message: undefined };
}

function withWords(reason: string, notice: PlayerNotice): string {
  const words = notice.message?.trim();
  return words === undefined || words === '' ? reason : `${reason} (Vimeo says: "${words}")`;
}

/** What an answer means, from its status and body. */
export function readConfigAnswer(status: number, text: string): ConfigOutcome {
  const notice = noticeOf(text);
  if (status === 404 || status === 410) return { kind: 'unavailable', reason: withWords(REMOVED_REASON, notice) };
  if (status === 401) return { kind: 'unavailable', reason: withWords(UNLISTED_REASON, notice) };
  if (status === 403) {
    // The player says why it refuses a private video; a bare 403 is Vimeo refusing this server (its address, its TLS), not the video.
    if (notice.message !== undefined) return { kind: 'unavailable', reason: withWords(PRIVATE_REASON, notice) };
    return { kind: 'failed', reason: 'Vimeo refused the request (HTTP 403) without saying why, as it does to addresses it blocks' };
  }
  if (status < 200 || status > 299) return { kind: 'failed', reason: `Vimeo answered HTTP ${status}` };
  if (notice.view === PASSWORD_VIEW) return { kind: 'unavailable', reason: PASSWORD_REASON };
  const config = decodeJson(PlayerConfig, text);
  if (!isRight(config)) return { kind: 'failed', reason: `Vimeo sent a player config hiqty does not understand (${config.left.slice(0, 3).join('; ')})` };
  return { kind: 'config', config: config.right };
}

export async function fetchPlayerConfig(video: VimeoLink, request: ConfigRequest): Promise<ConfigOutcome> {
  const fetched = await request.fetch(configUrl(video), {
    signal: request.signal,
    maxBytes: CONFIG_MAX_BYTES,
    // Errors come as JSON with a 4xx: every status is read.
    anyStatus: true,
    ...(request.timeoutMs !== undefined ? { headersTimeoutMs: request.timeoutMs, idleTimeoutMs: request.timeoutMs } : {}),
    headers: { 'user-agent': BROWSER_USER_AGENT, accept: 'application/json' },
  });
  switch (fetched.kind) {
    case 'cancelled':
      return fetched;
    case 'refused':
      return { kind: 'failed', reason: `the request to Vimeo was refused (${fetched.reason})` };
    case 'failed':
      return { kind: 'failed', reason: `Vimeo could not be reached (${fetched.reason})` };
    case 'http-error':
      return readConfigAnswer(fetched.status, '');
    case 'ok':
      break;
  }
  const read = await readBody(fetched.body, request.signal);
  if (read.kind === 'cancelled') return read;
  if (read.kind === 'failed') return { kind: 'failed', reason: `Vimeo's answer was cut short (${read.reason})` };
  return readConfigAnswer(fetched.status, read.bytes.toString('utf8'));
}
