/**
 * The Bandcamp source against the local fake, through the real safeFetch (address policy, overrides):
 * track and album pages read from their data-tralbum, what does not stream left out and named, a fresh
 * page read at play time for a fresh signed stream URL, failures with their reasons, and search.
 */
import assert from 'node:assert/strict';
import {
  ALBUM_PARTIALS,
  ALBUM_VAULT,
  FIRST_PARTIAL,
  LONE_OSCILLATOR,
  PAID_PULSE,
  SEARCH_PATH,
  SEARCH_QUERY,
  SECOND_PARTIAL,
  STREAM_HOST,
  THIRD_PARTIAL,
  TROUBLE,
  albumUrl,
  trackUrl,
  type BandcampFake,
} from '../../src/sandbox/services/bandcamp';
import type { StreamPlan } from '../../src/media/plan';
import { PURCHASE_REASON, PURCHASE_SINGLE_REASON, REMOVED_REASON, artworkUrl, classifyLink, isBandcampUrl, tralbumOf, unescapeHtml } from '../../src/sources/bandcamp';
import { parsePrefix } from '../../src/sources/resolver';
import type { PlanOutcome } from '../../src/media/plan';
import type { ResolveOutcome, Source, SourceTrack } from '../../src/sources/types';
import { bytesOf, fetcherFor, sourceFor, startFake, TONE_MS } from './bandcamp-support';

function tracksOf(outcome: ResolveOutcome): readonly SourceTrack[] {
  assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
  return outcome.kind === 'tracks' ? outcome.tracks : [];
}

function reasonOf(outcome: { readonly kind: string; readonly reason?: string }, kind: string): string {
  assert.equal(outcome.kind, kind, JSON.stringify(outcome));
  return outcome.reason ?? '';
}

function planOf(outcome: PlanOutcome): StreamPlan {
  assert.equal(outcome.kind, 'plan', JSON.stringify(outcome));
  if (outcome.kind !== 'plan') throw new Error('unreachable');
  return outcome.plan;
}

describe('Bandcamp links and pages (pure)', () => {
  it('owns every bandcamp.com link, and reads track and album pages on an artist\'s site, canonically', () => {
    assert.equal(isBandcampUrl(new URL('https://sinecollective.bandcamp.com/album/x')), true);
    assert.equal(isBandcampUrl(new URL('http://bandcamp.com/discover')), true);
    assert.equal(isBandcampUrl(new URL('https://t4.bcbits.com/stream/a/mp3-128/1')), false, 'a raw stream URL is a plain link');
    assert.equal(isBandcampUrl(new URL('https://music.example.com/track/x')), false, 'custom domains are not recognised');
    assert.equal(isBandcampUrl(new URL('https://notbandcamp.com/track/x')), false);
    assert.deepEqual(classifyLink(new URL('http://SineCollective.bandcamp.com/track/first-partial/?from=embed#t=1')), { kind: 'track', canonical: 'https://sinecollective.bandcamp.com/track/first-partial' });
    assert.deepEqual(classifyLink(new URL('https://sinecollective.bandcamp.com/album/partials-and-overtones')), { kind: 'album', canonical: 'https://sinecollective.bandcamp.com/album/partials-and-overtones' });
    assert.equal(classifyLink(new URL('https://sinecollective.bandcamp.com/')).kind, 'other');
    assert.equal(classifyLink(new URL('https://sinecollective.bandcamp.com/music')).kind, 'other');
    assert.equal(classifyLink(new URL('https://daily.bandcamp.com/album/whatever')).kind, 'other', "Bandcamp's own subdomains are no artist");
    assert.equal(classifyLink(new URL('https://bandcamp.com/track/x')).kind, 'other');
  });

  it('unescapes the attribute (named and numeric entities, either quote) before parsing its JSON', () => {
    assert.equal(unescapeHtml('&quot;a&amp;b&quot; &#39;c&#x27; &lt;d&gt; &unknown;'), '"a&b" \'c\' <d> &unknown;');
    assert.deepEqual(tralbumOf(`<script data-embed="{}" data-tralbum='{"a":"&#39;x&#39;"}'></script>`), { kind: 'json', value: { a: "'x'" } });
    assert.deepEqual(tralbumOf('<script data-tralbum="{&quot;a&quot;:1}" data-band="{}"></script>'), { kind: 'json', value: { a: 1 } });
    assert.equal(tralbumOf('<html><script src="x.js"></script></html>').kind, 'missing');
    assert.equal(tralbumOf('<script data-tralbum="{&quot;a&quot;:"></script>').kind, 'malformed');
  });

  it('builds cover URLs from the art id in ten digits', () => {
    assert.equal(artworkUrl(123_456_789), 'https://f4.bcbits.com/img/a0123456789_10.jpg');
    assert.equal(artworkUrl(3_456_789_012), 'https://f4.bcbits.com/img/a3456789012_10.jpg');
    assert.equal(artworkUrl(null), undefined);
    assert.equal(artworkUrl(0), undefined);
  });

  it('bc: pins a search to Bandcamp', () => {
    assert.deepEqual(parsePrefix('bc: lone oscillator'), { source: 'bandcamp', text: 'lone oscillator' });
  });
});

