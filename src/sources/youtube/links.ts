/**
 * What a YouTube or YouTube Music link points at. Pure: no network.
 * A watch link that also names a list (`watch?v=X&list=PL…`) is read as the playlist from that video
 * on, as YouTube itself plays it; with a mix (`list=RD…`) it is the mix. Lists only the owner can see
 * (Watch later `WL`, Liked `LL`) are read as the video alone.
 */

export type YoutubeLink =
  | { readonly kind: 'video'; readonly videoId: string }
  | { readonly kind: 'playlist'; readonly playlistId: string; readonly fromVideoId?: string }
  | { readonly kind: 'mix'; readonly playlistId: string; readonly videoId: string };

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const LIST_ID = /^[A-Za-z0-9_-]{2,64}$/;

export const YOUTUBE_HOSTS = new Set(['youtube.com', 'www.youtube.com', 'm.youtube.com', 'youtu.be', 'www.youtube-nocookie.com']);
export const YOUTUBE_MUSIC_HOSTS = new Set(['music.youtube.com']);

function videoIdOf(url: URL): string | undefined {
  const host = url.hostname.toLowerCase();
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const candidate =
    host === 'youtu.be'
      ? parts[0]
      : parts[0] === 'watch'
        ? url.searchParams.get('v') ?? undefined
        : parts[0] === 'shorts' || parts[0] === 'live' || parts[0] === 'embed' || parts[0] === 'v'
          ? parts[1]
          : undefined;
  return candidate !== undefined && VIDEO_ID.test(candidate) ? candidate : undefined;
}

/** Reads a link on one of `hosts`; undefined when it is not a video, playlist or mix link. */
export function parseYoutubeLink(url: URL, hosts: ReadonlySet<string>): YoutubeLink | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (!hosts.has(url.hostname.toLowerCase())) return undefined;
  const videoId = videoIdOf(url);
  const list = url.searchParams.get('list') ?? undefined;
  const listId = list !== undefined && LIST_ID.test(list) && list !== 'WL' && list !== 'LL' ? list : undefined;
  if (listId !== undefined && listId.startsWith('RD')) {
    return videoId !== undefined ? { kind: 'mix', playlistId: listId, videoId } : undefined;
  }
  if (listId !== undefined && (videoId !== undefined || url.pathname.replace(/\/+$/, '') === '/playlist')) {
    return videoId !== undefined ? { kind: 'playlist', playlistId: listId, fromVideoId: videoId } : { kind: 'playlist', playlistId: listId };
  }
  return videoId !== undefined ? { kind: 'video', videoId } : undefined;
}

export function youtubeWatchUrl(videoId: string): string {
  return `https://www.youtube.com/watch?v=${videoId}`;
}

export function youtubeMusicWatchUrl(videoId: string): string {
  return `https://music.youtube.com/watch?v=${videoId}`;
}

export function youtubePlaylistUrl(playlistId: string, music: boolean): string {
  return `https://${music ? 'music' : 'www'}.youtube.com/playlist?list=${playlistId}`;
}

/** The video id of a stored track: its sourceId, else read again from its URL. */
export function storedVideoId(track: { readonly url: string; readonly sourceId?: string }): string | undefined {
  if (track.sourceId !== undefined && VIDEO_ID.test(track.sourceId)) return track.sourceId;
  try {
    return videoIdOf(new URL(track.url));
  } catch {
    return undefined;
  }
}
