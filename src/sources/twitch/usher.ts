/**
 * usher.ttvnw.net, where a playback access token buys an HLS master playlist: a channel's live stream at
 * /api/channel/hls/LOGIN.m3u8, a video at /vod/ID.m3u8, both with the token's signature and value. The
 * master lists video variants and, when asked with allow_audio_only, the `audio_only` rendition (AAC).
 * usher, not GQL, is the truth about whether a channel is on the air: GQL's stream status lags by up to a
 * minute (as streamlink notes), while usher answers 404 as soon as the broadcast is gone.
 */
import type { Fetcher } from '../types';
import { UsherErrors } from './codecs';
import { decodeText } from '../service-api/decode';
import { fetchAnswer } from './http';

export const USHER_ORIGIN = 'https://usher.ttvnw.net';

/** The NAME (and GROUP-ID) of the audio-only variant in usher's master playlists. */
export const AUDIO_ONLY_RENDITION = 'audio_only';

export interface SignedToken {
  readonly value: string;
  readonly signature: string;
}

function usherUrl(path: string, token: SignedToken): string {
  const url = new URL(path, USHER_ORIGIN);
  const query: Record<string, string> = {
    allow_source: 'true',
    allow_audio_only: 'true',
    fast_bread: 'true',
    // A random number the web player sends with every request, to get past caches.
    p: String(Math.floor(Math.random() * 9_000_000) + 1_000_000),
    platform: 'web',
    player: 'twitchweb',
    playlist_include_framerate: 'true',
    supported_codecs: 'h264',
    sig: token.signature,
    token: token.value,
  };
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.href;
}

export function channelMasterUrl(login: string, token: SignedToken): string {
  return usherUrl(`/api/channel/hls/${encodeURIComponent(login)}.m3u8`, token);
}

export function videoMasterUrl(id: string, token: SignedToken): string {
  return usherUrl(`/vod/${encodeURIComponent(id)}.m3u8`, token);
}

export type UsherCheck =
  | { readonly kind: 'ok' }
  /** 404: a channel that is not broadcasting, a video that is gone. */
  | { readonly kind: 'absent' }
  /** 403: usher says why (a region block, a subscriber-only video). */
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

/** Asks usher for the master playlist, to learn whether it will give it. */
export async function checkMaster(fetch: Fetcher, url: string, signal: AbortSignal | undefined, timeoutMs?: number): Promise<UsherCheck> {
  const answer = await fetchAnswer(fetch, url, { signal, headers: { accept: 'application/x-mpegURL, application/vnd.apple.mpegurl, */*' }, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  if (answer.kind === 'cancelled') return answer;
  if (answer.kind === 'failed') return { kind: 'failed', reason: `usher.ttvnw.net could not be reached (${answer.reason})` };
  if (answer.status === 200) {
    return answer.text.trimStart().startsWith('#EXTM3U') ? { kind: 'ok' } : { kind: 'failed', reason: 'usher.ttvnw.net answered with something that is not a playlist' };
  }
  if (answer.status === 404) return { kind: 'absent' };
  const errors = decodeText(UsherErrors, answer.text);
  const said = 'ok' in errors ? errors.ok.map((e) => e.error).join('; ') : '';
  if (answer.status === 403) return { kind: 'refused', reason: said === '' ? 'Twitch refused the stream (HTTP 403)' : `Twitch refused the stream: ${said}` };
  return { kind: 'failed', reason: `usher.ttvnw.net answered HTTP ${answer.status}${said === '' ? '' : ` (${said})`}` };
}
