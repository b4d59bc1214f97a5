/**
 * The Deezer metadata source against the local fake, through the real safeFetch (short links'
 * redirects included): tracks, albums, a paged playlist, and Deezer's errors, which come with HTTP 200.
 */
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/log';
import {
  deezerUrl,
  LONG_PLAYLIST,
  MALFORMED_TRACK_ID,
  MISSING_TRACK_ID,
  PAGE_LINK_CODE,
  RICKROLL,
  SHARE_LINK_CODE,
  SONGS,
  startDeezerFake,
  WAVEFORMS,
  type DeezerFake,
} from '../../src/sandbox/services/deezer';
import { classifyLink, deezerSource, isDeezerUrl, type DeezerSourceDeps } from '../../src/sources/deezer';
import type { MetadataSource } from '../../src/sources/types';
import { fetcherFor, ImpatientClock, reasonOf, servedSince, signal, tracksOf } from './metadata-support';

describe('Deezer metadata source (public API, against the fake)', function () {
  this.timeout(30_000);
  let fake: DeezerFake;
  let clock: ImpatientClock;

  const sourceWith = (overrides: Partial<DeezerSourceDeps> = {}): MetadataSource => deezerSource({ fetch: fetcherFor(fake), clock, log: silentLogger, ...overrides });
  const resolve = (source: MetadataSource, url: string) => source.resolve(new URL(url), { signal: signal() });

  before(async () => {
    fake = await startDeezerFake();
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    clock = new ImpatientClock();
  });

  it('owns www.deezer.com pages, with or without a language, and the short-link hosts', () => {
    const cases: [string, unknown][] = [
      [deezerUrl('track', RICKROLL.id), { kind: 'track', id: String(RICKROLL.id) }],
      [`https://deezer.com/album/${WAVEFORMS.id}?utm_source=x`, { kind: 'album', id: String(WAVEFORMS.id) }],
      [deezerUrl('playlist', LONG_PLAYLIST.id, 'pt-br'), { kind: 'playlist', id: String(LONG_PLAYLIST.id) }],
      [`https://deezer.page.link/${PAGE_LINK_CODE}`, { kind: 'short', url: `https://deezer.page.link/${PAGE_LINK_CODE}` }],
      [`https://link.deezer.com/s/${SHARE_LINK_CODE}?x=1`, { kind: 'short', url: `https://link.deezer.com/s/${SHARE_LINK_CODE}` }],
      ['https://www.deezer.com/en/artist/27', { kind: 'other', what: 'a Deezer artist page' }],
    ];
    for (const [url, expected] of cases) {
      assert.equal(isDeezerUrl(new URL(url)), true, url);
      assert.deepEqual(classifyLink(new URL(url)), expected, url);
    }
    assert.equal(isDeezerUrl(new URL('https://api.deezer.com/track/1')), false);
  });

  it('resolves a track: contributors joined, seconds as ms, the ISRC and the album cover', async () => {
    const [track] = tracksOf(await resolve(sourceWith(), deezerUrl('track', RICKROLL.id)));
    assert.deepEqual(
      { ...track, artworkUrl: undefined },
      { url: `https://www.deezer.com/track/${RICKROLL.id}`, title: SONGS.rickroll.title, source: 'deezer', sourceId: String(RICKROLL.id), artist: 'Rick Astley', durationMs: 8000, isrc: SONGS.rickroll.isrc, artworkUrl: undefined },
    );
    assert.match(track?.artworkUrl ?? '', /\/1000x1000-000000-80-0-0\.jpg$/);
    const [square] = tracksOf(await resolve(sourceWith(), deezerUrl('track', WAVEFORMS.tracks[1]?.id ?? 0)));
    assert.equal(square?.artist, 'The Oscillators, Tone Covers');
  });

  it("resolves an album from its /tracks list, with each entry's ISRC and the album's cover", async () => {
    const before = fake.requests.length;
    const outcome = await resolve(sourceWith(), deezerUrl('album', WAVEFORMS.id));
    const tracks = tracksOf(outcome);
    assert.deepEqual(
      tracks.map((t) => [t.title, t.isrc, t.durationMs]),
      WAVEFORMS.tracks.map((t) => [t.song.title, t.song.isrc, t.song.durationMs]),
    );
    assert.ok(tracks.every((t) => t.artworkUrl?.endsWith('/1000x1000-000000-80-0-0.jpg') === true));
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.playlist : undefined, { url: `https://www.deezer.com/album/${WAVEFORMS.id}`, title: WAVEFORMS.title });
    assert.deepEqual(servedSince(fake, before), [`GET api.deezer.com/album/${WAVEFORMS.id}`, `GET api.deezer.com/album/${WAVEFORMS.id}/tracks?limit=100`]);
  });

  it("follows a playlist's `next` links to its end", async () => {
    const before = fake.requests.length;
    const tracks = tracksOf(await resolve(sourceWith(), deezerUrl('playlist', LONG_PLAYLIST.id)));
    assert.equal(tracks.length, 230);
    assert.deepEqual([tracks[0]?.title, tracks[229]?.title], ['Marathon Tone 1', 'Marathon Tone 230']);
    assert.ok(tracks.every((t) => t.isrc === undefined && t.artworkUrl !== undefined), "a playlist's entries carry the album, no ISRC");
    assert.deepEqual(servedSince(fake, before), [
      `GET api.deezer.com/playlist/${LONG_PLAYLIST.id}`,
      `GET api.deezer.com/playlist/${LONG_PLAYLIST.id}/tracks?limit=100`,
      `GET api.deezer.com/playlist/${LONG_PLAYLIST.id}/tracks?limit=100&index=100`,
      `GET api.deezer.com/playlist/${LONG_PLAYLIST.id}/tracks?limit=100&index=200`,
    ]);
  });

  it('stops a playlist at the cap, saying how many were left out', async () => {
    const outcome = await resolve(sourceWith({ maxListTracks: 150 }), deezerUrl('playlist', LONG_PLAYLIST.id));
    assert.equal(tracksOf(outcome).length, 150);
    assert.deepEqual(outcome.kind === 'tracks' ? outcome.skipped : undefined, [{ title: '80 more tracks', reason: 'hiqty takes the first 150 tracks of a playlist' }]);
  });

  it('follows deezer.page.link and link.deezer.com short links to the page they name', async () => {
    const [track] = tracksOf(await resolve(sourceWith(), `https://deezer.page.link/${PAGE_LINK_CODE}`));
    assert.equal(track?.sourceId, String(RICKROLL.id));
    const before = fake.requests.length;
    const album = tracksOf(await resolve(sourceWith(), `https://link.deezer.com/s/${SHARE_LINK_CODE}`));
    assert.equal(album.length, 3);
    assert.deepEqual(servedSince(fake, before).slice(0, 2), [`GET link.deezer.com/s/${SHARE_LINK_CODE}`, `GET www.deezer.com/fr/album/${WAVEFORMS.id}?host=0&utm_campaign=clipboard-generic&utm_source=user_sharing&utm_medium=desktop`]);
    assert.match(reasonOf(await resolve(sourceWith(), 'https://deezer.page.link/nothingHere'), 'unavailable'), /leads nowhere/);
  });

  describe("Deezer's errors", () => {
    it('reads error 800 sent with HTTP 200 as a track that does not exist', async () => {
      assert.match(reasonOf(await resolve(sourceWith(), deezerUrl('track', MISSING_TRACK_ID)), 'unavailable'), /This Deezer track does not exist or was removed/);
      assert.match(reasonOf(await resolve(sourceWith(), deezerUrl('playlist', 123)), 'unavailable'), /This Deezer playlist does not exist/);
    });

    it('waits out a quota error (code 4, HTTP 200) and goes on; past the budget it fails saying Deezer is rate limiting', async () => {
      fake.quotaNext(1);
      tracksOf(await resolve(sourceWith({ quotaWaitMs: 5000 }), deezerUrl('track', RICKROLL.id)));
      assert.deepEqual(clock.waits, [5000]);
      fake.quotaNext(3);
      try {
        assert.match(reasonOf(await resolve(sourceWith({ quotaWaitMs: 5000 }), deezerUrl('track', RICKROLL.id)), 'failed'), /Deezer is rate limiting hiqty \(asked to wait 5 s\)/);
        assert.deepEqual(clock.waits, [5000, 5000, 5000]);
      } finally {
        fake.quotaNext(0);
      }
    });

    it("waits as a 429's Retry-After asks", async () => {
      fake.rateLimitNext(2, 1);
      tracksOf(await resolve(sourceWith(), deezerUrl('album', WAVEFORMS.id)));
      assert.deepEqual(clock.waits, [1000, 1000]);
    });

    it('turns a malformed answer into a failure with a readable reason', async () => {
      const reason = reasonOf(await resolve(sourceWith(), deezerUrl('track', MALFORMED_TRACK_ID)), 'failed');
      assert.match(reason, /^Deezer sent an answer hiqty does not understand \(.*id: got "900000998", expected number/);
    });
  });
});
