/**
 * The YouTube and YouTube Music sources against the local fake, through the real safeFetch with
 * HIQTY_SERVICE_ORIGINS: links, search, plans, each scripted failure, the client table, the shared
 * visitorData in Redis, and the address policy on the media URLs the API hands out.
 */
import assert from 'node:assert/strict';
import { safeFetch } from '../../src/media/safe-fetch';
import type { StreamPlan } from '../../src/media/plan';
import { FAKE_VISITOR_DATA, MISSING_PLAYLIST_ID, MIX, PLAYLISTS, VIDEOS, webmIndex, mp4Index, type FakeVideo, type YoutubeFake } from '../../src/sandbox/services/youtube';
import type { PlanOutcome } from '../../src/media/plan';
import type { ResolveOutcome, Source } from '../../src/sources/types';
import { youtubeMusicSource, youtubeSource, VISITOR_DATA_TOKEN } from '../../src/sources/youtube';
import { sourceTokenKey } from '../../src/state/source-tokens';
import { useRedis } from '../support/redis';
import { bytesOf, fetcherFor, mediaRequests, overridesOf, sessionFor, startFake } from './youtube-support';

const open = (source: Source, video: FakeVideo, attempt = 0): Promise<PlanOutcome> =>
  source.open({ url: `https://www.youtube.com/watch?v=${video.id}`, sourceId: video.id }, { attempt, signal: new AbortController().signal });

function planOf(outcome: PlanOutcome): StreamPlan {
  assert.equal(outcome.kind, 'plan', JSON.stringify(outcome));
  if (outcome.kind !== 'plan') throw new Error('unreachable');
  return outcome.plan;
}

function tracksOf(outcome: ResolveOutcome) {
  assert.equal(outcome.kind, 'tracks', JSON.stringify(outcome));
  if (outcome.kind !== 'tracks') throw new Error('unreachable');
  return outcome;
}

