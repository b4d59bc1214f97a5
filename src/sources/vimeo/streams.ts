/**
 * Which of a config's streams to play, and as what plan. Audio is all hiqty keeps, and one ffmpeg
 * transcodes whatever comes, so: the smallest progressive MP4 when Vimeo offers any (one file, the
 * least video downloaded for the same audio); else the HLS master, whose audio-only rendition the
 * HLS reader picks (src/media/hls/playlist.ts), so no video segment is fetched. DASH is not read:
 * Vimeo offers HLS beside it for every video hiqty can play.
 */
import type { StreamPlan } from '../../media/plan';
import type { CdnSet, PlayerConfig, ProgressiveFile } from './codecs';
import { BROWSER_USER_AGENT } from '../service-api/http';

export const NO_STREAM_REASON = 'Vimeo offers no stream for this video (it may still be processing, or be a live event)';

export type StreamChoice = { readonly kind: 'plan'; readonly plan: StreamPlan } | { readonly kind: 'unplayable'; readonly reason: string };

/** Width, else height: a progressive file's size as the config states it; unstated sorts last. */
function sizeOf(file: ProgressiveFile): number {
  return file.width ?? file.height ?? Number.POSITIVE_INFINITY;
}

export function smallestProgressive(files: readonly ProgressiveFile[]): ProgressiveFile | undefined {
  // A stable sort keeps Vimeo's order among files of one size.
  return [...files].sort((a, b) => sizeOf(a) - sizeOf(b))[0];
}

/** The CDNs' URLs, the player's default first, then the others in the config's order. */
export function cdnUrls(hls: CdnSet): string[] {
  const names = Object.keys(hls.cdns);
  const preferred = hls.default_cdn !== undefined && names.includes(hls.default_cdn) ? [hls.default_cdn, ...names.filter((n) => n !== hls.default_cdn)] : names;
  return preferred.flatMap((name) => hls.cdns[name]?.url ?? []);
}

/**
 * The plan for a fresh config. `attempt` (a re-ask after a media URL failed mid-stream) moves to the
 * next HLS CDN, wrapping round, since the fresh config re-signs every URL anyway.
 */
export function choosePlan(config: PlayerConfig, attempt: number): StreamChoice {
  const files = config.request?.files;
  const headers = { 'user-agent': BROWSER_USER_AGENT };
  const duration = config.video.duration;
  const durationMs = duration !== undefined && duration > 0 ? Math.round(duration * 1000) : undefined;
  const progressive = smallestProgressive(files?.progressive ?? []);
  if (progressive !== undefined) return { kind: 'plan', plan: { kind: 'file', url: progressive.url, headers, ...(durationMs !== undefined ? { durationMs } : {}) } };
  const hls = files?.hls;
  const urls = hls === undefined ? [] : cdnUrls(hls);
  const url = urls[attempt % Math.max(1, urls.length)];
  if (url !== undefined) return { kind: 'plan', plan: { kind: 'hls', url, headers } };
  return { kind: 'unplayable', reason: NO_STREAM_REASON };
}
