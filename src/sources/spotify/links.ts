/**
 * Which Spotify links hiqty takes, and what each names; pure, no network. open.spotify.com's pages
 * come as /track/ID, /album/ID and /playlist/ID, with a locale prefix (/intl-de/) on links shared from
 * a localized site, /embed/ on a player another site embeds, an old /user/NAME/ prefix on playlists,
 * and tracking queries (?si=…).
 * Known limit: spotify.link short links are not followed.
 */

export const PAGE_HOST = 'open.spotify.com';

export type SpotifyKind = 'track' | 'album' | 'playlist';

export type SpotifyLink =
  | { readonly kind: SpotifyKind; readonly id: string }
  /** Spotify's, but nothing hiqty plays: an artist, a show, an episode, the home page. */
  | { readonly kind: 'other'; readonly what: string };

/** A Spotify id: 22 base-62 characters. */
const ID = /^[0-9A-Za-z]{22}$/;
function isKind(kind: string): kind is SpotifyKind {
  return kind === 'track' || kind === 'album' || kind === 'playlist';
}

function named(kind: string, id: string | undefined): SpotifyLink {
  if (!isKind(kind)) return { kind: 'other', what: kind === '' ? "Spotify's home page" : `a Spotify ${kind} page` };
  if (id === undefined || !ID.test(id)) return { kind: 'other', what: `a Spotify ${kind} link without a valid id` };
  return { kind, id };
}

export function isSpotifyUrl(url: URL): boolean {
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.toLowerCase() === PAGE_HOST;
}

export function classifyLink(url: URL): SpotifyLink {
  const parts = url.pathname.split('/').filter((p) => p !== '');
  // /intl-xx/… (a localized page), /embed/… (a player on another site) and /user/NAME/playlist/ID
  // (the old form) name the same thing.
  if (parts[0]?.startsWith('intl-') === true) parts.shift();
  if (parts[0] === 'embed') parts.shift();
  if (parts[0] === 'user' && parts.length >= 4) parts.splice(0, 2);
  const [kind = '', id] = parts;
  return named(kind, id);
}

export function pageUrl(kind: SpotifyKind, id: string): string {
  return `https://${PAGE_HOST}/${kind}/${id}`;
}
