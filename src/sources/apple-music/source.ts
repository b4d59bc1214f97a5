/**
 * Apple Music links as metadata (DESIGN.md §6 "Services"; issue 15): songs, albums and playlists read
 * from the Apple Music API as the web player reads it (amp-api.music.apple.com, with the developer
 * token music.apple.com's own bundle carries, shared by the fleet), as SourceTracks with their ISRC.
 * The mirror plays them from a playable source. Every page of a long album or playlist is followed by
 * its `next` path, up to the cap. `artistName` is Apple's own rendering of the artists ("A & B").
 */
import { decodeValue } from '../service-api/decode';
import { bearerGet, type ApiOutcome, type BearerApi, type RequestContext } from '../service-api/bearer-api';
import { capSkipped, DEFAULT_MAX_LIST_TRACKS, listOutcome, type Skipped } from '../service-api/lists';
import { DEFAULT_RATE_LIMIT_BUDGET_MS, WaitBudget } from '../service-api/rate-limit';
import type { MetadataSource, ResolveOutcome, SourceTrack, TokenStore } from '../types';
import { catalogUrl, errorMessage, nextUrl, PLAYER_ORIGIN } from './api';
import { Collection, Resources, TracksPage } from './codecs';
import { classifyLink, isAppleMusicUrl, PAGE_HOST } from './links';
import { appleMusicDeveloperToken } from './token';
import { artworkUrl, songOf } from './tracks';
import { malformedAnswer, type ServiceApiDeps } from '../service-api/answers';

export interface AppleMusicSourceDeps extends ServiceApiDeps {
  readonly tokens: TokenStore;
}

type NotTracks = Exclude<ResolveOutcome, { kind: 'tracks' }>;
type Kind = 'song' | 'album' | 'playlist';

const malformed = (error: string): NotTracks => malformedAnswer('Apple Music', error);

function statusOutcome(outcome: Extract<ApiOutcome<unknown>, { kind: 'status' }>, kind: Kind, storefront: string): NotTracks {
  if (outcome.status === 404) return { kind: 'unavailable', reason: `This Apple Music ${kind} does not exist in the ${storefront.toUpperCase()} storefront` };
  if (outcome.status === 403) return { kind: 'unavailable', reason: `Apple Music does not let anyone without access read this ${kind}` };
  return { kind: 'failed', reason: `Apple Music answered HTTP ${outcome.status}${outcome.message === undefined ? '' : ` (${outcome.message})`}` };
}

/** The one resource an id asks for, still undecoded. */
function only(data: readonly unknown[]): unknown {
  return data[0];
}

