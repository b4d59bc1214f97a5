/**
 * bandcamp.com's search box endpoint, `POST /api/bcsearch_public_api/1/autocomplete_elastic` with
 * `{"search_text", "search_filter", "full_page", "fan_id"}`, answering `{"auto": {"results": [...]}}`:
 * the shape maintained clients (OneTagger, Grayjay's Bandcamp plugin, tagging and discovery tools) read.
 * `search_filter` is `t` (tracks), `a` (albums), `b` (artists) or empty (everything).
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { decodeJson } from '../../../codecs';
import { ALBUMS, ALL_TRACKS, BANDS, albumOf, artIdOf, albumUrl, siteUrl, trackUrl, type FakeAlbum, type FakeBand, type FakeBandcampTrack } from './catalog';

export const SEARCH_PATH = '/api/bcsearch_public_api/1/autocomplete_elastic';

/** What the endpoint reads of its body; a body without search_text is refused. */
export const SearchRequest = t.intersection([t.type({ search_text: t.string }), t.partial({ search_filter: t.string, full_page: t.boolean, fan_id: t.union([t.number, t.null]) })]);

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
}

function matchesAll(query: readonly string[], ...fields: string[]): boolean {
  const have = new Set(fields.flatMap(words));
  return query.length > 0 && query.every((w) => have.has(w));
}

function img(artId: number): string {
  return `https://f4.bcbits.com/img/a${String(artId).padStart(10, '0')}_3.jpg`;
}

function trackResult(track: FakeBandcampTrack): Record<string, unknown> {
  const album = albumOf(track);
  return {
    type: 't',
    id: track.id,
    art_id: artIdOf(track),
    img: img(artIdOf(track)),
    name: track.title,
    band_id: track.band.id,
    band_name: track.band.name,
    album_name: album?.title ?? null,
    album_id: album?.id ?? null,
    item_url_root: siteUrl(track.band),
    item_url_path: trackUrl(track),
    tag_names: null,
    stat_params_for_tag_autocomplete: null,
  };
}

function albumResult(album: FakeAlbum): Record<string, unknown> {
  return {
    type: 'a',
    id: album.id,
    art_id: album.artId,
    img: img(album.artId),
    name: album.title,
    band_id: album.band.id,
    band_name: album.band.name,
    item_url_root: siteUrl(album.band),
    item_url_path: albumUrl(album),
    tag_names: ['electronic', 'drone'],
  };
}

function bandResult(band: FakeBand): Record<string, unknown> {
  return { type: 'b', id: band.id, art_id: null, img_id: band.id + 5, name: band.name, item_url_root: siteUrl(band), location: 'Loopback, Localhost', is_label: false, tag_names: null, genre_name: 'electronic' };
}

/** The answer's body, or the status and text of a refusal. */
export function searchAnswer(body: string): { readonly status: number; readonly json: unknown } {
  const request = decodeJson(SearchRequest, body);
  if (isLeft(request)) return { status: 400, json: { error: true, error_message: 'invalid request' } };
  const query = words(request.right.search_text);
  const filter = request.right.search_filter ?? '';
  const results: Record<string, unknown>[] = [];
  if (filter === '' || filter === 'b') results.push(...BANDS.filter((b) => matchesAll(query, b.name)).map(bandResult));
  if (filter === '' || filter === 'a') results.push(...ALBUMS.filter((a) => matchesAll(query, a.title, a.band.name)).map(albumResult));
  if (filter === '' || filter === 't') results.push(...ALL_TRACKS.filter((tr) => matchesAll(query, tr.title, tr.band.name, albumOf(tr)?.title ?? '')).map(trackResult));
  return { status: 200, json: { auto: { results, stat_params_for_tag_autocomplete: null } } };
}
