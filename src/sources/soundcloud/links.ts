/** Which SoundCloud links hiqty takes, and what each is; pure, no network. */

/** The site's own hosts; m. is the mobile site with the same paths. */
const SITE_HOSTS = new Set(['soundcloud.com', 'www.soundcloud.com', 'm.soundcloud.com']);
/** Short links (the app's share button): a redirect to the site. */
export const SHORT_HOST = 'on.soundcloud.com';

/** First path segments that are the site's own pages, not a user. */
const SITE_PAGES = new Set(['discover', 'search', 'stream', 'you', 'upload', 'charts', 'pages', 'settings', 'terms-of-use', 'messages', 'notifications', 'people', 'tags', 'popular', 'signin', 'mobile', 'imprint', 'jobs', 'premium', 'artists', 'stations']);
/** Second segments of a user's pages that are not a track. */
const USER_PAGES = new Set(['tracks', 'albums', 'sets', 'reposts', 'popular-tracks', 'followers', 'following', 'comments', 'spotlight', 'likes']);

export type SoundcloudLink =
  /** `canonical` is the https://soundcloud.com/… form /resolve takes. */
  | { readonly kind: 'track'; readonly canonical: string }
  | { readonly kind: 'set'; readonly canonical: string }
  /** `user` is the profile URL, which /resolve turns into the user's id. */
  | { readonly kind: 'likes'; readonly user: string }
  | { readonly kind: 'short'; readonly url: string }
  | { readonly kind: 'other'; readonly what: string };

export function isSoundcloudUrl(url: URL): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const host = url.hostname.toLowerCase();
  return SITE_HOSTS.has(host) || host === SHORT_HOST;
}

export function classifyLink(url: URL): SoundcloudLink {
  const host = url.hostname.toLowerCase();
  if (host === SHORT_HOST) return { kind: 'short', url: `https://${SHORT_HOST}${url.pathname}` };
  // Secret share tokens (s-AbC…) are case-sensitive; the names around them are compared in lower case.
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const [user, second, third] = parts.map((p) => p.toLowerCase());
  if (user === undefined) return { kind: 'other', what: "SoundCloud's home page" };
  if (SITE_PAGES.has(user)) return { kind: 'other', what: `SoundCloud's ${user} page` };
  const profile = `https://soundcloud.com/${user}`;
  if (second === undefined) return { kind: 'other', what: "a SoundCloud profile (paste a track, a set or the profile's /likes)" };
  if (second === 'likes') return { kind: 'likes', user: profile };
  if (second === 'sets' && third !== undefined) return { kind: 'set', canonical: `${profile}/${parts.slice(1, 4).join('/')}` };
  if (USER_PAGES.has(second)) return { kind: 'other', what: `a SoundCloud profile's ${second} page` };
  // /user/track or /user/track/s-secret (a private share link keeps its token).
  return { kind: 'track', canonical: `${profile}/${parts.slice(1, 3).join('/')}` };
}