describe('YouTube sources against the fake', function () {
  this.timeout(60_000);
  const redisHolder = useRedis();
  let fake: YoutubeFake;
  let youtube: Source;
  let music: Source;

  before(async () => {
    fake = await startFake({ slowMs: 10_000 });
    const session = sessionFor(fake, redisHolder.current.client());
    youtube = youtubeSource(session);
    music = youtubeMusicSource(session);
  });
  after(async () => {
    await fake?.stop();
  });

  describe('links', () => {
    const id = VIDEOS.rickroll.id;
    for (const link of [`https://www.youtube.com/watch?v=${id}`, `https://youtu.be/${id}?t=42`, `https://www.youtube.com/shorts/${id}`, `https://m.youtube.com/watch?v=${id}&feature=share`]) {
      it(`resolves ${link} to the video, stored by its canonical URL`, async () => {
        assert.ok(youtube.matches(new URL(link)));
        const { tracks } = tracksOf(await youtube.resolve(new URL(link), {}));
        assert.deepEqual(tracks, [
          {
            url: `https://www.youtube.com/watch?v=${id}`,
            title: VIDEOS.rickroll.title,
            source: 'youtube',
            sourceId: id,
            artist: 'Rick Astley',
            durationMs: 8000,
            artworkUrl: `https://i.ytimg.com/vi/${id}/hqdefault.jpg`,
          },
        ]);
      });
    }

    it('leaves music.youtube.com to the YouTube Music source, which stores its own URL', async () => {
      const url = new URL(`https://music.youtube.com/watch?v=${VIDEOS.song.id}`);
      assert.equal(youtube.matches(url), false);
      assert.ok(music.matches(url));
      const { tracks } = tracksOf(await music.resolve(url, {}));
      assert.equal(tracks[0]?.url, `https://music.youtube.com/watch?v=${VIDEOS.song.id}`);
      assert.equal(tracks[0]?.source, 'youtube-music');
      assert.equal(tracks[0]?.artist, VIDEOS.song.artist);
    });

    it('does not claim links that are not videos, playlists or mixes', () => {
      for (const link of ['https://www.youtube.com/@someone', 'https://www.youtube.com/watch?v=short', 'https://example.com/watch?v=dQw4w9WgXcQ']) {
        assert.equal(youtube.matches(new URL(link)), false, link);
      }
    });

    it('reads a playlist through its continuation: all 105 entries, in order', async () => {
      const before = fake.requests.length;
      const outcome = tracksOf(await youtube.resolve(new URL(`https://www.youtube.com/playlist?list=${PLAYLISTS.long.id}`), {}));
      assert.equal(outcome.tracks.length, 105);
      assert.deepEqual(outcome.tracks.map((t) => t.sourceId), PLAYLISTS.long.videoIds);
      assert.deepEqual(outcome.playlist, { url: `https://www.youtube.com/playlist?list=${PLAYLISTS.long.id}`, title: PLAYLISTS.long.title });
      const browses = fake.requests.slice(before).filter((r) => r.path.startsWith('/youtubei/v1/browse'));
      assert.equal(browses.length, 2, 'the first page and one continuation');
    });

    it('reads a watch link with list= as the playlist from that video on', async () => {
      const outcome = tracksOf(await youtube.resolve(new URL(`https://www.youtube.com/watch?v=${VIDEOS.toneE.id}&list=${PLAYLISTS.tones.id}&index=2`), {}));
      assert.deepEqual(outcome.tracks.map((t) => t.sourceId), [VIDEOS.toneE.id, VIDEOS.toneG.id]);
    });

    it('reads a mix from the next panel', async () => {
      const outcome = tracksOf(await youtube.resolve(new URL(`https://www.youtube.com/watch?v=${MIX.seedVideoId}&list=${MIX.id}`), {}));
      assert.deepEqual(outcome.tracks.map((t) => t.sourceId), MIX.videoIds);
      assert.equal(outcome.playlist?.title, MIX.title);
    });

    it('says a playlist that does not exist is unavailable, in YouTube\'s words', async () => {
      const outcome = await youtube.resolve(new URL(`https://www.youtube.com/playlist?list=${MISSING_PLAYLIST_ID}`), {});
      assert.deepEqual(outcome, { kind: 'unavailable', reason: 'YouTube says: The playlist does not exist.' });
    });

    it('refuses a removed video at resolve time, before anything is queued', async () => {
      const outcome = await youtube.resolve(new URL(`https://youtu.be/${VIDEOS.removed.id}`), {});
      assert.equal(outcome.kind, 'unavailable');
      assert.match(outcome.kind === 'unavailable' ? outcome.reason : '', /removed/);
    });
  });

  describe('search', () => {
    it('YouTube: "never gonna give you up" finds the rickroll first', async () => {
      const outcome = await youtube.search?.('never gonna give you up', { limit: 5 });
      assert.equal(outcome?.kind, 'results', JSON.stringify(outcome));
      if (outcome?.kind !== 'results') return;
      assert.equal(outcome.tracks[0]?.sourceId, VIDEOS.rickroll.id);
      assert.equal(outcome.tracks[0]?.durationMs, 8000);
      assert.ok(outcome.tracks.every((t) => t.source === 'youtube'));
    });

    it('YouTube Music: songs only, with their artist and music URL', async () => {
      const outcome = await music.search?.('sine of the times', { limit: 5 });
      assert.equal(outcome?.kind, 'results', JSON.stringify(outcome));
      if (outcome?.kind !== 'results') return;
      assert.deepEqual(outcome.tracks.map((t) => [t.sourceId, t.artist, t.url, t.durationMs]), [[VIDEOS.song.id, VIDEOS.song.artist, `https://music.youtube.com/watch?v=${VIDEOS.song.id}`, 6000]]);
    });

    it('marks a live result live, without a duration', async () => {
      const outcome = await youtube.search?.('tone radio', { limit: 5 });
      assert.equal(outcome?.kind, 'results');
      if (outcome?.kind !== 'results') return;
      const live = outcome.tracks.find((t) => t.sourceId === VIDEOS.live.id);
      assert.equal(live?.live, true);
      assert.equal(live?.durationMs, undefined);
    });

    it('honours the limit', async () => {
      const outcome = await youtube.search?.('tone', { limit: 2 });
      assert.equal(outcome?.kind === 'results' ? outcome.tracks.length : -1, 2);
    });
  });

  describe('open', () => {
    it('plans itag 251: Opus in WebM, ranged with range= in the query, with its real init and index ranges', async () => {
      const plan = planOf(await open(youtube, VIDEOS.rickroll));
      assert.equal(plan.kind, 'ranged');
      if (plan.kind !== 'ranged') return;
      const url = new URL(plan.url);
      assert.equal(url.searchParams.get('itag'), '251');
      assert.equal(url.searchParams.get('c'), 'ANDROID_VR');
      assert.equal(plan.container, 'webm');
      assert.equal(plan.codec, 'opus');
      assert.equal(plan.rangeParam, true);
      assert.equal(plan.durationMs, 8000);
      assert.match(plan.headers?.['user-agent'] ?? '', /oculus/);
      const bytes = await bytesOf(await fetcherFor(fake)(plan.url));
      assert.equal(bytes.length, plan.contentLength);
      assert.deepEqual({ initRange: plan.initRange, indexRange: plan.indexRange }, webmIndex(bytes));
      // The index range really is the Cues element (EBML id 1C 53 BB 6B), and the init range ends with Tracks.
      assert.equal(bytes.subarray(plan.indexRange?.start ?? 0, (plan.indexRange?.start ?? 0) + 4).toString('hex'), '1c53bb6b');
      assert.equal(bytes.subarray(0, 4).toString('hex'), '1a45dfa3');
    });

    it('plans itag 140 (AAC in MP4, sidx-indexed) when there is no Opus', async () => {
      const plan = planOf(await open(youtube, VIDEOS.aacOnly));
      assert.equal(plan.kind, 'ranged');
      if (plan.kind !== 'ranged') return;
      assert.equal(new URL(plan.url).searchParams.get('itag'), '140');
      assert.equal(plan.container, 'mp4');
      assert.equal(plan.codec, 'mp4a.40.2');
      const bytes = await bytesOf(await fetcherFor(fake)(plan.url));
      assert.deepEqual({ initRange: plan.initRange, indexRange: plan.indexRange }, mp4Index(bytes));
      assert.equal(bytes.subarray((plan.indexRange?.start ?? 0) + 4, (plan.indexRange?.start ?? 0) + 8).toString('latin1'), 'sidx');
    });

    it('plans a live stream as live HLS, whose playlist answers', async () => {
      const plan = planOf(await open(youtube, VIDEOS.live));
      assert.equal(plan.kind, 'hls');
      assert.equal(plan.kind === 'hls' ? plan.live : undefined, true);
      const text = (await bytesOf(await fetcherFor(fake)(plan.url))).toString('utf8');
      assert.match(text, /#EXTM3U/);
      assert.doesNotMatch(text, /#EXT-X-ENDLIST/);
    });

    it('asks the next client of the table on attempt 1', async () => {
      const plan = planOf(await open(youtube, VIDEOS.rickroll, 1));
      assert.equal(new URL(plan.url).searchParams.get('c'), 'iOS');
      assert.match(plan.headers?.['user-agent'] ?? '', /com\.google\.ios\.youtube/);
    });

    it('fails cleanly once every client was tried', async () => {
      const outcome = await open(youtube, VIDEOS.rickroll, 3);
      assert.equal(outcome.kind, 'failed');
      assert.match(outcome.kind === 'failed' ? outcome.reason : '', /every YouTube client was tried \(ANDROID_VR, IOS, ANDROID\)/);
    });

    it('skips a client that got only signatureCipher formats, and plays from the next', async () => {
      const plan = planOf(await open(youtube, VIDEOS.cipherOnly));
      assert.equal(new URL(plan.url).searchParams.get('c'), 'iOS');
    });

    it('recovers an expired URL through the next client', async () => {
      const first = planOf(await open(youtube, VIDEOS.expiredUrl, 0));
      const refused = await fetcherFor(fake)(first.url);
      assert.deepEqual(refused, { kind: 'http-error', status: 403 });
      const second = planOf(await open(youtube, VIDEOS.expiredUrl, 1));
      assert.equal((await bytesOf(await fetcherFor(fake)(second.url))).length, second.kind === 'ranged' ? second.contentLength : -1);
    });

    const unplayable: Array<[string, FakeVideo, RegExp]> = [
      ['LOGIN_REQUIRED (an age gate)', VIDEOS.loginRequired, /age-restricted.*signed-in account/],
      ['UNPLAYABLE', VIDEOS.unplayable, /will not play this video here.*disabled by the video owner/],
      ['a geo-block', VIDEOS.geoBlocked, /not available in the bot's country/],
      ['ERROR (removed)', VIDEOS.removed, /unavailable: removed, private/],
      ['LIVE_STREAM_OFFLINE', VIDEOS.liveOffline, /not live now/],
    ];
    for (const [what, video, reason] of unplayable) {
      it(`answers ${what} as unplayable with a friendly reason`, async () => {
        const outcome = await open(youtube, video);
        assert.equal(outcome.kind, 'unplayable', JSON.stringify(outcome));
        assert.match(outcome.kind === 'unplayable' ? outcome.reason : '', reason);
      });
    }

    const failed: Array<[string, FakeVideo, RegExp]> = [
      ['HTTP 500', VIDEOS.failing, /YouTube answered with HTTP 500/],
      ['malformed JSON', VIDEOS.malformed, /malformed JSON/],
      ['a slow answer', VIDEOS.slow, /could not reach YouTube: .* did not answer within 1 s/],
    ];
    for (const [what, video, reason] of failed) {
      it(`answers ${what} as failed, never a throw`, async () => {
        // A short headers timeout for this instance only: the fake holds a slow answer for 10 s.
        const impatient = youtubeSource(sessionFor(fake, redisHolder.current.client(), { headersTimeoutMs: 1000 }));
        const outcome = await open(impatient, video);
        assert.equal(outcome.kind, 'failed', JSON.stringify(outcome));
        assert.match(outcome.kind === 'failed' ? outcome.reason : '', reason);
      });
    }

    it('answers the whole service down as failed, for search and resolve too', async () => {
      fake.setTrouble('down');
      try {
        assert.deepEqual(await youtube.search?.('tone', { limit: 5 }), { kind: 'failed', reason: 'YouTube answered with HTTP 503' });
        assert.deepEqual(await youtube.resolve(new URL(`https://youtu.be/${VIDEOS.song.id}`), {}), { kind: 'failed', reason: 'YouTube answered with HTTP 503' });
        fake.setTrouble('malformed');
        assert.deepEqual(await music.search?.('tone', { limit: 5 }), { kind: 'failed', reason: 'YouTube answered with malformed JSON' });
        fake.setTrouble('slow');
        const impatient = youtubeSource(sessionFor(fake, redisHolder.current.client(), { headersTimeoutMs: 500 }));
        const slow = await impatient.resolve(new URL(`https://www.youtube.com/playlist?list=${PLAYLISTS.tones.id}`), {});
        assert.equal(slow.kind, 'failed');
        assert.match(slow.kind === 'failed' ? slow.reason : '', /did not answer within 500 ms/);
      } finally {
        fake.setTrouble(undefined);
      }
    });

    it('is cancelled by its signal, while the service holds the answer', async () => {
      const controller = new AbortController();
      const pending = youtube.open({ url: 'x', sourceId: VIDEOS.slow.id }, { attempt: 0, signal: controller.signal });
      controller.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
    });

    it('refuses a track that is not a YouTube video', async () => {
      assert.deepEqual(await youtube.open({ url: 'https://example.com/a.mp3' }, { attempt: 0, signal: new AbortController().signal }), {
        kind: 'unplayable',
        reason: 'this is not a YouTube video link',
      });
    });
  });

  describe('the address policy', () => {
    it('refuses a media URL the API hands out on a private address no override covers', async () => {
      const plan = planOf(await open(youtube, VIDEOS.privateHost));
      assert.equal(new URL(plan.url).hostname, '169.254.169.254');
      const fetched = await safeFetch(plan.url, { allow: fake.allow, overrides: overridesOf(fake) });
      assert.equal(fetched.kind, 'refused');
    });

    it('refuses the fake itself when it is not on the allow list, for the API calls too', async () => {
      const session = sessionFor(fake, redisHolder.current.client(), { fetcher: (url, o = {}) => safeFetch(url, { ...o, allow: [], overrides: overridesOf(fake) }) });
      const outcome = await youtubeSource(session).search?.('tone', { limit: 5 });
      assert.equal(outcome?.kind, 'failed');
      assert.match(outcome?.kind === 'failed' ? outcome.reason : '', /could not reach YouTube: .*(loopback|private|not allowed)/i);
    });
  });

  describe('visitorData', () => {
    it('keeps the visitorData YouTube hands back in Redis, and a new instance starts with it', async () => {
      const redis = redisHolder.current.client();
      await redis.del(sourceTokenKey(VISITOR_DATA_TOKEN));
      const first = youtubeSource(sessionFor(fake, redis));
      planOf(await open(first, VIDEOS.rickroll));
      assert.equal(await redis.get(sourceTokenKey(VISITOR_DATA_TOKEN)), FAKE_VISITOR_DATA);
      const ttl = await redis.pttl(sourceTokenKey(VISITOR_DATA_TOKEN));
      assert.ok(ttl > 0 && ttl <= 6 * 3600 * 1000, `ttl ${ttl}`);

      // Another instance: its session starts with the shared visitor.
      const session = sessionFor(fake, redis);
      const innertube = await session.innertube();
      assert.equal(innertube.session.context.client.visitorData, FAKE_VISITOR_DATA);
    });

    it('keeps an operator-pinned visitorData, and does not store YouTube\'s over it', async () => {
      const redis = redisHolder.current.client();
      await redis.del(sourceTokenKey(VISITOR_DATA_TOKEN));
      const session = sessionFor(fake, redis, { visitorData: 'CgtwaW5uZWQtdmlzaXRvcg%3D%3D' });
      planOf(await open(youtubeSource(session), VIDEOS.rickroll));
      assert.equal(await redis.get(sourceTokenKey(VISITOR_DATA_TOKEN)), null);
      assert.equal((await session.innertube()).session.context.client.visitorData, 'CgtwaW5uZWQtdmlzaXRvcg%3D%3D');
    });

    it('puts the PO token on the media URLs of the clients that need one, and only those', async () => {
      const session = sessionFor(fake, redisHolder.current.client(), { poToken: 'MnhiqtyPoToken' });
      const ios = planOf(await open(youtubeSource(session), VIDEOS.rickroll, 1));
      assert.equal(new URL(ios.url).searchParams.get('pot'), 'MnhiqtyPoToken');
      const vr = planOf(await open(youtubeSource(session), VIDEOS.rickroll, 0));
      assert.equal(new URL(vr.url).searchParams.get('pot'), null);
    });
  });

  describe('the fake', () => {
    it('recorded every request it served, with the host it was meant for', () => {
      const hosts = new Set(fake.requests.map((r) => r.host));
      assert.ok(hosts.has('www.youtube.com'));
      assert.ok(hosts.has('rr1---sn-hiqty.googlevideo.com'));
      assert.ok(hosts.has('manifest.googlevideo.com'));
      assert.ok(mediaRequests(fake, VIDEOS.rickroll.id).length > 0);
    });
  });
});
