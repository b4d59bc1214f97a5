import { strict as assert } from 'node:assert';
import { demoGuilds, shardOf } from '../../src/sandbox';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';

describe('player: shards and load', function () {
  this.timeout(120_000);
  const redis = useRedis();
  let stage: Stage | undefined;
  afterEach(async () => {
    await stage?.stop();
    stage = undefined;
    await redis.current.client().flushall();
  });
  Stage.dumpOnFailure(() => stage);

  it('with the gateway reporting 2 shards, guilds on both shards play', async () => {
    const guilds = demoGuilds(2);
    assert.deepEqual(guilds.map((g) => shardOf(g.id, 2)).sort(), [0, 1], 'the two guilds sit on different shards');
    stage = await Stage.start(redis.current, { sandbox: { shards: 2, guilds } });
    await stage.startBot();
    assert.equal(stage.sandbox.sessions().length, 2, 'the instance connected both shards');
    const url = await stage.tone(440, 2000);
    for (const guild of guilds) await stage.play([url], guild);
    for (const guild of guilds) await stage.heard([440], 15_000, guild);
  });

  it('50 guilds playing at once on one instance, all passthrough: no gap over 60 ms in any guild', async () => {
    const guilds = demoGuilds(50);
    // Counting and timing cover every packet; decoding one window in five keeps the sandbox light.
    stage = await Stage.start(redis.current, { sandbox: { guilds, monitor: { decodeEvery: { windowsOutOf: 5 } } } });
    const bot = await stage.startBot();
    const url = await stage.tone(440, 6000);
    const current = stage;
    // Guilds join one after another, each once the previous one is heard, so that all 50 then play at
    // once for several seconds. (Starting all 50 in the same instant is the failover herd: see README.)
    for (const guild of guilds) {
      await current.play([url], guild);
      await waitFor(`guild ${guild.id} to be heard`, () => current.sandbox.voiceStats(guild.id, { flush: false }).frames > 0, { timeoutMs: 10_000 });
    }
    const lastStartedAt = performance.now();
    await waitFor(
      'every guild to finish its track',
      () => guilds.every((g) => current.sandbox.voiceStats(g.id, { flush: false }).frames >= 295),
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    // One track per guild, so any gap between audio frames is a gap inside the track.
    const problems: string[] = [];
    for (const guild of guilds) {
      const stats = current.sandbox.voiceStats(guild.id);
      if (stats.gaps.length > 0) problems.push(`${guild.id}: gaps of ${stats.gaps.map((g) => Math.round(g.ms)).join(', ')} ms`);
      if (Math.abs(stats.frames - 300) > 6) problems.push(`${guild.id}: ${stats.frames} of 300 frames`);
      if (stats.overlap > 0) problems.push(`${guild.id}: overlap ${stats.overlap}`);
    }
    assert.deepEqual(problems, [], 'every guild played without a gap over 60 ms');
    const firstEnd = Math.min(...guilds.map((g) => current.sandbox.voiceStats(g.id, { flush: false }).lastPacketAtMs ?? 0));
    assert.ok(firstEnd - lastStartedAt > 2000, `all 50 played at once for ${Math.round(firstEnd - lastStartedAt)} ms`);
    assert.deepEqual(bot.ffmpegs(), []);
  });
});
