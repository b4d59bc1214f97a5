/**
 * The check a link passes before "Playing" (issue 12 §8): the address policy (inside the Fetcher, before
 * any connection), the first bytes fetched, the format sniffed by the same probe the player uses, and
 * title, artist and duration read from the tags (music-metadata). The connection is closed as soon as
 * the bytes are in: a check costs one request of at most CHECK_BYTES.
 */
import { parseBuffer } from 'music-metadata';
import { probe, PROBE_WINDOW_BYTES } from '../media/probe';
import type { FetchOutcome } from '../media/safe-fetch';
import type { Fetcher } from './types';

/** Bytes a check reads at most: the probe's window, with room for an ID3 tag before the audio. */
export const CHECK_BYTES = 256 * 1024;

export type LinkCheck =
  | {
      readonly kind: 'audio';
      readonly title?: string;
      readonly artist?: string;
      readonly durationMs?: number;
      /** Internet radio (Icecast/Shoutcast headers): no size cap, no duration. */
      readonly live: boolean;
    }
  /** An HLS playlist (#EXTM3U with #EXT-X tags): played by the HLS reader. */
  | { readonly kind: 'hls'; readonly live: boolean; readonly durationMs?: number }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'cancelled' };

export function fetchRefusal(fetched: Exclude<FetchOutcome, { kind: 'ok' } | { kind: 'cancelled' }>): string {
  switch (fetched.kind) {
    case 'refused':
      return fetched.reason;
    case 'http-error':
      return `the server answered HTTP ${fetched.status}`;
    case 'failed':
      return fetched.reason;
  }
}

/** Reads up to `max` bytes and closes the connection; `ended` says the body had no more. */
async function readHead(body: AsyncIterable<unknown> & { destroy(): void }, max: number): Promise<{ bytes: Buffer; ended: boolean } | { error: string }> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      length += buffer.length;
      if (length >= max) {
        body.destroy();
        return { bytes: Buffer.concat(chunks).subarray(0, max), ended: false };
      }
    }
    return { bytes: Buffer.concat(chunks), ended: true };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An HLS playlist's check: live unless it has an end, and its length from its EXTINF lines when it has one. */
export function hlsCheck(text: string): Extract<LinkCheck, { kind: 'hls' }> {
  const vod = /#EXT-X-ENDLIST/.test(text) || /#EXT-X-PLAYLIST-TYPE:VOD/.test(text);
  if (!vod) return { kind: 'hls', live: !/#EXT-X-STREAM-INF/.test(text) };
  let seconds = 0;
  for (const m of text.matchAll(/#EXTINF:\s*([\d.]+)/g)) seconds += Number(m[1]);
  return seconds > 0 ? { kind: 'hls', live: false, durationMs: Math.round(seconds * 1000) } : { kind: 'hls', live: false };
}

interface Tags {
  readonly title?: string;
  readonly artist?: string;
  readonly durationMs?: number;
}

/**
 * Tags from the first bytes. A duration is only taken where the head is enough to know it: MPEG audio
 * with the file's size (music-metadata reads the Xing header or counts from the bitrate), or a file read whole.
 * Known limit: MP4 with its `moov` after the audio, and Ogg beyond the first 256 KiB, get no duration here.
 */
async function readTags(bytes: Buffer, mimeType: string | undefined, size: number | undefined, whole: boolean): Promise<Tags> {
  try {
    const parsed = await parseBuffer(bytes, { mimeType, size }, { duration: true, skipCovers: true });
    const seconds = parsed.format.duration;
    const trustDuration = whole || (parsed.format.container === 'MPEG' && size !== undefined);
    const title = parsed.common.title?.trim();
    const artist = parsed.common.artist?.trim();
    return {
      ...(title ? { title: title.slice(0, 200) } : {}),
      ...(artist ? { artist: artist.slice(0, 200) } : {}),
      ...(trustDuration && seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? { durationMs: Math.round(seconds * 1000) } : {}),
    };
  } catch {
    // Tags are a nicety: a file music-metadata cannot read from its head still plays if the probe says audio.
    return {};
  }
}

/** The media type the bytes showed, for music-metadata: servers' Content-Type is too often wrong to trust. */
function mimeTypeOf(probed: ReturnType<typeof probe>): string | undefined {
  if (probed.kind === 'ogg-opus') return 'audio/ogg';
  if (probed.kind === 'webm-opus') return 'audio/webm';
  if (probed.kind !== 'transcode') return undefined;
  const byFormat: Readonly<Record<string, string>> = { mp3: 'audio/mpeg', ogg: 'audio/ogg', matroska: 'audio/webm', wav: 'audio/wav', flac: 'audio/flac', mp4: 'audio/mp4' };
  return byFormat[probed.format];
}

export async function checkLink(fetcher: Fetcher, url: string, signal?: AbortSignal): Promise<LinkCheck> {
  const fetched = await fetcher(url, { maxBytes: null, signal });
  if (fetched.kind === 'cancelled') return { kind: 'cancelled' };
  if (fetched.kind !== 'ok') return { kind: 'refused', reason: fetchRefusal(fetched) };
  const icyName = header(fetched.headers, 'icy-name');
  const live = icyName !== undefined || header(fetched.headers, 'icy-br') !== undefined || header(fetched.headers, 'icy-metaint') !== undefined;
  const head = await readHead(fetched.body, CHECK_BYTES);
  if (signal?.aborted) return { kind: 'cancelled' };
  if ('error' in head) return { kind: 'refused', reason: head.error };
  if (head.bytes.length === 0) return { kind: 'refused', reason: 'the file is empty' };
  const text = head.bytes.subarray(0, 4096).toString('utf8');
  if (/^\uFEFF?#EXTM3U/.test(text) && /#EXT-X-/.test(text)) return hlsCheck(head.bytes.toString('utf8'));
  const probed = probe(head.bytes.subarray(0, Math.max(PROBE_WINDOW_BYTES, head.bytes.length)), fetched.contentType, head.ended);
  if (probed.kind === 'not-audio') return { kind: 'refused', reason: probed.reason };
  const size = fetched.contentLength === undefined ? undefined : fetched.contentLength + fetched.offset;
  const tags = live ? {} : await readTags(head.bytes, mimeTypeOf(probed), size, head.ended);
  return { kind: 'audio', ...tags, ...(live && icyName ? { title: icyName.slice(0, 200) } : {}), live };
}
