/**
 * The SoundCloud source against the local fake, through the real safeFetch (address policy, overrides)
 * and a real Redis for the shared client_id.
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import {
  BIG_SET,
  BIG_SET_SIZE,
  FAN_USER,
  HLS_AAC_HOST,
  HLS_MP3_HOST,
  PROGRESSIVE_HOST,
  REMOVED_TRACK,
  SEARCH_QUERY,
  SET_TONES,
  SHORT_CODE,
  TONES_USER,
  TRACK_BLOCKED,
  TRACK_DRM,
  TRACK_HLS,
  TRACK_MP3,
  TRACK_PREVIEW,
  TRACK_RICK,
  TRACK_ROGUE,
  TRACK_TS,
  likesUrl,
  permalink,
  setUrl,
  trackUrl,
  type SoundcloudFake,
} from '../../src/sandbox/services/soundcloud';
import { safeFetch } from '../../src/media/safe-fetch';
import type { StreamPlan } from '../../src/media/plan';
import { BLOCKED_REASON, CLIENT_ID_TOKEN, DRM_REASON, PREVIEW_REASON } from '../../src/sources/soundcloud';
import type { ResolveOutcome, Source, SourceTrack } from '../../src/sources/types';
import { redisTokenStore, sourceTokenKey } from '../../src/state/source-tokens';
import { useRedis } from '../support/redis';
import { bytesOf, fetcherFor, overridesOf, sourceFor, startFake } from './soundcloud-support';

const CLIENT_ID_KEY = sourceTokenKey(CLIENT_ID_TOKEN);

function tracksOf(outcome: ResolveOutcome): readonly SourceTrack[] {
  assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
  return outcome.kind === 'tracks' ? outcome.tracks : [];
}

function reasonOf(outcome: { readonly kind: string; readonly reason?: string }, kind: string): string {
  assert.equal(outcome.kind, kind, JSON.stringify(outcome));
  return outcome.reason ?? '';
}

describe('SoundCloud source (api-v2, against the fake)', function () {
  this.timeout(60_000);
  const redisHolder = useRedis();
  let fake: SoundcloudFake;
  let redis: Redis;
  let source: Source;
  const signal = (): AbortSignal => new AbortController().signal;

  before(async () => {
    fake = await startFake();
    redis = redisHolder.current.client();
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.setApiMode('ok');
    source = sourceFor(fake, redis);
  });

  describe('the token store', () => {
    it('keeps a token with its TTL under hiqty:source_token:{name}, and drops it only while it is the value given', async () => {
      const store = redisTokenStore(redis);
      await store.set('test:token', 'one', 60_000);
      assert.equal(await redis.get('hiqty:source_token:test:token'), 'one');
      const pttl = await redis.pttl('hiqty:source_token:test:token');
      assert.ok(pttl > 0 && pttl <= 60_000, `pttl ${pttl}`);
      assert.equal(await store.get('test:token'), 'one');
      await store.drop('test:token', 'stale');
      assert.equal(await store.get('test:token'), 'one', 'a drop of another value leaves the token alone');
      await store.drop('test:token', 'one');
      assert.equal(await store.get('test:token'), undefined);
    });
  });

  describe('client_id', () => {
    beforeEach(async () => {
      await redis.del(CLIENT_ID_KEY);
    });

    it('is discovered from the site scripts, last first, and shared in Redis so a second instance does not scrape', async () => {
      const before = fake.requests.length;
      tracksOf(await source.resolve(new URL(trackUrl(TRACK_HLS)), { signal: signal() }));
      const seen = fake.requests.slice(before);
      const page = seen.findIndex((r) => r.host === 'soundcloud.com' && r.path === '/');
      assert.ok(page >= 0, 'the home page was read');
      const scripts = seen.filter((r) => r.host === 'a-v2.sndcdn.com').map((r) => r.path);
      // The page lists six bundles; the id is in the second to last: the last is read first, then that one.
      assert.equal(scripts.length, 2, scripts.join(' '));
      assert.ok(scripts[0]?.startsWith('/assets/50-'), scripts.join(' '));
      assert.ok(scripts[1]?.startsWith('/assets/49-'), scripts.join(' '));
      assert.equal(await redis.get(CLIENT_ID_KEY), fake.clientId);
      const pttl = await redis.pttl(CLIENT_ID_KEY);
      assert.ok(pttl > 0 && pttl <= 6 * 3600_000, `pttl ${pttl}`);
      const api = seen.filter((r) => r.host === 'api-v2.soundcloud.com');
      assert.ok(api.every((r) => r.path.includes(`client_id=${fake.clientId}`)), 'every api-v2 request carries the id');

      const scrapes = fake.scrapes();
      const second = sourceFor(fake, redis);
      tracksOf(await second.resolve(new URL(trackUrl(TRACK_MP3)), { signal: signal() }));
      assert.equal(fake.scrapes(), scrapes, 'the second instance used the shared id');
    });

    it('is scraped once by an instance however many requests want it at the same time', async () => {
      const scrapes = fake.scrapes();
      const fresh = sourceFor(fake, redis);
      const outcomes = await Promise.all([TRACK_HLS, TRACK_MP3, TRACK_TS].map((t) => fresh.resolve(new URL(trackUrl(t)), { signal: signal() })));
      for (const o of outcomes) tracksOf(o);
      assert.equal(fake.scrapes(), scrapes + 1);
    });

    it('is dropped and rediscovered once when it answers 401 (a rotation)', async () => {
      tracksOf(await source.resolve(new URL(trackUrl(TRACK_HLS)), { signal: signal() }));
      const scrapes = fake.scrapes();
      const { old, current } = fake.rotateClientId();
      const tracks = tracksOf(await source.resolve(new URL(trackUrl(TRACK_MP3)), { signal: signal() }));
      assert.equal(tracks[0]?.title, TRACK_MP3.title);
      assert.equal(fake.scrapes(), scrapes + 1);
      assert.equal(await redis.get(CLIENT_ID_KEY), current);
      assert.ok(fake.requests.some((r) => r.host === 'api-v2.soundcloud.com' && r.path.includes(`client_id=${old}`)), 'the old id was tried first');
      // Another instance still holding the old id in Redis's place finds the fresh one without scraping.
      const other = sourceFor(fake, redis);
      tracksOf(await other.resolve(new URL(trackUrl(TRACK_TS)), { signal: signal() }));
      assert.equal(fake.scrapes(), scrapes + 1);
    });

    it('fails with a reason when the rediscovered id is refused too, after one rediscovery', async () => {
      tracksOf(await source.resolve(new URL(trackUrl(TRACK_HLS)), { signal: signal() }));
      const scrapes = fake.scrapes();
      fake.rotateClientId({ scripts: 'stale' });
      try {
        const reason = reasonOf(await source.resolve(new URL(trackUrl(TRACK_MP3)), { signal: signal() }), 'failed');
        assert.match(reason, /client_id.*401/);
        assert.equal(fake.scrapes(), scrapes + 1, 'one rediscovery, not a loop');
      } finally {
        fake.rotateClientId();
      }
    });
  });

  describe('links', () => {
    it('owns soundcloud.com, m. and on. links, and nothing else', () => {
      for (const url of [trackUrl(TRACK_HLS), setUrl(SET_TONES), likesUrl(FAN_USER), `https://m.soundcloud.com/hiqty-tones/tone-440`, `https://on.soundcloud.com/${SHORT_CODE}`]) {
        assert.equal(source.matches(new URL(url)), true, url);
      }
      for (const url of ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'https://soundcloud.example/x', 'https://a-v2.sndcdn.com/assets/x.js']) {
        assert.equal(source.matches(new URL(url)), false, url);
      }
    });

    it('resolves a track with its metadata', async () => {
      const [track] = tracksOf(await source.resolve(new URL(trackUrl(TRACK_HLS)), { signal: signal() }));
      assert.deepEqual(
        { url: track?.url, title: track?.title, source: track?.source, sourceId: track?.sourceId, artist: track?.artist, durationMs: track?.durationMs },
        { url: trackUrl(TRACK_HLS), title: TRACK_HLS.title, source: 'soundcloud', sourceId: String(TRACK_HLS.id), artist: TONES_USER.username, durationMs: 4000 },
      );
      assert.match(track?.artworkUrl ?? '', /avatars-.*-t500x500\.jpg$/, 'no artwork: the uploader avatar, at 500 px');
      const [rick] = tracksOf(await source.resolve(new URL(trackUrl(TRACK_RICK)), { signal: signal() }));
      assert.equal(rick?.artist, 'Rick Astley', 'publisher_metadata.artist');
      assert.equal(rick?.isrc, 'GBARL9300135');
      assert.match(rick?.artworkUrl ?? '', /artworks-.*-t500x500\.jpg$/);
    });

    it('resolves m.soundcloud.com and on.soundcloud.com short links', async () => {
      const [mobile] = tracksOf(await source.resolve(new URL(`https://m.soundcloud.com/${TONES_USER.permalink}/${TRACK_HLS.slug}`), { signal: signal() }));
      assert.equal(mobile?.sourceId, String(TRACK_HLS.id));
      const before = fake.requests.length;
      const [short] = tracksOf(await source.resolve(new URL(`https://on.soundcloud.com/${SHORT_CODE}`), { signal: signal() }));
      assert.equal(short?.sourceId, String(TRACK_HLS.id));
      // The short link and the page it leads to are asked with HEAD: only where the redirects end matters.
      const followed = fake.requests.slice(before).filter((r) => r.host === 'on.soundcloud.com' || r.host === 'soundcloud.com');
      assert.deepEqual(followed.map((r) => `${r.method} ${r.host}`), ['HEAD on.soundcloud.com', 'HEAD soundcloud.com']);
      const gone = await source.resolve(new URL('https://on.soundcloud.com/nothing'), { signal: signal() });
      assert.equal(gone.kind, 'unavailable');
    });

    it('resolves a set in order, fetching stubs with /tracks?ids= and saying which entries cannot play', async () => {
      const outcome = await source.resolve(new URL(setUrl(SET_TONES)), { signal: signal() });
      assert.equal(outcome.kind, 'tracks');
      if (outcome.kind !== 'tracks') return;
      assert.deepEqual(outcome.tracks.map((t) => t.title), [TRACK_HLS.title, TRACK_MP3.title, TRACK_TS.title]);
      assert.deepEqual(outcome.playlist, { url: setUrl(SET_TONES), title: SET_TONES.title });
      assert.deepEqual(outcome.skipped, [{ title: TRACK_PREVIEW.title, reason: PREVIEW_REASON }]);
    });

    it('fetches a long set\'s stubs in batches of 50', async () => {
      const before = fake.requests.length;
      const tracks = tracksOf(await source.resolve(new URL(setUrl(BIG_SET)), { signal: signal() }));
      assert.equal(tracks.length, BIG_SET_SIZE);
      assert.deepEqual(tracks.map((t) => Number(t.sourceId)), Array.from({ length: BIG_SET_SIZE }, (_, i) => BIG_SET.firstTrackId + i), 'the set order, whatever order /tracks answered in');
      const batches = fake.requests.slice(before).filter((r) => r.host === 'api-v2.soundcloud.com' && r.path.startsWith('/tracks?'));
      assert.equal(batches.length, 2);
      for (const b of batches) assert.ok(decodeURIComponent(new URL(b.path, 'https://x').searchParams.get('ids') ?? '').split(',').length <= 50);
    });

    it('resolves a user\'s likes across pages, tracks only, with the unplayable ones skipped', async () => {
      const before = fake.requests.length;
      const outcome = await source.resolve(new URL(likesUrl(FAN_USER)), { signal: signal() });
      assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
      if (outcome.kind !== 'tracks') return;
      assert.deepEqual(outcome.tracks.map((t) => t.title), [TRACK_HLS.title, TRACK_RICK.title]);
      assert.deepEqual(outcome.skipped, [{ title: TRACK_DRM.title, reason: DRM_REASON }]);
      assert.equal(outcome.playlist?.url, likesUrl(FAN_USER));
      const pages = fake.requests.slice(before).filter((r) => r.path.startsWith(`/users/${FAN_USER.id}/likes`));
      assert.equal(pages.length, 2, 'next_href followed');
    });

    it('answers unavailable with the reason for a track that cannot play', async () => {
      const cases: [string, RegExp][] = [
        [trackUrl(TRACK_PREVIEW), new RegExp(PREVIEW_REASON)],
        [trackUrl(TRACK_DRM), new RegExp(DRM_REASON)],
        [trackUrl(TRACK_BLOCKED), new RegExp(BLOCKED_REASON.replace(/[()]/g, '.'))],
        [REMOVED_TRACK.url, /removed or is private/],
        [permalink(TONES_USER), /profile/],
        ['https://soundcloud.com/discover', /discover/],
      ];
      for (const [url, reason] of cases) {
        assert.match(reasonOf(await source.resolve(new URL(url), { signal: signal() }), 'unavailable'), reason, url);
      }
      assert.equal(PREVIEW_REASON, 'SoundCloud only offers a 30-second preview of this track');
    });
  });

  describe('search', () => {
    it('finds "never gonna give you up", playable results only', async () => {
      const outcome = await source.search?.(SEARCH_QUERY, { signal: signal(), limit: 5 });
      assert.equal(outcome?.kind, 'results');
      if (outcome?.kind !== 'results') return;
      assert.equal(outcome.tracks[0]?.title, TRACK_RICK.title);
      assert.equal(outcome.tracks[0]?.artist, 'Rick Astley');
      const request = fake.requests.filter((r) => r.path.startsWith('/search/tracks')).at(-1);
      assert.match(request?.path ?? '', /limit=5/);
      const tones = await source.search?.('tone', { signal: signal(), limit: 25 });
      assert.equal(tones?.kind, 'results');
      if (tones?.kind !== 'results') return;
      assert.ok(tones.tracks.length >= 3);
      assert.ok(!tones.tracks.some((t) => [TRACK_PREVIEW.title, TRACK_DRM.title, TRACK_BLOCKED.title].includes(t.title)), 'previews, DRM and blocked tracks are left out');
    });
  });

  describe('open', () => {
    const playable = (track: { readonly id: number; readonly slug: string; readonly user: typeof TONES_USER }): { url: string; source: string; sourceId: string } => ({
      url: permalink(track.user, track.slug),
      source: 'soundcloud',
      sourceId: String(track.id),
    });

    async function planOf(track: Parameters<typeof playable>[0]): Promise<StreamPlan> {
      const outcome = await source.open(playable(track), { attempt: 0, signal: signal() });
      assert.equal(outcome.kind, 'plan', JSON.stringify(outcome));
      if (outcome.kind !== 'plan') throw new Error('no plan');
      return outcome.plan;
    }

    it('plans HLS AAC: a media playlist with an EXT-X-MAP init segment and fMP4 segments', async () => {
      const before = fake.requests.length;
      const plan = await planOf(TRACK_HLS);
      assert.equal(plan.kind, 'hls');
      assert.equal(new URL(plan.url).hostname, HLS_AAC_HOST);
      const opened = fake.requests.slice(before).map((r) => r.path);
      assert.ok(opened.some((p) => p.startsWith(`/tracks/${TRACK_HLS.id}?`)), 'the track is fetched fresh');
      assert.ok(opened.some((p) => p.includes('/stream/hls?') && p.includes('track_authorization=')), 'the transcoding asked with track_authorization');
      const fetch = fetcherFor(fake);
      const playlist = (await bytesOf(await fetch(plan.url))).toString('utf8');
      const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)?.[1];
      assert.ok(init !== undefined, playlist);
      assert.equal((await bytesOf(await fetch(init))).subarray(4, 8).toString('latin1'), 'ftyp');
      const first = playlist.split('\n').find((l) => l !== '' && !l.startsWith('#'));
      if (first === undefined) throw new Error(playlist);
      assert.ok(first.startsWith(`https://${HLS_AAC_HOST}/`), 'absolute segment URLs on the real host');
      const segment = await bytesOf(await fetch(first));
      assert.ok(segment.includes(Buffer.from('moof')), 'an fMP4 fragment');
    });

    it('prefers progressive MP3 where offered: a file plan with the duration', async () => {
      const plan = await planOf(TRACK_MP3);
      assert.equal(plan.kind, 'file');
      if (plan.kind !== 'file') return;
      assert.equal(new URL(plan.url).hostname, PROGRESSIVE_HOST);
      assert.equal(plan.durationMs, 4000);
      const head = await bytesOf(await fetcherFor(fake)(plan.url, { rangeStart: 0, rangeEnd: 2 }));
      assert.ok(head.subarray(0, 3).toString('latin1') === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0), 'an MP3');
    });

    it('plans HLS with MPEG-TS segments', async () => {
      const plan = await planOf(TRACK_TS);
      assert.equal(plan.kind, 'hls');
      assert.equal(new URL(plan.url).hostname, HLS_MP3_HOST);
      const fetch = fetcherFor(fake);
      const playlist = (await bytesOf(await fetch(plan.url))).toString('utf8');
      const first = playlist.split('\n').find((l) => l !== '' && !l.startsWith('#'));
      assert.ok(first !== undefined);
      const segment = await bytesOf(await fetch(first));
      assert.equal(segment[0], 0x47, 'a TS sync byte');
    });

    it('opens a track known only by its link', async () => {
      const outcome = await source.open({ url: trackUrl(TRACK_HLS), source: 'soundcloud' }, { attempt: 0, signal: signal() });
      assert.equal(outcome.kind, 'plan');
    });

    it('answers unplayable with the reason for a preview, DRM, a removed track', async () => {
      assert.equal(reasonOf(await source.open(playable(TRACK_PREVIEW), { attempt: 0, signal: signal() }), 'unplayable'), PREVIEW_REASON);
      assert.equal(reasonOf(await source.open(playable(TRACK_DRM), { attempt: 0, signal: signal() }), 'unplayable'), DRM_REASON);
      const removed = { url: REMOVED_TRACK.url, source: 'soundcloud', sourceId: String(REMOVED_TRACK.id) };
      assert.match(reasonOf(await source.open(removed, { attempt: 0, signal: signal() }), 'unplayable'), /removed or is private/);
    });

    it('holds the address policy for a media URL the API points at a private address', async () => {
      const plan = await planOf(TRACK_ROGUE);
      assert.ok(plan.url.startsWith(fake.trap.origin));
      const outcome = await safeFetch(plan.url, { allow: fake.allow, overrides: overridesOf(fake) });
      assert.equal(outcome.kind, 'refused', JSON.stringify(outcome));
      assert.equal(fake.trap.requests.length, 0, 'nothing reached the private address');
    });

    it('answers cancelled when the signal fires', async () => {
      const controller = new AbortController();
      controller.abort();
      const outcome = await source.open(playable(TRACK_HLS), { attempt: 0, signal: controller.signal });
      assert.equal(outcome.kind, 'cancelled');
    });
  });

  describe('a misbehaving api-v2', () => {
    before(async () => {
      // The id is known before the API goes bad, so these are the API's failures, not discovery's.
      tracksOf(await sourceFor(fake, redis).resolve(new URL(trackUrl(TRACK_HLS)), { signal: new AbortController().signal }));
    });

    it('failing (503): every call fails with the status, nothing throws', async () => {
      fake.setApiMode('failing');
      assert.match(reasonOf(await source.resolve(new URL(trackUrl(TRACK_HLS)), { signal: signal() }), 'failed'), /HTTP 503/);
      assert.match(reasonOf(await source.search?.(SEARCH_QUERY, { signal: signal(), limit: 5 }) ?? { kind: 'none' }, 'failed'), /HTTP 503/);
      assert.match(reasonOf(await source.open({ url: trackUrl(TRACK_HLS), sourceId: String(TRACK_HLS.id) }, { attempt: 0, signal: signal() }), 'failed'), /HTTP 503/);
    });

    it('malformed JSON: a failure that says the answer was not understood', async () => {
      fake.setApiMode('malformed');
      assert.match(reasonOf(await source.resolve(new URL(setUrl(SET_TONES)), { signal: signal() }), 'failed'), /does not understand.*not JSON/);
      assert.match(reasonOf(await source.open({ url: trackUrl(TRACK_HLS), sourceId: String(TRACK_HLS.id) }, { attempt: 0, signal: signal() }), 'failed'), /does not understand/);
    });

    it('slow: the timeout turns into a failure with a reason', async () => {
      fake.setApiMode('slow');
      const quick = sourceFor(fake, redis, { timeoutMs: 300 });
      assert.match(reasonOf(await quick.resolve(new URL(trackUrl(TRACK_HLS)), { signal: signal() }), 'failed'), /did not answer within/);
      assert.match(reasonOf(await quick.search?.(SEARCH_QUERY, { signal: signal(), limit: 5 }) ?? { kind: 'none' }, 'failed'), /did not answer within/);
    });

    it('down: a refused connection is a failure with a reason', async () => {
      const gone = await startFake();
      await gone.stop();
      const dead = sourceFor(gone, redis);
      assert.match(reasonOf(await dead.resolve(new URL(trackUrl(TRACK_HLS)), { signal: signal() }), 'failed'), /ECONNREFUSED/);
    });
  });
});
