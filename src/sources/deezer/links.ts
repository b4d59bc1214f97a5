/**
 * Which Deezer links hiqty takes, and what each names; pure, no network. www.deezer.com's pages come
 * as /{lang}/track/ID (the language is optional), and the apps share short links that redirect to
 * them: link.deezer.com/s/CODE, and the older deezer.page.link/CODE.
 */

export const SITE_HOST = 'www.deezer.com';
/** Short-link hosts: a redirect to a page on the site. */
export const SHORT_HOSTS: ReadonlySet<string> = new Set(['link.deezer.com', 'deezer.page.link']);
const SITE_HOSTS: ReadonlySet<string> = new Set([SITE_HOST, 'deezer.com']);

export type DeezerKind = 'track' | 'album' | 'playlist';

export type DeezerLink =
  | { readonly kind: DeezerKind; readonly id: string }
  | { readonly kind: 'short'; readonly url: string }
  | { readonly kind: 'other'; readonly what: string };

const ID = /^\d{1,20}$/;
const LANGUAGE = /^[a-z]{2}(-[a-z]{2})?$/;

function isKind(kind: string): kind is DeezerKind {
  return kind === 'track' || kind === 'album' || kind === 'playlist';
}

export function isDeezerUrl(url: URL): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const host = url.hostname.toLowerCase();
  return SITE_HOSTS.has(host) || SHORT_HOSTS.has(host);
}

/** Whether a link is on the site itself (where a short link must lead). */
export function isSitePage(url: URL): boolean {
  return (url.protocol === 'https:' || url.protocol === 'http:') && SITE_HOSTS.has(url.hostname.toLowerCase());
}

export function classifyLink(url: URL): DeezerLink {
  const host = url.hostname.toLowerCase();
  if (SHORT_HOSTS.has(host)) return { kind: 'short', url: `https://${host}${url.pathname}` };
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (parts[0] !== undefined && LANGUAGE.test(parts[0].toLowerCase())) parts.shift();
  const [kind = '', id] = parts;
  if (!isKind(kind)) return { kind: 'other', what: kind === '' ? "Deezer's home page" : `a Deezer ${kind} page` };
  if (id === undefined || !ID.test(id)) return { kind: 'other', what: `a Deezer ${kind} link without a valid id` };
  return { kind, id };
}

export function pageUrl(kind: DeezerKind, id: string | number): string {
  return `https://${SITE_HOST}/${kind}/${id}`;
}
