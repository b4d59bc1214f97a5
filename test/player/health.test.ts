import { strict as assert } from 'node:assert';
import { useRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

async function readyz(port: number): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.text() };
}

describe('player: liveness and readiness', function () {
  this.timeout(60_000);
  // Its own Redis: this suite takes it down.
  const redis = useRedis({ dedicated: true });
  let stage: Stage;
  before(async () => (stage = await Stage.start(redis.current)));
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('is unready while Redis is down and ready again when it is back, without a restart', async () => {
    const bot = await stage.startBot();
    assert.equal((await readyz(bot.httpPort)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${bot.httpPort}/livez`)).status, 200);
    await redis.current.stop();
    const down = await waitFor('unready', async () => {
      const r = await readyz(bot.httpPort);
      return r.status === 503 ? r : undefined;
    });
    assert.match(down.body, /redis/);
    assert.equal((await fetch(`http://127.0.0.1:${bot.httpPort}/livez`)).status, 200, 'still live: a restart would not help');
    await redis.current.start();
    await waitFor('ready again', async () => (await readyz(bot.httpPort)).status === 200, { timeoutMs: 10_000 });
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
