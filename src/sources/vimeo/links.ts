/**
 * Which Vimeo links hiqty takes, and the player config URL of each. Pure: no network.
 *
 * A video is `vimeo.com/ID` (also under /channels/NAME/ and /groups/NAME/videos/), its embed
 * `player.vimeo.com/video/ID`, or an unlisted video's private link: `vimeo.com/ID/HASH`, or the embed
 * with `?h=HASH` (as Vimeo's own embed code writes it). The hash is what lets the player read an
 * unlisted video, so it is kept in the track's URL and sent with every config request.
 */

export interface VimeoLink {
  readonly videoId: string;
  /** An unlisted video's hash (hex); absent for a public video. */
  readonly hash?: string;
}

const SITE_HOSTS = new Set(['vimeo.com', 'www.vimeo.com']);
export const PLAYER_HOST = 'player.vimeo.com';

const VIDEO_ID = /^\d{1,12}$/;
const HASH = /^[0-9a-f]{6,20}$/i;

function hashOf(candidate: string | null | undefined): string | undefined {
  return candidate !== undefined && candidate !== null && HASH.test(candidate) ? candidate.toLowerCase() : undefined;
}

function link(videoId: string | undefined, hash: string | undefined): VimeoLink | undefined {
  if (videoId === undefined || !VIDEO_ID.test(videoId)) return undefined;
  return hash === undefined ? { videoId } : { videoId, hash };
}

/** The video a link names; undefined for anything else (a profile, a showcase, another site). */
export function parseVimeoLink(url: URL): VimeoLink | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase();
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (host === PLAYER_HOST) {
    return parts[0] === 'video' && parts.length === 2 ? link(parts[1], hashOf(url.searchParams.get('h'))) : undefined;
  }
  if (!SITE_HOSTS.has(host)) return undefined;
  const [first, second, third, fourth] = parts;
  // vimeo.com/ID and vimeo.com/ID/HASH
  if (first !== undefined && VIDEO_ID.test(first) && parts.length <= 2) {
    if (second === undefined) return link(first, hashOf(url.searchParams.get('h')));
    const hash = hashOf(second);
    return hash === undefined ? undefined : link(first, hash);
  }
  // vimeo.com/channels/NAME/ID and vimeo.com/groups/NAME/videos/ID: the same video, public.
  if (first === 'channels' && parts.length === 3) return link(third, undefined);
  if (first === 'groups' && third === 'videos' && parts.length === 4) return link(fourth, undefined);
  return undefined;
}

/** Where a video is shown and stored: `https://vimeo.com/ID`, or `https://vimeo.com/ID/HASH` for an unlisted one. */
export function canonicalUrl(video: VimeoLink): string {
  return video.hash === undefined ? `https://vimeo.com/${video.videoId}` : `https://vimeo.com/${video.videoId}/${video.hash}`;
}

/** The player's config JSON, as the embedded player asks for it (`?h=` for an unlisted video). */
export function configUrl(video: VimeoLink): string {
  const base = `https://${PLAYER_HOST}/video/${video.videoId}/config`;
  return video.hash === undefined ? base : `${base}?h=${video.hash}`;
}

/** The video of a stored track: its URL read again (which keeps an unlisted hash), else its sourceId. */
export function storedVimeoLink(track: { readonly url: string; readonly sourceId?: string }): VimeoLink | undefined {
  try {
    const fromUrl = parseVimeoLink(new URL(track.url));
    if (fromUrl !== undefined) return fromUrl;
  } catch {
    // not a URL: the sourceId may still name the video
  }
  return link(track.sourceId, undefined);
}
