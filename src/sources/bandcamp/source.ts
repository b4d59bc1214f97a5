/**
 * The Bandcamp source (DESIGN.md §6 "Services"), written directly against what bandcamp.com serves its
 * own player: a track or album page's `data-tralbum` (titles, durations, the signed MP3 stream of each
 * track Bandcamp streams), and the search box's JSON endpoint. No library, no API key.
 */
import { isLeft } from 'fp-ts/Either';
import { decode, decodeJson } from '../../codecs';
import type { Logger } from '../../log';
import type { PlanOutcome } from '../../media/plan';
import type { Fetcher, PlayableTrack, ResolveOutcome, SearchOutcome, Source, SourceTrack } from '../types';
import { SearchAnswer, SearchTrack, Tralbum } from './codecs';
import { BROWSER_USER_AGENT } from '../service-api/http';
import { fetchText } from './http';
import { classifyLink, isBandcampUrl, type BandcampLink } from './links';
import { tralbumOf } from './page';
import { artworkUrl, entriesOf, idOf, noStreamReason, pageContext, streamUrlOf, toSourceTrack, UNREADABLE_ENTRY_REASON } from './tracks';

/** The endpoint bandcamp.com's search box asks as you type; `search_filter: "t"` asks for tracks only. */
export const SEARCH_URL = 'https://bandcamp.com/api/bcsearch_public_api/1/autocomplete_elastic';

export const REMOVED_REASON = 'This Bandcamp page was removed or never existed';

export interface BandcampSourceDeps {
  readonly fetch: Fetcher;
  readonly log: Logger;
  /** Headers and idle timeout of every Bandcamp request; default the Fetcher's own (10 s). */
  readonly timeoutMs?: number;
}

type Skipped = { readonly title: string; readonly reason: string };

/** A page read and its tralbum decoded, or why not, in the terms of a resolve. */
type PageOutcome = { readonly kind: 'page'; readonly tralbum: Tralbum } | Exclude<ResolveOutcome, { kind: 'tracks' | 'empty' | 'refused' }>;

function statusOutcome(status: number): { readonly kind: 'unavailable' | 'failed'; readonly reason: string } {
  // 410 too: Bandcamp answers it for what it took down.
  if (status === 404 || status === 410) return { kind: 'unavailable', reason: REMOVED_REASON };
  if (status === 429) return { kind: 'failed', reason: 'Bandcamp is rate-limiting hiqty (HTTP 429)' };
  return { kind: 'failed', reason: `Bandcamp answered HTTP ${status}` };
}

function malformed(error: string): { readonly kind: 'failed'; readonly reason: string } {
  return { kind: 'failed', reason: `Bandcamp's page holds track data hiqty does not understand (${error})` };
}

/** A resolve's refusal as a play-time outcome: the item's fault is unplayable, the service's a failure. */
function asPlan(outcome: Exclude<PageOutcome, { kind: 'page' }>): PlanOutcome {
  if (outcome.kind === 'cancelled') return outcome;
  return { kind: outcome.kind === 'unavailable' ? 'unplayable' : 'failed', reason: outcome.reason };
}

