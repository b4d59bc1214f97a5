/** youtubei.js's parsed items (and the player's videoDetails) as SourceTracks. */
import { YTNodes } from 'youtubei.js';
import type { SourceTrack } from '../types';
import { youtubeMusicWatchUrl, youtubeWatchUrl } from './links';
import type { PlayerResponse } from './player-response';

export type Flavour = 'youtube' | 'youtube-music';

function known(text: string | undefined): string | undefined {
  // youtubei.js writes 'N/A' where an answer had no such field.
  return text === undefined || text === '' || text === 'N/A' ? undefined : text;
}

function ms(seconds: number | undefined): number | undefined {
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined;
}

function track(flavour: Flavour, id: string, fields: { title: string; artist?: string; seconds?: number; artworkUrl?: string; live?: boolean }): SourceTrack {
  const artist = known(fields.artist);
  const durationMs = ms(fields.seconds);
  const artworkUrl = known(fields.artworkUrl);
  return {
    url: flavour === 'youtube' ? youtubeWatchUrl(id) : youtubeMusicWatchUrl(id),
    title: known(fields.title) ?? id,
    source: flavour,
    sourceId: id,
    ...(artist !== undefined ? { artist } : {}),
    ...(durationMs !== undefined && fields.live !== true ? { durationMs } : {}),
    ...(artworkUrl !== undefined ? { artworkUrl } : {}),
    ...(fields.live === true ? { live: true } : {}),
  };
}

export function fromVideoDetails(flavour: Flavour, details: NonNullable<PlayerResponse['videoDetails']>): SourceTrack {
  const thumbs = details.thumbnail?.thumbnails ?? [];
  return track(flavour, details.videoId, {
    title: details.title,
    artist: details.author,
    seconds: details.lengthSeconds === undefined ? undefined : Number(details.lengthSeconds),
    artworkUrl: thumbs[thumbs.length - 1]?.url,
    live: details.isLive === true,
  });
}

export function fromVideo(flavour: Flavour, v: YTNodes.Video): SourceTrack {
  return track(flavour, v.video_id, { title: v.title.toString(), artist: v.author.name, seconds: v.duration.seconds, artworkUrl: v.thumbnails[0]?.url, live: v.is_live });
}

export function fromPlaylistVideo(flavour: Flavour, v: YTNodes.PlaylistVideo): SourceTrack {
  return track(flavour, v.id, { title: v.title.toString(), artist: v.author.name, seconds: v.duration.seconds, artworkUrl: v.thumbnails[0]?.url });
}

export function fromPanelVideo(flavour: Flavour, v: YTNodes.PlaylistPanelVideo): SourceTrack {
  return track(flavour, v.video_id, { title: v.title.toString(), artist: v.author, seconds: v.duration.seconds, artworkUrl: v.thumbnail[0]?.url });
}

export function fromMusicItem(v: YTNodes.MusicResponsiveListItem): SourceTrack | undefined {
  if (v.id === undefined || (v.item_type !== 'song' && v.item_type !== 'video')) return undefined;
  const artists = (v.artists ?? v.authors ?? []).map((a) => a.name).filter((n) => known(n) !== undefined);
  return track('youtube-music', v.id, {
    title: v.title ?? v.id,
    artist: artists.length > 0 ? artists.join(', ') : undefined,
    seconds: v.duration?.seconds,
    artworkUrl: v.thumbnail?.contents[0]?.url,
  });
}
