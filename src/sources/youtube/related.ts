/**
 * YouTube's related tracks for autoplay: the radio mix of a video, as youtube.com's "Mix" and the
 * watch page's autoplay use it. One InnerTube `next` call with `videoId` and `playlistId: RD<videoId>`
 * answers the mix beside the video (twoColumnWatchNextResults.playlist; music.youtube.com: a
 * playlistPanelRenderer). When an answer has no mix, the "up next" column (secondaryResults'
 * compactVideoRenderers) is used instead.
 */
import { YTNodes } from 'youtubei.js';
import type { PlayableTrack, SearchOutcome, SourceTrack } from '../types';
import { call, notOk } from './calls';
import { storedVideoId, youtubeMusicWatchUrl, youtubeWatchUrl } from './links';
import type { YoutubeSession } from './session';
import { fromPanelVideo, type Flavour } from './tracks';

function fromCompactVideo(flavour: Flavour, v: YTNodes.CompactVideo): SourceTrack {
  const seconds = v.duration.seconds;
  return {
    url: flavour === 'youtube' ? youtubeWatchUrl(v.video_id) : youtubeMusicWatchUrl(v.video_id),
    title: v.title.toString() || v.video_id,
    source: flavour,
    sourceId: v.video_id,
    ...(v.author.name !== '' && v.author.name !== 'N/A' ? { artist: v.author.name } : {}),
    ...(seconds > 0 ? { durationMs: seconds * 1000 } : {}),
    ...(v.thumbnails[0] === undefined ? {} : { artworkUrl: v.thumbnails[0].url }),
  };
}

export async function youtubeRelated(session: YoutubeSession, flavour: Flavour, track: PlayableTrack, options: { readonly signal?: AbortSignal; readonly limit: number }): Promise<SearchOutcome> {
  const videoId = storedVideoId(track);
  if (videoId === undefined) return { kind: 'results', tracks: [] };
  const read = await call(options.signal, async () => {
    const innertube = await session.innertube();
    const next = await innertube.actions.execute('/next', { videoId, playlistId: `RD${videoId}`, parse: true });
    const columns = next.contents_memo?.getType(YTNodes.TwoColumnWatchNextResults)[0];
    const panel = next.contents_memo?.getType(YTNodes.PlaylistPanel)[0];
    const mix = ((columns?.playlist?.contents ?? panel?.contents)?.filterType(YTNodes.PlaylistPanelVideo) ?? []).map((v) => fromPanelVideo(flavour, v));
    const upNext = (columns?.secondary_results.filterType(YTNodes.CompactVideo) ?? []).map((v) => fromCompactVideo(flavour, v));
    return mix.length > 0 ? mix : upNext;
  });
  if (read.kind !== 'ok') return notOk(read);
  const limit = Math.max(1, Math.min(50, Math.floor(options.limit)));
  return { kind: 'results', tracks: read.value.filter((t) => t.sourceId !== videoId && t.live !== true).slice(0, limit) };
}
