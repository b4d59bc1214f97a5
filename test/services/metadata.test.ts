/**
 * Issue 15, end to end: Spotify, Apple Music and Deezer links (metadata only) play through the mirror.
 * Each song is found on YouTube or SoundCloud (HIQTY_FALLBACK_SOURCES) by ISRC, or by title and artist
 * within the length tolerance, and the sandbox hears the mirrors' tones in the queue's order. The queue
 * keeps the original metadata; the now-playing message names the source that plays it. The real bot, the
 * fakes of all five services.
 */
import { strict as assert } from 'node:assert';
import { albumUrl, WAVEFORMS } from '../../src/sandbox/services/apple-music';
import { deezerUrl, RICKROLL } from '../../src/sandbox/services/deezer';
import { TRACK_SAWTOOTH } from '../../src/sandbox/services/soundcloud';
import { MIRROR_PLAYLIST, spotifyUrl } from '../../src/sandbox/services/spotify';
import { VIDEOS } from '../../src/sandbox/services/youtube';
import { sourceCacheKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { BOT_ENV, ServiceScene } from './support';

describe('services: Spotify, Apple Music and Deezer links play through the mirror', function () {
  this.timeout(120_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;

  /** The mirror's cached verdict for a song on a source: how it was found, or `none`. */
  async function mirrored(source: string, songKey: string): Promise<string> {
    const raw = await stage.db.get(sourceCacheKey('resolve', `mirror-${source}`, songKey));
    if (raw === null) return 'not asked';
    const entry: unknown = JSON.parse(raw);
    return typeof entry === 'object' && entry !== null && 'found' in entry && entry.found === true && 'by' in entry ? String(entry.by) : 'none';
  }

  /**
   * Hears the tones in order, skipping each track once its tone was heard for 600 ms (the order and each
   * mirror are what is tested, not the songs' whole length).
   */
  async function heardInOrder(mark: number, tones: readonly number[]): Promise<void> {
    for (let i = 0; i < tones.length; i++) {
      await scene.heardWindows(mark, tones.slice(0, i + 1), 30_000);
      if (i < tones.length - 1) await scene.skip();
    }
  }

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    await stage.startBot({ ...BOT_ENV, HIQTY_SPOTIFY_CLIENT_ID: stage.services.spotify.clientId, HIQTY_SPOTIFY_CLIENT_SECRET: stage.services.spotify.clientSecret });
  });
  after(() => stage.stop());
  beforeEach(() => scene.reset());
  Stage.dumpOnFailure(() => stage);

  it('a Spotify playlist of 5: four songs found by ISRC (one on SoundCloud), the one without by title, the long loop of the same title passed over', async () => {
    await stage.db.set(scene.keys.text_channel, scene.textChannel);
    const mark = scene.mark();
    const view = await scene.play(spotifyUrl('playlist', MIRROR_PLAYLIST.id));
    assert.match(view.content, /Queued \*\*5\*\* tracks|5 tracks/, view.content);
    const queue = await scene.queue();
    assert.deepEqual(queue.map((t) => t.source), ['spotify', 'spotify', 'spotify', 'spotify', 'spotify'], 'the queue keeps the original source');
    assert.deepEqual(queue.map((t) => t.title), ['Never Gonna Give You Up', 'Sine of the Times', 'Square Dance', 'Sawtooth Sunrise', 'Mains Hum']);
    await heardInOrder(mark, [VIDEOS.rickroll.hz, VIDEOS.song.hz, VIDEOS.squareDance.hz, TRACK_SAWTOOTH.hz, VIDEOS.mainsHum.hz]);
    const heard = stage.sandbox.voiceStats(scene.guildId, { flush: false }).windows.filter((w) => w.startMs >= mark && w.hz !== undefined && Math.abs(w.hz - VIDEOS.mainsHumLoop.hz) <= 4);
    assert.deepEqual(heard, [], 'the 30-second loop was never played');
    assert.equal(await mirrored('youtube', 'isrc:GBARL9300135'), 'isrc');
    assert.equal(await mirrored('youtube', 'isrc:QZHQT2500002'), 'isrc');
    assert.equal(await mirrored('soundcloud', 'isrc:QZHQT2500003'), 'isrc', 'not on YouTube: found on SoundCloud, its ISRC confirming it');
    assert.equal(await mirrored('youtube', 'title:mains hum|the grounded|5'), 'title');
    await waitFor('a now-playing message naming the source that played', () => scene.channelMessages(/Requested by .* · Spotify, played from (YouTube|SoundCloud)/).length > 0 || undefined);
    assert.deepEqual(await scene.quarantine(), []);
  });

  it('an Apple Music album plays its three songs in order', async () => {
    const mark = scene.mark();
    const view = await scene.play(albumUrl(WAVEFORMS));
    assert.equal(view.ephemeral, false, view.content);
    assert.deepEqual((await scene.queue()).map((t) => t.source), ['apple-music', 'apple-music', 'apple-music']);
    await heardInOrder(mark, [VIDEOS.song.hz, VIDEOS.squareDance.hz, TRACK_SAWTOOTH.hz]);
  });

  it('a Deezer track plays', async () => {
    const mark = scene.mark();
    const view = await scene.play(deezerUrl('track', RICKROLL.id));
    assert.equal(view.ephemeral, false, view.content);
    assert.equal((await scene.queue())[0]?.source, 'deezer');
    await scene.heardWindows(mark, [VIDEOS.rickroll.hz], 30_000);
  });
});