export function bandcampSource(deps: BandcampSourceDeps): Source {
  const { timeoutMs } = deps;

  async function readPage(pageUrl: string, signal: AbortSignal | undefined): Promise<PageOutcome> {
    const page = await fetchText(deps.fetch, pageUrl, { signal, timeoutMs, accept: 'text/html,application/xhtml+xml' });
    if (page.kind === 'cancelled') return page;
    if (page.kind === 'status') return statusOutcome(page.status);
    if (page.kind === 'failed') return { kind: 'failed', reason: `Bandcamp could not be reached (${page.reason})` };
    const found = tralbumOf(page.text);
    if (found.kind === 'missing') return { kind: 'failed', reason: "Bandcamp's page has no track data (no data-tralbum attribute): its layout may have changed" };
    if (found.kind === 'malformed') return malformed(`not JSON: ${found.error}`);
    const tralbum = decode(Tralbum, found.value);
    if (isLeft(tralbum)) return malformed(tralbum.left.slice(0, 3).join('; '));
    return { kind: 'page', tralbum: tralbum.right };
  }

  async function resolveTrack(link: Extract<BandcampLink, { kind: 'track' }>, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const page = await readPage(link.canonical, signal);
    if (page.kind !== 'page') return page;
    const [first] = entriesOf(page.tralbum);
    if (first === undefined) return { kind: 'unavailable', reason: 'This Bandcamp track has no audio' };
    if (first.kind === 'unreadable') return malformed(first.error);
    if (streamUrlOf(first.info, link.canonical) === undefined) return { kind: 'unavailable', reason: noStreamReason(page.tralbum, true) };
    const track = toSourceTrack(first.info, pageContext(page.tralbum, link.canonical, true));
    return track === undefined ? malformed('the track has neither an id nor a page') : { kind: 'tracks', tracks: [track] };
  }

  async function resolveAlbum(link: Extract<BandcampLink, { kind: 'album' }>, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const page = await readPage(link.canonical, signal);
    if (page.kind !== 'page') return page;
    const { tralbum } = page;
    const title = tralbum.current?.title ?? 'a Bandcamp album';
    const what = `the album "${title}"`;
    const context = pageContext(tralbum, link.canonical, false);
    const tracks: SourceTrack[] = [];
    const skipped: Skipped[] = [];
    for (const entry of entriesOf(tralbum)) {
      if (entry.kind === 'unreadable') {
        skipped.push({ title: entry.title, reason: UNREADABLE_ENTRY_REASON });
        continue;
      }
      const stream = streamUrlOf(entry.info, link.canonical);
      const track = stream === undefined ? undefined : toSourceTrack(entry.info, context);
      if (track !== undefined) tracks.push(track);
      else skipped.push({ title: entry.info.title, reason: stream === undefined ? noStreamReason(tralbum, false) : UNREADABLE_ENTRY_REASON });
    }
    if (tracks.length === 0) {
      const first = skipped[0];
      if (first === undefined) return { kind: 'empty', what };
      const none = skipped.length === 1 ? `The one track of ${what} cannot be played` : `None of the ${skipped.length} tracks of ${what} can be played`;
      return { kind: 'unavailable', reason: `${none} (${first.reason})` };
    }
    return { kind: 'tracks', tracks, playlist: { url: link.canonical, title }, ...(skipped.length > 0 ? { skipped } : {}) };
  }

  async function resolve(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const link = classifyLink(url);
    switch (link.kind) {
      case 'track':
        return resolveTrack(link, signal);
      case 'album':
        return resolveAlbum(link, signal);
      case 'other':
        return { kind: 'unavailable', reason: `hiqty plays Bandcamp track and album pages, and this is ${link.what}` };
    }
  }

  /**
   * Known limits: results carry no duration (the endpoint gives none, and a page per result would cost a
   * request each), so a mirror or a fallback (src/sources/mirror.ts), which needs one, never takes a
   * Bandcamp result; and whether a result streams is only known when it plays.
   */
  async function search(text: string, signal: AbortSignal | undefined, limit: number): Promise<SearchOutcome> {
    const json = { search_text: text, search_filter: 't', full_page: false, fan_id: null };
    const answer = await fetchText(deps.fetch, SEARCH_URL, { signal, timeoutMs, accept: 'application/json', json });
    if (answer.kind === 'cancelled') return answer;
    if (answer.kind === 'status') return { kind: 'failed', reason: `Bandcamp search answered HTTP ${answer.status}` };
    if (answer.kind === 'failed') return { kind: 'failed', reason: `Bandcamp could not be reached (${answer.reason})` };
    const decoded = decodeJson(SearchAnswer, answer.text);
    if (isLeft(decoded)) return { kind: 'failed', reason: `Bandcamp search sent an answer hiqty does not understand (${decoded.left.slice(0, 3).join('; ')})` };
    const tracks = decoded.right.auto.results.flatMap((item): SourceTrack[] => {
      const result = decode(SearchTrack, item);
      if (isLeft(result)) return []; // an album, an artist, or a result of a shape hiqty does not read
      let url: URL;
      try {
        url = new URL(result.right.item_url_path);
      } catch {
        return [];
      }
      const link = classifyLink(url);
      if (link.kind !== 'track') return [];
      const r = result.right;
      // The art id gives the same 1200 px cover a resolved track shows; `img` is a 100 px thumbnail.
      const artwork = artworkUrl(r.art_id) ?? r.img ?? undefined;
      const artist = r.band_name ?? undefined;
      return [
        {
          url: link.canonical,
          title: r.name,
          source: 'bandcamp',
          sourceId: String(r.id),
          ...(artist !== undefined && artist.trim() !== '' ? { artist: artist.trim() } : {}),
          ...(artwork !== undefined && artwork !== '' ? { artworkUrl: artwork } : {}),
        },
      ];
    });
    return { kind: 'results', tracks: tracks.slice(0, Math.max(1, Math.min(limit, 25))) };
  }

  /** A fresh look at the track's page at play time: the stream URL is signed and expires. */
  async function open(track: PlayableTrack, signal: AbortSignal): Promise<PlanOutcome> {
    let url: URL;
    try {
      url = new URL(track.url);
    } catch {
      return { kind: 'unplayable', reason: 'the track has no Bandcamp link' };
    }
    const link = isBandcampUrl(url) ? classifyLink(url) : undefined;
    if (link === undefined || link.kind === 'other') return { kind: 'unplayable', reason: 'the track\'s link is not a Bandcamp track or album page' };
    const page = await readPage(link.canonical, signal);
    if (page.kind !== 'page') return asPlan(page);
    const entries = entriesOf(page.tralbum);
    // An album's page holds many: the one with the track's id. A track's page holds one.
    const wanted = track.sourceId;
    const entry = entries.find((e) => e.kind === 'entry' && wanted !== undefined && idOf(e.info) === wanted) ?? (link.kind === 'track' ? entries[0] : undefined);
    if (entry === undefined) return { kind: 'unplayable', reason: 'Bandcamp\'s page no longer lists this track' };
    if (entry.kind === 'unreadable') return malformed(entry.error);
    const streamUrl = streamUrlOf(entry.info, link.canonical);
    if (streamUrl === undefined) return { kind: 'unplayable', reason: noStreamReason(page.tralbum, link.kind === 'track') };
    const seconds = entry.info.duration ?? undefined;
    const durationMs = seconds !== undefined && seconds > 0 ? Math.round(seconds * 1000) : track.durationMs;
    // MP3: transcoded by the one ffmpeg; the duration lets a resume start from a Range estimate.
    return { kind: 'plan', plan: { kind: 'file', url: streamUrl, headers: { 'user-agent': BROWSER_USER_AGENT }, ...(durationMs !== undefined ? { durationMs } : {}) } };
  }

  /** Belt and braces: a bug below is a failure with a reason, not a crash of the caller. */
  async function guarded<T>(what: string, body: () => Promise<T>, failed: (reason: string) => T): Promise<T> {
    try {
      return await body();
    } catch (err) {
      deps.log.error({ err }, `bandcamp: ${what} threw`);
      return failed(`Bandcamp ${what} failed unexpectedly (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  return {
    name: 'bandcamp',
    label: 'Bandcamp',
    matches: isBandcampUrl,
    resolve: (url, { signal }) => guarded('resolve', () => resolve(url, signal), (reason) => ({ kind: 'failed', reason })),
    search: (text, { signal, limit }) => guarded('search', () => search(text, signal, limit), (reason) => ({ kind: 'failed', reason })),
    open: (track, { signal }) => guarded('open', () => open(track, signal), (reason) => ({ kind: 'failed', reason })),
  };
}
