import { strict as assert } from 'node:assert';
import { useRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

async function readyz(port: number): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.text() };
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

describe('player: liveness and readiness', function () {
  this.timeout(60_000);
  // Its own Redis: this suite takes it down.
  const redis = useRedis({ dedicated: true });
  let stage: Stage;
  before(async () => (stage = await Stage.start(redis.current)));
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('stays ready through a short Redis outage (HIQTY_REDIS_OUTAGE_GRACE_MS), is unready after it, and ready again when Redis is back', async () => {
    // A grace long enough that the first look after the disconnect surely falls inside it on a busy machine.
    const bot = await stage.startBot({ HIQTY_REDIS_OUTAGE_GRACE_MS: '4000' });
    assert.equal((await readyz(bot.httpPort)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${bot.httpPort}/livez`)).status, 200);
    await redis.current.stop();
    await waitFor('the disconnect', async () => (await metric(bot.httpPort, 'hiqty_redis_connected')) === 0, { timeoutMs: 10_000, intervalMs: 20 });
    assert.equal((await readyz(bot.httpPort)).status, 200, 'still ready inside the grace');
    const down = await waitFor('unready after the grace', async () => {
      const r = await readyz(bot.httpPort);
      return r.status === 503 ? r : undefined;
    }, { timeoutMs: 15_000, intervalMs: 50 });
    assert.match(down.body, /redis/);
    assert.equal((await fetch(`http://127.0.0.1:${bot.httpPort}/livez`)).status, 200, 'still live: a restart would not help');
    await redis.current.start();
    await waitFor('ready again', async () => (await readyz(bot.httpPort)).status === 200, { timeoutMs: 10_000 });
  });

  it('with HIQTY_REDIS_OUTAGE_GRACE_MS=0, is unready as soon as Redis is down', async () => {
    const bot = await stage.startBot({ HIQTY_REDIS_OUTAGE_GRACE_MS: '0' });
    assert.equal((await readyz(bot.httpPort)).status, 200);
    await redis.current.stop();
    const down = await waitFor('unready', async () => {
      const r = await readyz(bot.httpPort);
      return r.status === 503 ? r : undefined;
    });
    assert.match(down.body, /redis/);
    await redis.current.start();
    await waitFor('ready again', async () => (await readyz(bot.httpPort)).status === 200, { timeoutMs: 10_000 });
    bot.proc.kill('SIGKILL');
    await bot.proc.exited;
  });

  it('turns unready on SIGTERM while it still drains the current track', async () => {
    const bot = stage.bots[0] ?? (await stage.startBot());
    await stage.play([await stage.tone(440, 6000)]);
    await waitFor('audio', () => framesOf(stage.segments(), 440) >= 25, { timeoutMs: 15_000 });
    const signalledAt = performance.now();
    bot.proc.kill('SIGTERM');
    await waitFor('unready', async () => (await readyz(bot.httpPort)).status === 503, { timeoutMs: 10_000, intervalMs: 20 });
    const unreadyAfter = performance.now() - signalledAt;
    // Unready while the track (5+ s left) is still playing: before the drain ends, not after.
    const framesWhenUnready = framesOf(stage.segments(), 440);
    assert.ok(framesWhenUnready < 275, `unready only at frame ${framesWhenUnready} of 300`);
    assert.match((await readyz(bot.httpPort)).body, /not-draining/);
    assert.equal((await bot.proc.exited).code, 0);
    console.log(`      SIGTERM to unready: ${Math.round(unreadyAfter)} ms`);
  });
});
