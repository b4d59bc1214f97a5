/** From a player config to the track hiqty queues: title, the owner as artist, duration and artwork. */
import type { SourceTrack } from '../types';
import type { PlayerConfig } from './codecs';
import { canonicalUrl, type VimeoLink } from './links';

/** The widest thumbnail (`thumbs` is keyed by width, with a `base` image that takes any size). */
export function artworkOf(thumbs: Readonly<Record<string, string>> | undefined): string | undefined {
  if (thumbs === undefined) return undefined;
  const widest = Object.keys(thumbs)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(b) - Number(a))[0];
  return widest !== undefined ? thumbs[widest] : thumbs['base'];
}

export function toSourceTrack(config: PlayerConfig, link: VimeoLink): SourceTrack {
  const video = config.video;
  const artist = video.owner?.name;
  const durationMs = video.duration !== undefined && video.duration > 0 ? Math.round(video.duration * 1000) : undefined;
  const artworkUrl = artworkOf(video.thumbs);
  return {
    url: canonicalUrl(link),
    title: video.title,
    source: 'vimeo',
    sourceId: link.videoId,
    ...(artist !== undefined && artist !== '' ? { artist } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(artworkUrl !== undefined ? { artworkUrl } : {}),
  };
}
