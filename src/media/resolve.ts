/**
 * Resolvers turn what a member typed into track metadata (DESIGN.md §6); sources open it later.
 * The one resolver so far takes http(s) URLs: a file becomes one track titled after its file name (no
 * network), a playlist URL (M3U, PLS, XSPF, by extension) is fetched through safeFetch, size-capped,
 * and parsed into many; an HLS playlist (.m3u8 with #EXT-X tags) is one track, which openTrack plays
 * through its HLS reader. There is no searching resolver yet, so text gets `search-unsupported`.
 */
import { safeFetch, type FetchOutcome, type SafeFetchOptions } from './safe-fetch';
import { parsePlaylist, playlistFormatOf, type PlaylistEntry } from './playlist';

export interface ResolvedTrack {
  readonly url: string;
  readonly title: string;
  readonly durationMs?: number;
}

export type ResolveOutcome =
  | { readonly kind: 'tracks'; readonly source: string; readonly tracks: readonly ResolvedTrack[]; readonly playlist?: { readonly url: string; readonly title: string } }
  | { readonly kind: 'search-unsupported' }
  | { readonly kind: 'bad-url'; readonly reason: string }
  | { readonly kind: 'playlist-failed'; readonly reason: string }
  | { readonly kind: 'playlist-empty' };

/** Progress of a slow resolution, for an interface that can show it. */
export type ResolveProgress = { readonly kind: 'fetching-playlist'; readonly url: string } | { readonly kind: 'parsed-playlist'; readonly entries: number };

export interface SearchChoice {
  readonly name: string;
  readonly value: string;
}

export interface Resolver {
  readonly name: string;
  resolve(query: string, options?: { readonly signal?: AbortSignal; readonly onProgress?: (p: ResolveProgress) => void }): Promise<ResolveOutcome>;
  /** Present only on resolvers that can search: interfaces offer autocomplete when it is. */
  readonly search?: (query: string, signal?: AbortSignal) => Promise<readonly SearchChoice[]>;
}

export interface UrlResolverOptions {
  /** HIQTY_FETCH_ALLOW: host:port pairs exempt from the private-address block. */
  readonly allow: readonly string[];
  /** Biggest playlist file read; default 1 MiB (about 10,000 entries). */
  readonly maxPlaylistBytes?: number;
  /** Entries kept from one playlist; default 5000 (the queue limits usually refuse earlier). */
  readonly maxPlaylistEntries?: number;
  /** Injectable for tests. */
  readonly fetch?: (url: string, options: SafeFetchOptions) => Promise<FetchOutcome>;
}

export const DEFAULT_MAX_PLAYLIST_BYTES = 1024 * 1024;
export const DEFAULT_MAX_PLAYLIST_ENTRIES = 5000;

/** A track's name from its URL: the last path segment without its extension, else the host. */
export function titleFromUrl(url: URL): string {
  const last = url.pathname.split('/').filter((s) => s !== '').pop();
  let name = last ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape is still a readable name as it is.
  }
  name = name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[_+]/g, ' ').trim();
  return name !== '' ? name.slice(0, 200) : url.host;
}

function parseHttpUrl(query: string): URL | undefined {
  if (!/^https?:\/\//i.test(query)) return undefined;
  try {
    return new URL(query);
  } catch {
    return undefined;
  }
}

function looksLikeUrl(query: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(query) || /^www\./i.test(query);
}

async function readCapped(body: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export function urlResolver(options: UrlResolverOptions): Resolver {
  const fetcher = options.fetch ?? safeFetch;
  const maxEntries = options.maxPlaylistEntries ?? DEFAULT_MAX_PLAYLIST_ENTRIES;
  const toTrack = (e: PlaylistEntry): ResolvedTrack => ({ url: e.url, title: e.title ?? titleFromUrl(new URL(e.url)), ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs }) });

  return {
    name: 'url',
    async resolve(raw, { signal, onProgress } = {}) {
      const query = raw.trim();
      const url = parseHttpUrl(query);
      if (url === undefined) {
        if (looksLikeUrl(query)) return { kind: 'bad-url', reason: 'only http:// and https:// links are supported' };
        return { kind: 'search-unsupported' };
      }
      const format = playlistFormatOf(url);
      if (format === undefined || format === 'hls') return { kind: 'tracks', source: 'url', tracks: [{ url: url.href, title: titleFromUrl(url) }] };

      onProgress?.({ kind: 'fetching-playlist', url: url.href });
      const fetched = await fetcher(url.href, { allow: options.allow, maxBytes: options.maxPlaylistBytes ?? DEFAULT_MAX_PLAYLIST_BYTES, signal });
      if (fetched.kind === 'refused') return { kind: 'playlist-failed', reason: fetched.reason };
      if (fetched.kind === 'failed') return { kind: 'playlist-failed', reason: fetched.reason };
      if (fetched.kind === 'http-error') return { kind: 'playlist-failed', reason: `the server answered HTTP ${fetched.status}` };
      if (fetched.kind === 'cancelled') return { kind: 'playlist-failed', reason: 'the playlist download was cancelled' };
      let text: string;
      try {
        text = await readCapped(fetched.body);
      } catch (e) {
        return { kind: 'playlist-failed', reason: e instanceof Error ? e.message : String(e) };
      }
      const parsed = parsePlaylist(format, text, url);
      // An HLS stream is one track: openTrack plays a .m3u8 link through the HLS reader (media-input.ts planForLink).
      if (parsed === 'hls') return { kind: 'tracks', source: 'url', tracks: [{ url: url.href, title: titleFromUrl(url) }] };
      onProgress?.({ kind: 'parsed-playlist', entries: parsed.length });
      if (parsed.length === 0) return { kind: 'playlist-empty' };
      return { kind: 'tracks', source: 'url-playlist', tracks: parsed.slice(0, maxEntries).map(toTrack), playlist: { url: url.href, title: titleFromUrl(url) } };
    },
  };
}
