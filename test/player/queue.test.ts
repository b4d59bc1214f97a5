import { strict as assert } from 'node:assert';
import { useRedis } from '../support/redis';
import { gapsInsideSegments, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

describe('player: playing the queue from desired state in Redis', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let stage: Stage;
  before(async () => {
    stage = await Stage.start(redis.current);
    await stage.startBot();
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('plays three tracks written straight into Redis in order, each complete, one after another', async () => {
    const urls = [await stage.tone(440, 2000), await stage.tone(550, 2000), await stage.tone(660, 2000)];
    await stage.play(urls);
    const segments = await stage.heard([440, 550, 660], 20_000);
    // Let the last track finish before judging its length.
    await waitFor('the queue to empty', async () => (await stage.db.llen(`hiqty:server:${stage.guild.id}:playlist`)) === 0, { timeoutMs: 10_000 });
    const stats = stage.sandbox.voiceStats(stage.guild.id, { flush: true });
    const final = segments.map((s) => stats.segments.find((t) => t.startMs === s.startMs && t.sessionId === s.sessionId) ?? s);
    for (const segment of final) {
      assert.ok(Math.abs(segment.frames - 100) <= 2, `a 2 s track should be 100 ± 2 frames, got ${segment.frames} at ${Math.round(segment.hz)} Hz`);
    }
    // Gaps between and inside tracks depend on the machine's load: `make bench` measures them (late frames).
    const gaps: number[] = [];
    for (let i = 1; i < final.length; i++) {
      const gap = (final[i]?.startMs ?? 0) - (final[i - 1]?.endMs ?? 0);
      assert.ok((final[i]?.startMs ?? 0) > (final[i - 1]?.startMs ?? 0), `track ${i + 1} started before track ${i}`);
      gaps.push(Math.round(gap));
    }
    assert.equal(stats.overlap, 0);
    console.log(`      gaps between tracks: ${gaps.join(', ')} ms; gaps over 60 ms inside tracks: ${gapsInsideSegments(stats).length}`);
  });
});
