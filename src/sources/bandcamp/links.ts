/**
 * Which Bandcamp links hiqty takes, and what each is; pure, no network. Artists' pages live on their own
 * subdomains (`ARTIST.bandcamp.com/track/SLUG`, `/album/SLUG`), as yt-dlp and lavaplayer read them.
 *
 * Known limit: custom domains (an artist's page at `music.example.com`, served by Bandcamp) are not
 * recognised: nothing in the link says it is Bandcamp, and hiqty does not fetch a page to find out. Such
 * links go to the plain-link source, which refuses an HTML page as not audio.
 */

export const SITE_HOST = 'bandcamp.com';

/** Subdomains that are Bandcamp's own, not an artist's. */
const SITE_SUBDOMAINS = new Set(['www', 'daily', 'blog']);

/** A slug as Bandcamp makes them: letters, digits, dashes and underscores. */
const SLUG = /^[A-Za-z0-9_-]{1,200}$/;

export type BandcampLink =
  /** `canonical`: https, the host in lower case, no query or fragment (`?from=embed` and the like dropped). */
  | { readonly kind: 'track'; readonly canonical: string }
  | { readonly kind: 'album'; readonly canonical: string }
  | { readonly kind: 'other'; readonly what: string };

/** Any link on bandcamp.com or one of its subdomains: the source answers for all of them, if only to say what it plays. */
export function isBandcampUrl(url: URL): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const host = url.hostname.toLowerCase();
  return host === SITE_HOST || host.endsWith(`.${SITE_HOST}`);
}

/** The artist subdomain of a host (`sinecollective` of sinecollective.bandcamp.com), or undefined. */
function artistOf(host: string): string | undefined {
  if (!host.endsWith(`.${SITE_HOST}`)) return undefined;
  const sub = host.slice(0, -(SITE_HOST.length + 1));
  return sub.includes('.') || SITE_SUBDOMAINS.has(sub) ? undefined : sub;
}

export function classifyLink(url: URL): BandcampLink {
  const host = url.hostname.toLowerCase();
  const artist = artistOf(host);
  if (artist === undefined) return { kind: 'other', what: host === SITE_HOST || host === `www.${SITE_HOST}` ? "Bandcamp's own pages" : `a page on ${host}` };
  const [kind, slug, ...rest] = url.pathname.split('/').filter((p) => p !== '');
  if ((kind === 'track' || kind === 'album') && slug !== undefined && SLUG.test(slug) && rest.length === 0) {
    return { kind, canonical: `https://${host}/${kind}/${slug}` };
  }
  return { kind: 'other', what: kind === undefined ? "an artist's home page" : `an artist's ${kind} page` };
}