describe('Bandcamp source (pages, search and streams, against the fake)', function () {
  this.timeout(60_000);
  let fake: BandcampFake;
  let source: Source;
  const signal = (): AbortSignal => new AbortController().signal;
  const resolve = (url: string): Promise<ResolveOutcome> => source.resolve(new URL(url), {});
  const pageReads = (url: string): number => fake.requests.filter((r) => `https://${r.host}${r.path}` === url && r.method === 'GET').length;

  before(async () => {
    fake = await startFake();
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.setSearchMode('ok');
    source = sourceFor(fake);
  });

  describe('resolve', () => {
    it('an album: its streamed tracks in order, with the album as the playlist, and the sold-only one named in skipped', async () => {
      const outcome = await resolve(albumUrl(ALBUM_PARTIALS));
      const tracks = tracksOf(outcome);
      const art = 'https://f4.bcbits.com/img/a0123456789_10.jpg';
      assert.deepEqual(tracks, [
        { url: trackUrl(FIRST_PARTIAL), title: 'First Partial', source: 'bandcamp', sourceId: String(FIRST_PARTIAL.id), artist: 'Sine Collective', durationMs: TONE_MS, artworkUrl: art },
        { url: trackUrl(THIRD_PARTIAL), title: 'Third Partial', source: 'bandcamp', sourceId: String(THIRD_PARTIAL.id), artist: 'Sine Collective', durationMs: TONE_MS, artworkUrl: art },
      ]);
      assert.ok(outcome.kind === 'tracks');
      assert.deepEqual(outcome.playlist, { url: albumUrl(ALBUM_PARTIALS), title: 'Partials & Overtones' });
      assert.deepEqual(outcome.skipped, [{ title: "Second Partial (Buyer's Cut)", reason: PURCHASE_REASON }]);
    });

    it('the page really is HTML-escaped: the JSON is only readable once unescaped', async () => {
      const page = await fetcherFor(fake)(albumUrl(ALBUM_PARTIALS));
      const html = (await bytesOf(page)).toString('utf8');
      assert.match(html, /data-tralbum="\{&quot;for the curious&quot;/);
      assert.doesNotMatch(html, /"trackinfo"/);
      assert.match(html, /&quot;title&quot;:&quot;Partials &amp; Overtones&quot;/);
    });

    it('a pasted link with a query (?from=embed) reads the canonical page', async () => {
      const tracks = tracksOf(await resolve(`${albumUrl(ALBUM_PARTIALS)}?from=embed`));
      assert.deepEqual(
        tracks.map((t) => t.sourceId),
        [String(FIRST_PARTIAL.id), String(THIRD_PARTIAL.id)],
      );
    });

    it('a single: one track with its own cover and its ISRC', async () => {
      const tracks = tracksOf(await resolve(trackUrl(LONE_OSCILLATOR)));
      assert.deepEqual(tracks, [
        {
          url: trackUrl(LONE_OSCILLATOR),
          title: 'Lone Oscillator',
          source: 'bandcamp',
          sourceId: String(LONE_OSCILLATOR.id),
          artist: 'Square Waves',
          durationMs: TONE_MS,
          artworkUrl: 'https://f4.bcbits.com/img/a3456789012_10.jpg',
          isrc: 'QZHQT2600104',
        },
      ]);
    });

    it("an album's track linked on its own page: the track, with the album's cover", async () => {
      const [track] = tracksOf(await resolve(trackUrl(FIRST_PARTIAL)));
      assert.equal(track?.sourceId, String(FIRST_PARTIAL.id));
      assert.equal(track?.artworkUrl, 'https://f4.bcbits.com/img/a0123456789_10.jpg');
      assert.equal(track?.isrc, FIRST_PARTIAL.isrc);
    });

    it("a track sold only is unavailable, with the reason: an album's track, or a single", async () => {
      assert.equal(reasonOf(await resolve(trackUrl(SECOND_PARTIAL)), 'unavailable'), PURCHASE_REASON);
      assert.equal(reasonOf(await resolve(trackUrl(PAID_PULSE)), 'unavailable'), PURCHASE_SINGLE_REASON);
    });

    it('an album that streams nothing is unavailable, saying why', async () => {
      const reason = reasonOf(await resolve(albumUrl(ALBUM_VAULT)), 'unavailable');
      assert.match(reason, /The one track of the album "The Vault" cannot be played/);
      assert.match(reason, /needs a purchase/);
    });

    it('a removed page (404), and a page on an artist site that does not exist, are unavailable', async () => {
      assert.equal(reasonOf(await resolve(TROUBLE.removed), 'unavailable'), REMOVED_REASON);
      assert.equal(reasonOf(await resolve('https://nosuchartist.bandcamp.com/album/nothing'), 'unavailable'), REMOVED_REASON);
    });

    it('a page without data-tralbum fails, saying so', async () => {
      assert.match(reasonOf(await resolve(TROUBLE.noTralbum), 'failed'), /no track data \(no data-tralbum attribute\)/);
    });

    it('a page whose data-tralbum is broken JSON fails, saying so', async () => {
      assert.match(reasonOf(await resolve(TROUBLE.malformed), 'failed'), /track data hiqty does not understand \(not JSON: /);
    });

    it("an artist's home page, or Bandcamp's own, is refused with what hiqty plays", async () => {
      assert.match(reasonOf(await resolve('https://sinecollective.bandcamp.com/'), 'unavailable'), /track and album pages, and this is an artist's home page/);
      assert.match(reasonOf(await resolve('https://bandcamp.com/discover'), 'unavailable'), /Bandcamp's own pages/);
    });
  });

  describe('open', () => {
    it('re-reads the page and plans its signed MP3 as a file, with the duration', async () => {
      const before = pageReads(trackUrl(LONE_OSCILLATOR));
      const plan = planOf(await source.open({ url: trackUrl(LONE_OSCILLATOR), sourceId: String(LONE_OSCILLATOR.id) }, { attempt: 0, signal: signal() }));
      assert.equal(pageReads(trackUrl(LONE_OSCILLATOR)), before + 1);
      assert.equal(plan.kind, 'file');
      assert.equal(plan.kind === 'file' ? plan.durationMs : undefined, TONE_MS);
      const url = new URL(plan.url);
      assert.equal(url.hostname, STREAM_HOST);
      assert.match(url.pathname, new RegExp(`^/stream/[0-9a-f]{32}/mp3-128/${LONE_OSCILLATOR.id}$`));
      assert.match(url.search, /^\?p=0&ts=\d+&t=[0-9a-f]{40}&token=\d+_[0-9a-f]{40}$/);
      const fetched = await fetcherFor(fake)(plan.url, { headers: plan.headers });
      assert.equal(fetched.kind === 'ok' ? fetched.contentType : fetched.kind, 'audio/mpeg');
      const bytes = await bytesOf(fetched);
      assert.ok(bytes.subarray(0, 3).toString('latin1') === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0), 'MP3 bytes');
    });

    it('a stream URL that expired (410) is replaced by a fresh one from a fresh page at the next open', async () => {
      const track = { url: trackUrl(FIRST_PARTIAL), sourceId: String(FIRST_PARTIAL.id) };
      const first = planOf(await source.open(track, { attempt: 0, signal: signal() }));
      const fetch = fetcherFor(fake);
      const fresh = await fetch(first.url);
      assert.equal(fresh.kind, 'ok');
      if (fresh.kind === 'ok') fresh.body.destroy();
      fake.expireStreams();
      const stale = await fetch(first.url);
      assert.deepEqual(stale.kind === 'http-error' ? stale.status : stale.kind, 410, 'the old URL is gone');
      const reads = pageReads(track.url);
      const second = planOf(await source.open(track, { attempt: 0, signal: signal() }));
      assert.equal(pageReads(track.url), reads + 1, 'the page was read again');
      assert.notEqual(second.url, first.url);
      const replayed = await fetch(second.url);
      assert.equal(replayed.kind, 'ok', JSON.stringify(replayed.kind === 'ok' ? 'ok' : replayed));
      if (replayed.kind === 'ok') replayed.body.destroy();
    });

    it("finds a track on its album's page by its id", async () => {
      const plan = planOf(await source.open({ url: albumUrl(ALBUM_PARTIALS), sourceId: String(THIRD_PARTIAL.id) }, { attempt: 0, signal: signal() }));
      assert.match(new URL(plan.url).pathname, new RegExp(`/mp3-128/${THIRD_PARTIAL.id}$`));
      const gone = await source.open({ url: albumUrl(ALBUM_PARTIALS), sourceId: '999' }, { attempt: 0, signal: signal() });
      assert.match(reasonOf(gone, 'unplayable'), /no longer lists this track/);
    });

    it('a track that became sold-only, a removed page and a broken page: unplayable, unplayable, failed', async () => {
      assert.equal(reasonOf(await source.open({ url: trackUrl(SECOND_PARTIAL) }, { attempt: 0, signal: signal() }), 'unplayable'), PURCHASE_REASON);
      assert.equal(reasonOf(await source.open({ url: TROUBLE.removed }, { attempt: 0, signal: signal() }), 'unplayable'), REMOVED_REASON);
      assert.match(reasonOf(await source.open({ url: TROUBLE.noTralbum }, { attempt: 0, signal: signal() }), 'failed'), /data-tralbum/);
      assert.match(reasonOf(await source.open({ url: 'https://sinecollective.bandcamp.com/' }, { attempt: 0, signal: signal() }), 'unplayable'), /not a Bandcamp track or album page/);
    });
  });

  describe('search', () => {
    it('asks the search box endpoint for tracks and answers them as tracks: page, id, artist, cover', async () => {
      const before = fake.requests.filter((r) => r.host === 'bandcamp.com' && r.path === SEARCH_PATH && r.method === 'POST').length;
      const outcome = await source.search?.(SEARCH_QUERY, { signal: signal(), limit: 20 });
      assert.deepEqual(outcome, {
        kind: 'results',
        tracks: [
          {
            url: trackUrl(LONE_OSCILLATOR),
            title: 'Lone Oscillator',
            source: 'bandcamp',
            sourceId: String(LONE_OSCILLATOR.id),
            artist: 'Square Waves',
            artworkUrl: 'https://f4.bcbits.com/img/a3456789012_10.jpg',
          },
        ],
      });
      assert.equal(fake.requests.filter((r) => r.host === 'bandcamp.com' && r.path === SEARCH_PATH && r.method === 'POST').length, before + 1);
    });

    it('several results keep their order and the limit', async () => {
      const outcome = await source.search?.('partial', { signal: signal(), limit: 2 });
      assert.equal(outcome?.kind, 'results');
      assert.deepEqual(
        outcome?.kind === 'results' ? outcome.tracks.map((t) => t.title) : [],
        ['First Partial', "Second Partial (Buyer's Cut)"],
      );
    });

    it('a failing or malformed search endpoint is a failure with its reason', async () => {
      fake.setSearchMode('failing');
      const failing = await source.search?.(SEARCH_QUERY, { signal: signal(), limit: 20 });
      assert.match(reasonOf(failing ?? { kind: 'missing' }, 'failed'), /Bandcamp search answered HTTP 503/);
      fake.setSearchMode('malformed');
      const malformed = await source.search?.(SEARCH_QUERY, { signal: signal(), limit: 20 });
      assert.match(reasonOf(malformed ?? { kind: 'missing' }, 'failed'), /Bandcamp search sent an answer hiqty does not understand \(not JSON/);
    });
  });
});
