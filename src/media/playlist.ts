/**
 * Parsers of the playlist formats /play accepts over http: M3U (with #EXTINF), PLS and XSPF. Pure and
 * forgiving: lines or elements they do not understand are skipped, entries that are not http(s) URLs
 * (local files, other schemes) are dropped, relative entries resolve against the playlist's URL.
 */

export interface PlaylistEntry {
  readonly url: string;
  readonly title?: string;
  readonly durationMs?: number;
}

export type PlaylistFormat = 'm3u' | 'pls' | 'xspf';

/** Which parser a URL's path calls for, by its extension; undefined for anything else. */
export function playlistFormatOf(url: URL): PlaylistFormat | 'hls' | undefined {
  const path = url.pathname.toLowerCase();
  if (path.endsWith('.m3u')) return 'm3u';
  // .m3u8 is also HLS; parsePlaylist tells them apart by their tags.
  if (path.endsWith('.m3u8')) return 'm3u';
  if (path.endsWith('.pls')) return 'pls';
  if (path.endsWith('.xspf')) return 'xspf';
  return undefined;
}

function absolute(entry: string, base: URL): string | undefined {
  try {
    const url = new URL(entry.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function secondsToMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  // -1 is how M3U and PLS say "unknown length" (a stream).
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

function entry(url: string, title: string | undefined, durationMs: number | undefined): PlaylistEntry {
  const t = title?.trim();
  return { url, ...(t ? { title: t } : {}), ...(durationMs === undefined ? {} : { durationMs }) };
}

export function parseM3u(text: string, base: URL): PlaylistEntry[] | 'hls' {
  if (/^#EXT-X-(TARGETDURATION|STREAM-INF|MEDIA-SEQUENCE)/m.test(text)) return 'hls';
  const out: PlaylistEntry[] = [];
  let title: string | undefined;
  let durationMs: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '') continue;
    const info = /^#EXTINF:\s*(-?[\d.]+)[^,]*,(.*)$/.exec(line);
    if (info) {
      durationMs = secondsToMs(info[1]);
      title = info[2];
      continue;
    }
    if (line.startsWith('#')) continue;
    // A Windows path (C:\music\x.mp3) would otherwise resolve as a relative URL on the playlist's host.
    const url = /^[a-z]:[\\/]/i.test(line) ? undefined : absolute(line, base);
    if (url !== undefined) out.push(entry(url, title, durationMs));
    title = undefined;
    durationMs = undefined;
  }
  return out;
}

export function parsePls(text: string, base: URL): PlaylistEntry[] {
  const files = new Map<number, string>();
  const titles = new Map<number, string>();
  const lengths = new Map<number, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(File|Title|Length)(\d+)\s*=(.*)$/i.exec(raw);
    if (!m) continue;
    const [, key = '', n = '', value = ''] = m;
    const map = key.toLowerCase() === 'file' ? files : key.toLowerCase() === 'title' ? titles : lengths;
    map.set(Number(n), value.trim());
  }
  return [...files.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([n, file]) => {
      const url = absolute(file, base);
      return url === undefined ? [] : [entry(url, titles.get(n), secondsToMs(lengths.get(n)))];
    });
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A numeric character reference as text. One that names no character (past U+10FFFF, a UTF-16
 * surrogate, NUL) becomes U+FFFD, the replacement character, as a lenient XML reader does: a hostile
 * playlist's `&#x110000;` must cost one odd title, not a RangeError.
 */
export function codePointText(codePoint: number): string {
  const valid = Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return valid ? String.fromCodePoint(codePoint) : '\uFFFD';
}

function xmlText(s: string): string {
  return s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return codePointText(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return codePointText(Number(name.slice(1)));
      return XML_ENTITIES[name.toLowerCase()] ?? whole;
    })
    .trim();
}

/** XSPF without an XML library: its track elements are flat, so one pattern per element suffices. */
export function parseXspf(text: string, base: URL): PlaylistEntry[] {
  const out: PlaylistEntry[] = [];
  for (const track of text.matchAll(/<track\b[^>]*>([\s\S]*?)<\/track>/gi)) {
    const body = track[1] ?? '';
    const field = (name: string): string | undefined => {
      const m = new RegExp(`<${name}\\b[^>]*>([\\s\\S]*?)</${name}>`, 'i').exec(body);
      return m?.[1] === undefined ? undefined : xmlText(m[1]);
    };
    const location = field('location');
    const url = location === undefined ? undefined : absolute(location, base);
    if (url === undefined) continue;
    const duration = Number(field('duration'));
    out.push(entry(url, field('title'), Number.isFinite(duration) && duration > 0 ? Math.round(duration) : undefined));
  }
  return out;
}

export function parsePlaylist(format: PlaylistFormat, text: string, base: URL): PlaylistEntry[] | 'hls' {
  switch (format) {
    case 'm3u':
      return parseM3u(text, base);
    case 'pls':
      return parsePls(text, base);
    case 'xspf':
      return parseXspf(text, base);
  }
}
