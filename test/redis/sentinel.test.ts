/**
 * Sentinel mode end to end: a primary, a replica and three Sentinels (real redis-server processes), a
 * hiqty child process and the CLI connecting through the Sentinels. A SIGKILL of the primary is
 * followed: one failover log line naming both primaries, hiqty_redis_failovers_total 1, keyspace
 * notifications re-enabled on the new primary, and a track started afterwards plays.
 * (Leases across the failover, two instances and the overlap bound are issue 18's failover test.)
 */
import { strict as assert } from 'node:assert';
import { runCli } from '../cli/support';
import { cleanEnv, spawnHiqty } from '../support/proc';
import { startPrimaryReplica, startSentinels, type PrimaryReplica, type Sentinels } from '../support/redis-topology';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { endpointTestRedis, metricValue } from '../support/topology-stage';

describe('redis through Sentinels (a hiqty child process and the CLI)', function () {
  this.timeout(90_000);
  let topology: PrimaryReplica & Parameters<typeof startSentinels>[0];
  let sentinels: Sentinels;
  let stage: Stage;
  before(async function () {
    this.timeout(60_000);
    topology = await startPrimaryReplica({ persistence: false, password: 'node-pass' });
    sentinels = await startSentinels(topology, { count: 3, name: 'hiqty', downAfterMs: 1000, failoverTimeoutMs: 10_000, password: 'sentinel-pass' });
    const endpoint = sentinels.endpoint();
    // REDIS_URL unset: the bots find Redis through the Sentinels only.
    stage = await Stage.start(endpointTestRedis(endpoint, topology.primary.port), { env: { REDIS_URL: undefined, ...sentinels.env() } });
  });
  after(async () => {
    await stage?.stop();
    await topology?.stop();
  });
  Stage.dumpOnFailure(() => stage);

  it('plays, then follows a SIGKILL of the primary: one log line, the counter at 1, notifications back on, a new track plays', async () => {
    const bot = await stage.startBot();
    await stage.play([await stage.tone(440, 2500)]);
    await stage.heard([440], 30_000);
    assert.equal(await metricValue(bot.httpPort, 'hiqty_redis_failovers_total'), 0);
    const before = await runCli(['status'], { ...sentinels.env() });
    assert.equal(before.code, 0, before.stderr);
    assert.ok(before.stdout.includes(stage.guild.id), before.stdout);

    const old = topology.primary;
    const killedAt = performance.now();
    await topology.kill(old, 'SIGKILL');
    const promoted = await sentinels.waitForPrimary({ not: old });
    const promotedAfter = performance.now() - killedAt;

    const line = await bot.proc.waitForLine('the failover line', (l) => typeof l.msg === 'string' && l.msg.startsWith('redis failover'), 30_000);
    assert.equal(line.from, old.address);
    assert.equal(line.to, promoted.address);
    assert.equal(line.level, 'warn');
    const followedAfter = performance.now() - killedAt;
    await waitFor('the failover counter', async () => (await metricValue(bot.httpPort, 'hiqty_redis_failovers_total')) === 1, { timeoutMs: 10_000, intervalMs: 200 });
    assert.equal(await metricValue(bot.httpPort, 'hiqty_redis_connected'), 1);
    // The keyspace subscriber moved too, and turned notifications on where CONFIG is per node.
    const admin = topology.client(promoted);
    await waitFor(
      'notify-keyspace-events on the new primary',
      async () => {
        const reply = await admin.config('GET', 'notify-keyspace-events');
        return Array.isArray(reply) && typeof reply[1] === 'string' && reply[1].includes('K');
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );

    // A track added now, through the stage's own Sentinel-mode client, plays: the bot reads the new primary.
    await stage.play([await stage.tone(660, 2500)]);
    await stage.heard([660], 45_000);
    console.log(`      SIGKILL to promotion (down-after 1000 ms): ${Math.round(promotedAfter)} ms; to the bot's failover line: ${Math.round(followedAfter)} ms; to the next track heard: ${Math.round(performance.now() - killedAt)} ms`);
    const after = await runCli(['status'], { ...sentinels.env() });
    assert.equal(after.code, 0, after.stderr);
    assert.ok(after.stdout.includes(stage.guild.id), after.stdout);

    assert.equal(bot.proc.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('redis failover')).length, 1, 'one line per failover');
    const all = JSON.stringify(bot.proc.lines);
    assert.ok(!all.includes('node-pass') && !all.includes('sentinel-pass'), 'no password in the log');
  });

  it('exits 2 when the Sentinels know no primary by that name (hiqty run and the CLI)', async () => {
    const proc = spawnHiqty(['run'], cleanEnv(stage.botEnv(stage.nextInstance(), { REDIS_SENTINEL_NAME: 'not-monitored' })));
    assert.equal((await proc.exited).code, 2);
    assert.match(JSON.stringify(proc.lines.find((l) => l.level === 'fatal')?.errors), /monitor no primary named \\"not-monitored\\": fix REDIS_SENTINEL_NAME/);
    const cli = await runCli(['status'], { ...sentinels.env(), REDIS_SENTINEL_NAME: 'not-monitored' });
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /fix REDIS_SENTINEL_NAME/);
  });
});
