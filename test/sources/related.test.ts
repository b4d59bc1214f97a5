/**
 * Related tracks for autoplay against the YouTube and SoundCloud fakes, through the real safeFetch with
 * HIQTY_SERVICE_ORIGINS: YouTube's radio mix (InnerTube `next` with playlistId RD<videoId>), SoundCloud's
 * /tracks/{id}/related, and the service layer's finder (src/sources/related.ts): the track's own source,
 * else the mirror's match elsewhere, else a search for the artist; its answers shared through the Redis cache.
 */
import assert from 'node:assert/strict';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { SONGS, artistLine } from '../../src/sandbox/services/catalog';
import { relatedTracks, TRACK_HLS, TRACK_PREVIEW, TRACK_DRM, TRACK_BLOCKED, type SoundcloudFake } from '../../src/sandbox/services/soundcloud';
import { relatedVideos, VIDEOS, type YoutubeFake } from '../../src/sandbox/services/youtube';
import { SourceBreaker } from '../../src/sources/breaker';
import { songMirror } from '../../src/sources/mirror';
import { SourceRegistry } from '../../src/sources/registry';
import { relatedFinder, type RelatedFinder } from '../../src/sources/related';
import type { SearchOutcome, Source, SourceTrack } from '../../src/sources/types';
import { youtubeMusicSource, youtubeSource } from '../../src/sources/youtube';
import { redisSourceCache } from '../../src/state/source-cache';
import { useRedis } from '../support/redis';
import { sourceFor, startFake as startSoundcloud } from './soundcloud-support';
import { sessionFor, startFake as startYoutube } from './youtube-support';

const signal = (): AbortSignal => new AbortController().signal;

function tracksOf(outcome: SearchOutcome | undefined): readonly SourceTrack[] {
  assert.equal(outcome?.kind, 'results', JSON.stringify(outcome));
  if (outcome?.kind !== 'results') throw new Error('unreachable');
  return outcome.tracks;
}

