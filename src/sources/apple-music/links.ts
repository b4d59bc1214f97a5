/**
 * Which Apple Music links hiqty takes, and what each names; pure, no network. music.apple.com's pages:
 * /{storefront}/album/{slug}/{id} (with ?i={song id}, one song of the album, which is how the app
 * shares a song), /{storefront}/song/{slug}/{id} and /{storefront}/playlist/{slug}/pl.{id}. The slug
 * may be missing; a link without a storefront is read in the US one.
 */

export const PAGE_HOST = 'music.apple.com';
/** Links shared from Apple's own pages sometimes go through geo.music.apple.com, with the same paths. */
const HOSTS: ReadonlySet<string> = new Set([PAGE_HOST, 'geo.music.apple.com']);
/** The storefront of a link that names none; default us. */
export const DEFAULT_STOREFRONT = 'us';

export type AppleMusicLink =
  | { readonly kind: 'song'; readonly storefront: string; readonly id: string }
  | { readonly kind: 'album'; readonly storefront: string; readonly id: string }
  | { readonly kind: 'playlist'; readonly storefront: string; readonly id: string }
  | { readonly kind: 'other'; readonly what: string };

const STOREFRONT = /^[a-z]{2}$/;
const CATALOG_ID = /^\d{1,20}$/;
const PLAYLIST_ID = /^pl\.[A-Za-z0-9-]{1,100}$/;

export function isAppleMusicUrl(url: URL): boolean {
  return (url.protocol === 'https:' || url.protocol === 'http:') && HOSTS.has(url.hostname.toLowerCase());
}

export function classifyLink(url: URL): AppleMusicLink {
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const first = parts[0]?.toLowerCase();
  const storefront = first !== undefined && STOREFRONT.test(first) ? first : undefined;
  if (storefront !== undefined) parts.shift();
  const sf = storefront ?? DEFAULT_STOREFRONT;
  const [kind = '', ...rest] = parts;
  // The id is the last segment; the slug before it is only for people.
  const id = rest[rest.length - 1];
  switch (kind) {
    case 'song':
      return id !== undefined && CATALOG_ID.test(id) ? { kind: 'song', storefront: sf, id } : { kind: 'other', what: 'an Apple Music song link without a valid id' };
    case 'album': {
      if (id === undefined || !CATALOG_ID.test(id)) return { kind: 'other', what: 'an Apple Music album link without a valid id' };
      const song = url.searchParams.get('i');
      if (song !== null && CATALOG_ID.test(song)) return { kind: 'song', storefront: sf, id: song };
      return { kind: 'album', storefront: sf, id };
    }
    case 'playlist':
      return id !== undefined && PLAYLIST_ID.test(id) ? { kind: 'playlist', storefront: sf, id } : { kind: 'other', what: 'an Apple Music playlist link without a valid id' };
    case '':
      return { kind: 'other', what: "Apple Music's home page" };
    default:
      return { kind: 'other', what: `an Apple Music ${kind} page` };
  }
}