export function appleMusicSource(deps: AppleMusicSourceDeps): MetadataSource {
  const maxTracks = deps.maxListTracks ?? DEFAULT_MAX_LIST_TRACKS;
  const timeout = deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs };
  const api: BearerApi = {
    label: 'Apple Music',
    source: 'apple-music',
    fetch: deps.fetch,
    token: appleMusicDeveloperToken({ fetch: deps.fetch, tokens: deps.tokens, clock: deps.clock, log: deps.log, ...timeout }),
    clock: deps.clock,
    log: deps.log,
    headers: { origin: PLAYER_ORIGIN },
    errorMessage,
    ...timeout,
  };

  async function resolveSong(storefront: string, id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await bearerGet(api, catalogUrl(storefront, `/songs/${encodeURIComponent(id)}`), Resources, ctx);
    if (answer.kind === 'status') return statusOutcome(answer, 'song', storefront);
    if (answer.kind !== 'ok') return answer;
    const value = only(answer.value.data);
    if (value === undefined) return { kind: 'unavailable', reason: `This Apple Music song does not exist in the ${storefront.toUpperCase()} storefront` };
    const entry = songOf(value, storefront, 0);
    if (entry.kind === 'malformed') return malformed(entry.error);
    if (entry.kind === 'skipped') return { kind: 'unavailable', reason: `This Apple Music song is ${entry.skipped.reason}` };
    return { kind: 'tracks', tracks: [entry.track] };
  }

  async function resolveCollection(kind: 'album' | 'playlist', storefront: string, id: string, ctx: RequestContext): Promise<ResolveOutcome> {
    const answer = await bearerGet(api, catalogUrl(storefront, `/${kind}s/${encodeURIComponent(id)}`), Resources, ctx);
    if (answer.kind === 'status') return statusOutcome(answer, kind, storefront);
    if (answer.kind !== 'ok') return answer;
    const value = only(answer.value.data);
    if (value === undefined) return { kind: 'unavailable', reason: `This Apple Music ${kind} does not exist in the ${storefront.toUpperCase()} storefront` };
    const collection = decodeValue(Collection, value);
    if ('error' in collection) return malformed(collection.error);
    return listCollection(kind, storefront, collection.ok, ctx);
  }

  async function listCollection(kind: 'album' | 'playlist', storefront: string, collection: Collection, ctx: RequestContext): Promise<ResolveOutcome> {
    const attributes = collection.attributes;
    const title = attributes?.name ?? `${kind} ${collection.id}`;
    // An album's entries carry their own artwork; this stands in when one does not.
    const fallbackArtwork = artworkUrl(attributes?.artwork);
    const tracks: SourceTrack[] = [];
    const skipped: Skipped[] = [];
    let page: TracksPage | undefined = collection.relationships?.tracks;
    let total = page?.meta?.total ?? (kind === 'album' ? attributes?.trackCount : undefined);
    let position = 0;
    let cut = false;
    for (;;) {
      for (const value of page?.data ?? []) {
        if (position >= maxTracks) {
          cut = true;
          break;
        }
        const entry = songOf(value, storefront, position++);
        if (entry.kind === 'malformed') return malformed(`entry ${position}: ${entry.error}`);
        if (entry.kind === 'skipped') skipped.push(entry.skipped);
        else tracks.push(entry.track.artworkUrl === undefined && fallbackArtwork !== undefined ? { ...entry.track, artworkUrl: fallbackArtwork } : entry.track);
      }
      const next = nextUrl(page?.next);
      if (next === undefined || cut) break;
      if (position >= maxTracks) {
        cut = true;
        break;
      }
      const answer: ApiOutcome<TracksPage> = await bearerGet(api, next, TracksPage, ctx);
      if (answer.kind === 'status') return statusOutcome(answer, kind, storefront);
      if (answer.kind !== 'ok') return answer;
      page = answer.value;
      total = page.meta?.total ?? total;
      // An empty page ends the list whatever `next` says: no loop on a service that keeps saying "more".
      if (page.data.length === 0) break;
    }
    if (cut) skipped.push(capSkipped(total === undefined ? undefined : Math.max(0, total - maxTracks), maxTracks));
    const url = attributes?.url ?? `https://${PAGE_HOST}/${storefront}/${kind}/${collection.id}`;
    return listOutcome(`the Apple Music ${kind} "${title}"`, { url, title }, tracks, skipped);
  }

  async function resolve(url: URL, signal: AbortSignal | undefined): Promise<ResolveOutcome> {
    const link = classifyLink(url);
    if (link.kind === 'other') return { kind: 'unavailable', reason: `hiqty plays Apple Music songs, albums and playlists, and this is ${link.what}` };
    const ctx: RequestContext = { signal, budget: new WaitBudget(deps.rateLimitBudgetMs ?? DEFAULT_RATE_LIMIT_BUDGET_MS) };
    if (link.kind === 'song') return resolveSong(link.storefront, link.id, ctx);
    return resolveCollection(link.kind, link.storefront, link.id, ctx);
  }

  return {
    name: 'apple-music',
    label: 'Apple Music',
    matches: isAppleMusicUrl,
    async resolve(url, { signal }) {
      try {
        return await resolve(url, signal);
      } catch (err) {
        // Belt and braces: a bug below is a failure with a reason, not a crash of the caller.
        deps.log.error({ err }, 'apple-music: resolve threw');
        return { kind: 'failed', reason: `Apple Music resolve failed unexpectedly (${err instanceof Error ? err.message : String(err)})` };
      }
    },
  };
}
