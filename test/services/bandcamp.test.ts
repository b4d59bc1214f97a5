/**
 * Issue 15, Bandcamp end to end: /play with an album link and with `bc:` words, through the real bot (a
 * hiqty child process), the sandbox's Discord, Redis, ffmpeg and the Bandcamp fake. Each track is a tone
 * of its own, so what is heard tells the tracks and their order apart.
 */
import { strict as assert } from 'node:assert';
import { ALBUM_PARTIALS, LONE_OSCILLATOR, albumUrl, bandcampToneOf } from '../../src/sandbox/services/bandcamp';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { BOT_ENV, ServiceScene } from './support';

describe('services: a Bandcamp album and a Bandcamp search, heard through the real bot', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    await stage.startBot(BOT_ENV);
  });
  after(() => stage.stop());
  beforeEach(() => scene.reset());
  Stage.dumpOnFailure(() => stage);

  it("an album queues what Bandcamp streams, in order, naming the track it sells only; bc: words queue a single; the tones play in that order", async () => {
    const mark = scene.mark();
    const album = await scene.play(albumUrl(ALBUM_PARTIALS));
    assert.equal(album.ephemeral, false, album.content);
    assert.match(album.content, /Queued \*\*2 tracks\*\* from \*\*Partials & Overtones\*\*/);
    assert.match(album.content, /Left out one entry that cannot play: \*\*Second Partial \(Buyer's Cut\)\*\* \(Bandcamp streams only part of this album; this track needs a purchase\)/);
    const single = await scene.play('bc:lone oscillator');
    assert.equal(single.ephemeral, false, single.content);
    assert.match(single.content, /Queued \*\*Lone Oscillator\*\* — Square Waves/);

    const queue = await scene.queue();
    assert.deepEqual(
      queue.map((t) => [t.source, bandcampToneOf(t.sourceId)]),
      [
        ['bandcamp', 1310],
        ['bandcamp', 1650],
        ['bandcamp', LONE_OSCILLATOR.hz],
      ],
    );
    const tones = queue.map((t) => bandcampToneOf(t.sourceId) ?? 0);
    // Each track is heard for half a second, then skipped: the order is the point, not the whole of each.
    for (let i = 0; i < tones.length; i++) {
      await scene.heardAfter(mark, tones.slice(0, i + 1), 30_000, 25);
      if (i < tones.length - 1) assert.match((await scene.skip()).content, /Skipped/);
    }
  });
});
