/** Which Twitch links hiqty takes, and what each is; pure, no network. */

/** The site's hosts: www and m (mobile) share their paths; go is an old alias; player and clips are told apart below. */
const SITE_HOSTS = new Set(['twitch.tv', 'www.twitch.tv', 'm.twitch.tv', 'go.twitch.tv']);
const PLAYER_HOST = 'player.twitch.tv';
const CLIPS_HOST = 'clips.twitch.tv';

/** First path segments that are the site's own pages, not a channel. */
const SITE_PAGES = new Set([
  'directory', 'search', 'settings', 'subscriptions', 'inventory', 'wallet', 'drops', 'friends', 'messages', 'downloads',
  'jobs', 'p', 'turbo', 'prime', 'store', 'login', 'signup', 'logout', 'payments', 'broadcast', 'moderator', 'popout',
  'embed', 'team', 'collections', 'bits', 'following', 'activate', 'privacy', 'legal', 'creatorcamp', 'videos', 'u',
]);

/** A login as Twitch allows them: letters, digits and underscores (legacy names may be shorter than today's 4). */
const LOGIN = /^[a-z0-9_]{1,25}$/i;
const VIDEO_ID = /^\d{1,20}$/;

export type TwitchLink =
  /** `login` in lower case, as GQL and usher take it. */
  | { readonly kind: 'channel'; readonly login: string }
  | { readonly kind: 'video'; readonly id: string }
  | { readonly kind: 'other'; readonly what: string };

export function isTwitchUrl(url: URL): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const host = url.hostname.toLowerCase();
  return SITE_HOSTS.has(host) || host === PLAYER_HOST || host === CLIPS_HOST;
}

function channel(login: string): TwitchLink {
  return LOGIN.test(login) ? { kind: 'channel', login: login.toLowerCase() } : { kind: 'other', what: 'not a Twitch channel name' };
}

function video(id: string): TwitchLink {
  // Videos are written v123 in the player and in yt-dlp's ids, 123 on the site.
  const bare = id.replace(/^v/i, '');
  return VIDEO_ID.test(bare) ? { kind: 'video', id: bare } : { kind: 'other', what: 'not a Twitch video id' };
}

export function classifyLink(url: URL): TwitchLink {
  const host = url.hostname.toLowerCase();
  if (host === CLIPS_HOST) return { kind: 'other', what: 'a Twitch clip' };
  if (host === PLAYER_HOST) {
    const v = url.searchParams.get('video');
    if (v !== null) return video(v);
    const c = url.searchParams.get('channel');
    return c === null ? { kind: 'other', what: "Twitch's player without a channel or a video" } : channel(c);
  }
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const [first, second, third] = parts;
  if (first === undefined) return { kind: 'other', what: "Twitch's home page" };
  if (first.toLowerCase() === 'videos') return second === undefined ? { kind: 'other', what: "Twitch's videos page" } : video(second);
  if (SITE_PAGES.has(first.toLowerCase())) return { kind: 'other', what: `Twitch's ${first} page` };
  if (second === undefined) return channel(first);
  const page = second.toLowerCase();
  // The old forms of a channel's video: /channel/v/123 and /channel/video/123.
  if ((page === 'v' || page === 'video') && third !== undefined) return video(third);
  if (page === 'clip') return { kind: 'other', what: 'a Twitch clip' };
  return { kind: 'other', what: `a Twitch channel's ${second} page (paste the channel or one of its videos)` };
}

/** The link a channel or a video is stored and shown as. */
export function canonicalUrl(link: Exclude<TwitchLink, { kind: 'other' }>): string {
  return link.kind === 'channel' ? `https://www.twitch.tv/${link.login}` : `https://www.twitch.tv/videos/${link.id}`;
}

/** A queued track's sourceId: the channel's login, or `v` and the video's id (as yt-dlp writes video ids). */
export function sourceIdOf(link: Exclude<TwitchLink, { kind: 'other' }>): string {
  return link.kind === 'channel' ? link.login : `v${link.id}`;
}

/** The channel or video a queued track names, by its sourceId, else by its link. */
export function linkOfTrack(sourceId: string | undefined, url: string): TwitchLink {
  if (sourceId !== undefined) {
    if (/^v\d+$/.test(sourceId)) return video(sourceId);
    if (LOGIN.test(sourceId)) return channel(sourceId);
  }
  try {
    return classifyLink(new URL(url));
  } catch {
    return { kind: 'other', what: 'not a link' };
  }
}
