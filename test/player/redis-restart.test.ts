/**
 * A primary restarted without persistence (README, "Redis failover"): every key is gone, the locks too.
 * The holder's next renewal finds no lock and it stops; nobody plays a guild whose desired state is gone;
 * when a member plays again, one instance takes the guild and keeps it: no ping-pong, no rejoin by the old
 * holder behind the new one's back.
 */
import { strict as assert } from 'node:assert';
import { guildKeys } from '../../src/state';
import { startPrimaryReplica, type PrimaryReplica } from '../support/redis-topology';
import type { TestRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

const TTL_MS = 3000;

describe('player: a Redis primary restarted without persistence', function () {
  this.timeout(120_000);
  let topology: PrimaryReplica | undefined;
  let stage: Stage | undefined;
  Stage.dumpOnFailure(() => stage);
  after(async () => {
    await stage?.stop();
    await topology?.stop();
  });

  it('the holder stops at its next renewal; a new play is taken by one instance and stays there', async () => {
    const t = await startPrimaryReplica({ persistence: false });
    topology = t;
    const redis: TestRedis = {
      url: `redis://${t.primary.address}`,
      port: t.primary.port,
      kind: 'process',
      client: () => t.client(t.primary, { maxRetriesPerRequest: 20 }),
      stop: () => Promise.reject(new Error('not used')),
      start: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
    };
    stage = await Stage.start(redis, { env: { HIQTY_LOCK_TTL_MS: String(TTL_MS) } });
    const s = stage;
    await Promise.all([s.startBot(), s.startBot()]);
    await s.play([await s.tone(440, 20_000)]);
    await waitFor('a second of audio', () => framesOf(s.segments(), 440) >= 50, { timeoutMs: 20_000 });
    const holder = await s.owner();

    // The primary comes back at once with nothing: its replica resyncs to the empty data set.
    await t.kill(t.primary, 'SIGKILL');
    const restartedAt = performance.now();
    await t.restart(t.primary);
    await t.waitForReplication();
    assert.equal(await s.db.get(guildKeys(s.guild.id).player_lock), null, 'the lock is gone');

    // The holder's next renewal (every TTL/3) finds no lock: it stops and says so.
    const lostLine = await waitFor('the holder to report its lease lost', () => holder.proc.lines.find((l) => l.msg === 'lost the guild lease: stopped playing'), { timeoutMs: 2 * TTL_MS + 5000 });
    assert.equal(lostLine.reason, 'taken', 'lost at the renewal that found no lock, not at the deadline');
    // Audio stops; nothing else starts: the guild's desired state is gone with the rest.
    const quietFrom = await waitFor(
      'the guild to fall silent',
      () => {
        const last = s.sandbox.voiceStats(s.guild.id).lastPacketAtMs;
        return last !== undefined && performance.now() - last > 1000 ? last : undefined;
      },
      { timeoutMs: 2 * TTL_MS + 5000, intervalMs: 100 },
    );
    const stats = s.sandbox.voiceStats(s.guild.id);
    assert.equal(Object.keys(stats.framesBySession).length, 1, 'only the old holder was ever heard');
    console.log(`      restart to silence: ${Math.round(quietFrom - restartedAt)} ms (the holder's renewal period is ${Math.round(TTL_MS / 3)} ms)`);

    // A member plays again: one instance takes it (the old holder only after its loss cooldown), and keeps it.
    s.sandbox.resetVoiceStats(s.guild.id);
    await s.play([await s.tone(660, 6000)]);
    await waitFor('the new track to finish', async () => (await s.db.llen(guildKeys(s.guild.id).playlist)) === 0, { timeoutMs: 40_000, intervalMs: 100 });
    const after = s.sandbox.voiceStats(s.guild.id, { flush: true });
    const segments660 = after.segments.filter((g) => Math.abs(g.hz - 660) <= 10);
    assert.ok(framesOf(after.segments, 660) >= 250, `the new track was heard whole: ${framesOf(after.segments, 660)} frames`);
    assert.equal(new Set(segments660.map((g) => g.sessionId)).size, 1, 'one instance played the new track from start to end: no ping-pong');
    assert.equal(after.longestOverlapMs, 0, 'never two instances at once');
  });
});