describe('related tracks (autoplay) against the fakes', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let yt: YoutubeFake;
  let sc: SoundcloudFake;
  let youtube: Source;
  let music: Source;
  let soundcloud: Source;

  before(async () => {
    [yt, sc] = await Promise.all([startYoutube(), startSoundcloud()]);
    const session = sessionFor(yt, redis.current.client());
    youtube = youtubeSource(session);
    music = youtubeMusicSource(session);
    soundcloud = sourceFor(sc, redis.current.client());
  });
  after(async () => {
    await Promise.all([yt?.stop(), sc?.stop()]);
  });

  const nextRequests = (): number => yt.requests.filter((r) => r.path.startsWith('/youtubei/v1/next')).length;

  describe('YouTube: the radio mix', () => {
    it("lists the mix of a video in YouTube's order, the video itself left out", async () => {
      const before = nextRequests();
      const tracks = tracksOf(await youtube.related?.({ url: `https://www.youtube.com/watch?v=${VIDEOS.toneC.id}`, sourceId: VIDEOS.toneC.id }, { signal: signal(), limit: 25 }));
      assert.equal(nextRequests(), before + 1, 'one InnerTube next call');
      const expected = relatedVideos(VIDEOS.toneC.id).slice(0, 25);
      assert.deepEqual(
        tracks.map((t) => t.sourceId),
        expected.map((v) => v.id),
      );
      assert.ok(!tracks.some((t) => t.sourceId === VIDEOS.toneC.id), 'not the seed');
      const first = tracks[0];
      const video = expected[0];
      assert.ok(video !== undefined);
      assert.deepEqual({ url: first?.url, title: first?.title, source: first?.source, artist: first?.artist, durationMs: first?.durationMs }, {
        url: `https://www.youtube.com/watch?v=${video.id}`,
        title: video.title,
        source: 'youtube',
        artist: video.artist,
        durationMs: video.durationMs,
      });
    });

    it('takes a limit, and a video given only by its link', async () => {
      const tracks = tracksOf(await youtube.related?.({ url: `https://youtu.be/${VIDEOS.toneE.id}` }, { signal: signal(), limit: 2 }));
      assert.deepEqual(
        tracks.map((t) => t.sourceId),
        relatedVideos(VIDEOS.toneE.id)
          .slice(0, 2)
          .map((v) => v.id),
      );
    });

    it('YouTube Music: the same mix as music.youtube.com tracks', async () => {
      const tracks = tracksOf(await music.related?.({ url: `https://music.youtube.com/watch?v=${VIDEOS.song.id}`, sourceId: VIDEOS.song.id, source: 'youtube-music' }, { signal: signal(), limit: 3 }));
      assert.equal(tracks.length, 3);
      assert.ok(tracks.every((t) => t.source === 'youtube-music' && t.url.startsWith('https://music.youtube.com/watch?v=')));
    });

    it('no mix (a live stream): the "up next" column of the watch page', async () => {
      const tracks = tracksOf(await youtube.related?.({ url: `https://www.youtube.com/watch?v=${VIDEOS.live.id}`, sourceId: VIDEOS.live.id }, { signal: signal(), limit: 25 }));
      const expected = relatedVideos(VIDEOS.live.id);
      assert.deepEqual(
        tracks.map((t) => t.sourceId),
        expected.map((v) => v.id),
      );
      const first = expected[0];
      assert.ok(first !== undefined);
      assert.deepEqual(
        { url: tracks[0]?.url, title: tracks[0]?.title, artist: tracks[0]?.artist, durationMs: tracks[0]?.durationMs },
        { url: `https://www.youtube.com/watch?v=${first.id}`, title: first.title, artist: first.artist, durationMs: first.durationMs },
      );
    });

    it('YouTube down: a failure with its reason, never a throw', async () => {
      yt.setTrouble('down');
      try {
        const outcome = await youtube.related?.({ url: `https://www.youtube.com/watch?v=${VIDEOS.toneG.id}`, sourceId: VIDEOS.toneG.id }, { signal: signal(), limit: 5 });
        assert.equal(outcome?.kind, 'failed');
        assert.match(outcome?.kind === 'failed' ? outcome.reason : '', /503/);
      } finally {
        yt.setTrouble(undefined);
      }
    });
  });

  describe('SoundCloud: /tracks/{id}/related', () => {
    it('lists the related tracks with the client_id, the unplayable ones (preview, DRM, blocked) and the track itself left out', async () => {
      const tracks = tracksOf(await soundcloud.related?.({ url: `https://soundcloud.com/hiqty-tones/tone-440`, sourceId: String(TRACK_HLS.id) }, { signal: signal(), limit: 10 }));
      const request = sc.requests.filter((r) => /^\/tracks\/\d+\/related/.test(r.path)).at(-1);
      assert.ok(request !== undefined, 'the related endpoint was asked');
      const query = new URL(request.path, 'https://x').searchParams;
      assert.equal(new URL(request.path, 'https://x').pathname, `/tracks/${TRACK_HLS.id}/related`);
      assert.ok((query.get('client_id') ?? '') !== '', 'with the client_id');
      const unplayable = new Set([TRACK_PREVIEW.id, TRACK_DRM.id, TRACK_BLOCKED.id].map(String));
      assert.deepEqual(
        tracks.map((t) => t.sourceId),
        relatedTracks(TRACK_HLS)
          .map((t) => String(t.id))
          .filter((id) => !unplayable.has(id)),
      );
      assert.ok(tracks.every((t) => t.source === 'soundcloud' && t.url.startsWith('https://soundcloud.com/')));
    });

    it('a track SoundCloud does not know: no related tracks', async () => {
      assert.deepEqual(tracksOf(await soundcloud.related?.({ url: 'https://soundcloud.com/x/y', sourceId: '200099' }, { signal: signal(), limit: 10 })), []);
    });
  });

  describe('the finder of the service layer', () => {
    let find: RelatedFinder;
    let breaker: SourceBreaker;

    beforeEach(async () => {
      await redis.current.client().flushall();
      const registry = new SourceRegistry([youtube, music, soundcloud]);
      breaker = new SourceBreaker(systemClock);
      const cache = redisSourceCache(redis.current.client(), 'resolve', 60_000);
      find = relatedFinder({ registry, mirror: songMirror({ registry, cache, breaker, log: silentLogger }), breaker, order: ['youtube', 'soundcloud'], cache, log: silentLogger });
    });

    it("a YouTube track: its own mix, kept in Redis for the fleet (asked of YouTube once)", async () => {
      const track = { url: `https://www.youtube.com/watch?v=${VIDEOS.toneC.id}`, source: 'youtube', sourceId: VIDEOS.toneC.id, title: VIDEOS.toneC.title };
      const before = nextRequests();
      const first = await find(track, signal());
      assert.equal(first.kind, 'found');
      assert.deepEqual(first.kind === 'found' ? [first.how, first.from, first.tracks[0]?.sourceId] : [], ['own', 'youtube', relatedVideos(VIDEOS.toneC.id)[0]?.id]);
      const second = await find(track, signal());
      assert.deepEqual(second, first);
      assert.equal(nextRequests(), before + 1, 'the second answer came from the cache');
    });

    it('a Spotify track: the mirror finds the song on YouTube (by title, artist and length), and its mix is taken', async () => {
      const song = SONGS.mainsHum;
      const outcome = await find({ url: 'https://open.spotify.com/track/x', source: 'spotify', title: song.title, artist: artistLine(song), durationMs: song.durationMs }, signal());
      assert.equal(outcome.kind, 'found', JSON.stringify(outcome));
      if (outcome.kind !== 'found') return;
      assert.equal(outcome.how, 'mirror');
      assert.equal(outcome.from, 'youtube');
      assert.deepEqual(
        outcome.tracks.map((t) => t.sourceId),
        relatedVideos(VIDEOS.mainsHum.id).map((v) => v.id),
        'the mix of the matched video (not of the hour-long loop the search lists first)',
      );
    });

    it('a track no source relates to and no mirror matches (no length): a search for its artist', async () => {
      const outcome = await find({ url: 'https://someone.bandcamp.com/track/a-song', source: 'bandcamp', title: 'A song nobody else has', artist: 'hiqty tones' }, signal());
      assert.equal(outcome.kind, 'found', JSON.stringify(outcome));
      if (outcome.kind !== 'found') return;
      assert.equal(outcome.how, 'search');
      assert.ok(outcome.tracks.length > 0 && outcome.tracks.every((t) => t.artist === 'hiqty tones'), JSON.stringify(outcome.tracks.map((t) => t.artist)));
    });

    it("YouTube failing: counted by the shared breaker, and the song's match on SoundCloud gives SoundCloud's related tracks", async () => {
      yt.setTrouble('down');
      try {
        const outcome = await find({ url: `https://www.youtube.com/watch?v=${VIDEOS.rickroll.id}`, source: 'youtube', sourceId: VIDEOS.rickroll.id, title: 'Never Gonna Give You Up', artist: 'Rick Astley', durationMs: VIDEOS.rickroll.durationMs }, signal());
        assert.equal(outcome.kind, 'found', JSON.stringify(outcome));
        assert.deepEqual(outcome.kind === 'found' ? [outcome.how, outcome.from] : [], ['mirror', 'soundcloud']);
        assert.ok(breaker.health().some((h) => h.source === 'youtube' && h.failureRate > 0), JSON.stringify(breaker.health()));
      } finally {
        yt.setTrouble(undefined);
      }
    });
  });
});
