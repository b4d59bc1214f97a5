/**
 * The `data-tralbum` attribute of a Bandcamp track or album page: JSON, HTML-escaped, on the script tag
 * that loads the player (`<script … data-tralbum="{&quot;current&quot;:…}">`). yt-dlp and lavaplayer
 * read the page the same way: find the attribute, unescape it, parse the JSON. The page is searched as
 * text; nothing in it is run.
 */

/** The attribute's value, quoted with " or ' as HTML allows; the escaped JSON holds no raw quote of its own kind. */
const TRALBUM_ATTRIBUTE = /\sdata-tralbum\s*=\s*(?:"([^"]*)"|'([^']*)')/;

const NAMED: Readonly<Record<string, string>> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };

/** Undoes HTML escaping in an attribute value: the named entities Bandcamp uses and numeric ones. Unknown entities stay as written. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (entity, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED[body] ?? entity;
  });
}

export type TralbumText =
  | { readonly kind: 'json'; readonly value: unknown }
  /** The page has no data-tralbum attribute: not a track or album page, or Bandcamp changed its pages. */
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed'; readonly error: string };

/** The page's tralbum object, parsed but not yet decoded. */
export function tralbumOf(html: string): TralbumText {
  const m = TRALBUM_ATTRIBUTE.exec(html);
  const raw = m?.[1] ?? m?.[2];
  if (raw === undefined) return { kind: 'missing' };
  try {
    return { kind: 'json', value: JSON.parse(unescapeHtml(raw)) };
  } catch (e) {
    return { kind: 'malformed', error: e instanceof Error ? e.message : String(e) };
  }
}
