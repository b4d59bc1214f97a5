/**
 * HLS playlists, fetched through safeFetch and parsed with hls-parser: a master playlist is followed
 * to the rendition its plan prefers or its best audio (an audio-only variant or an AUDIO rendition), and
 * what comes back is always a media playlist with its URL (segment URIs are relative to it).
 */
import { parse, types } from 'hls-parser';
import { readAll, type FetchContext } from '../fetch-context';
import { MediaInputError } from '../media-error';
import type { PlanHeaders } from '../plan';
import { safeFetch } from '../safe-fetch';

/** Largest playlist read: 1 MiB, tens of thousands of segments. */
export const MAX_PLAYLIST_BYTES = 1024 * 1024;

export interface LoadedMedia {
  readonly url: string;
  readonly playlist: types.MediaPlaylist;
}

export interface PlaylistFetch {
  readonly headers?: PlanHeaders;
  readonly ctx: FetchContext;
  readonly signal: AbortSignal;
}

const VIDEO_CODEC = /^(avc|hvc|hev|vp0?[89]|av01|mp4v)/i;

function isAudioOnly(variant: types.Variant): boolean {
  const codecs = variant.codecs?.split(',').map((c) => c.trim()) ?? [];
  return codecs.length > 0 && codecs.every((c) => !VIDEO_CODEC.test(c)) && variant.resolution === undefined;
}

/**
 * The URI to play from a master playlist: the variant of the `preferred` rendition when the plan names one
 * and the master offers it (by NAME or GROUP-ID, as Twitch offers `audio_only`); else the highest-bandwidth
 * audio-only variant; else an AUDIO rendition with its own URI, from the group of the highest-bandwidth
 * variant that has one (its default first); else the lowest-bandwidth variant, whose video ffmpeg drops
 * (`-vn`). Known limit: that last case downloads video it does not need. The group follows the best variant
 * because a master with several audio groups (Vimeo's "audio-high" and "audio-low") pairs its best video
 * with its best audio, and BANDWIDTH is the only rate a rendition gets, through the variants using it.
 */
export function chooseAudio(master: types.MasterPlaylist, preferred?: string): string | undefined {
  const variants = master.variants.filter((v) => v.isIFrameOnly !== true);
  if (preferred !== undefined) {
    const named = (r: types.Rendition): boolean => r.name === preferred || r.groupId === preferred;
    const variant = variants.find((v) => [...v.video, ...v.audio].some(named));
    if (variant !== undefined) return variant.uri;
  }
  const audioOnly = variants.filter(isAudioOnly).sort((a, b) => b.bandwidth - a.bandwidth)[0];
  if (audioOnly !== undefined) return audioOnly.uri;
  for (const variant of [...variants].sort((a, b) => b.bandwidth - a.bandwidth)) {
    const renditions = variant.audio.filter((r) => r.uri !== undefined);
    const rendition = renditions.find((r) => r.isDefault) ?? renditions[0];
    if (rendition?.uri !== undefined) return rendition.uri;
  }
  return [...variants].sort((a, b) => a.bandwidth - b.bandwidth)[0]?.uri;
}

/** Parses playlist text; a MediaInputError says what is wrong with it. */
export function parsePlaylistText(text: string): types.MasterPlaylist | types.MediaPlaylist {
  if (!text.trimStart().startsWith('#EXTM3U')) throw new MediaInputError('not an HLS playlist (no #EXTM3U)');
  try {
    return parse(text);
  } catch (e) {
    throw new MediaInputError(`the HLS playlist could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * One playlist's text, or the HTTP status it was refused with (a 403 of an expired token, the 404 of a
 * stream that is gone: the reader decides what those mean). Any other failure throws a MediaInputError.
 */
export type PlaylistAnswer = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'status'; readonly status: number } | { readonly kind: 'cancelled' };

export async function fetchPlaylist(url: string, how: PlaylistFetch): Promise<PlaylistAnswer> {
  const fetched = await safeFetch(url, { ...how.ctx, ...(how.headers === undefined ? {} : { headers: how.headers }), maxBytes: MAX_PLAYLIST_BYTES, signal: how.signal });
  if (fetched.kind === 'http-error') return { kind: 'status', status: fetched.status };
  const got = await readAll(fetched, how.signal);
  if (got.kind === 'cancelled') return got;
  if (got.kind === 'failed') throw new MediaInputError(`the HLS playlist could not be fetched: ${got.reason}`);
  return { kind: 'text', text: got.bytes.toString('utf8') };
}

function refusedReason(status: number): string {
  return `the HLS playlist could not be fetched: the server answered ${status}`;
}

/** Fetches one playlist's text; undefined when cancelled. A refusal throws, with its status. */
export async function fetchPlaylistText(url: string, how: PlaylistFetch): Promise<string | undefined> {
  const answer = await fetchPlaylist(url, how);
  if (answer.kind === 'cancelled') return undefined;
  if (answer.kind === 'status') throw new MediaInputError(refusedReason(answer.status));
  return answer.text;
}

export type MediaAnswer = ({ readonly kind: 'loaded' } & LoadedMedia) | { readonly kind: 'status'; readonly status: number } | { readonly kind: 'cancelled' };

/**
 * The media playlist behind a URL (following a master playlist once, to its `preferred` rendition when
 * offered), or the status the master or the media playlist was refused with.
 */
export async function fetchMediaPlaylist(url: string, how: PlaylistFetch, preferred?: string): Promise<MediaAnswer> {
  const first = await fetchPlaylist(url, how);
  if (first.kind !== 'text') return first;
  const parsed = parsePlaylistText(first.text);
  if (!parsed.isMasterPlaylist) return { kind: 'loaded', url, playlist: parsed };
  const chosen = chooseAudio(parsed, preferred);
  if (chosen === undefined) throw new MediaInputError('the HLS master playlist lists no stream to play');
  const mediaUrl = new URL(chosen, url).href;
  const media = await fetchPlaylist(mediaUrl, how);
  if (media.kind !== 'text') return media;
  const playlist = parsePlaylistText(media.text);
  if (playlist.isMasterPlaylist) throw new MediaInputError('the HLS master playlist points to another master playlist');
  return { kind: 'loaded', url: mediaUrl, playlist };
}

/** The media playlist behind a URL (following a master playlist once); undefined when cancelled. A refusal throws. */
export async function loadMediaPlaylist(url: string, how: PlaylistFetch, preferred?: string): Promise<LoadedMedia | undefined> {
  const answer = await fetchMediaPlaylist(url, how, preferred);
  if (answer.kind === 'cancelled') return undefined;
  if (answer.kind === 'status') throw new MediaInputError(refusedReason(answer.status));
  return { url: answer.url, playlist: answer.playlist };
}
