import { strict as assert } from 'node:assert';
import { ManualClock, settle } from '../../src/clock';
import { ExponentialBackoff, TokenBucket } from '../../src/reconcile/ratelimit';
import { WorkQueue } from '../../src/reconcile/workqueue';

/** Takes every key that is ready now, without waiting. */
async function drainReady(queue: WorkQueue<string>): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  it('de-duplicates keys that are waiting', async () => {
    const queue = new WorkQueue<string>({ clock });
    queue.add('a');
    queue.add('b');
    queue.add('a');
    assert.equal(queue.len(), 2);
    assert.deepEqual(await drainReady(queue), ['a', 'b']);
  });

  it('never hands out a key that is being processed, even when it is re-added', async () => {
    const queue = new WorkQueue<string>({ clock });
    queue.add('a');
    assert.equal(await queue.get(), 'a');
    queue.add('a');
    assert.equal(queue.len(), 0, 'a processing key is not queued');

    let second: string | undefined = 'pending';
    void queue.get().then((k) => (second = k));
    await settle();
    assert.equal(second, 'pending', 'a second worker must not get the key while it is processed');

    queue.done('a');
    await settle();
    assert.equal(second, 'a');
  });

  it('requeues a key marked dirty during processing exactly once', async () => {
    const queue = new WorkQueue<string>({ clock });
    queue.add('a');
    const key = await queue.get();
    assert.equal(key, 'a');
    queue.add('a');
    queue.add('a');
    queue.add('a');
    queue.done('a');
    assert.equal(queue.len(), 1);
    assert.deepEqual(await drainReady(queue), ['a']);
    assert.equal(queue.len(), 0);
    assert.equal(queue.inFlight(), 0);
  });

  it('hands keys to waiting workers in order', async () => {
    const queue = new WorkQueue<string>({ clock });
    const got: (string | undefined)[] = [];
    const waiting = [queue.get(), queue.get()].map((p) => p.then((k) => got.push(k)));
    queue.add('x');
    queue.add('y');
    await Promise.all(waiting);
    assert.deepEqual(got, ['x', 'y']);
  });

  it('get() resolves undefined once shut down, for waiting and later callers, and ignores later adds', async () => {
    const queue = new WorkQueue<string>({ clock });
    const waiting = queue.get();
    queue.addAfter('later', 100);
    queue.shutDown();
    assert.equal(await waiting, undefined);
    queue.add('a');
    assert.equal(await queue.get(), undefined);
    assert.equal(queue.len(), 0);
    assert.equal(clock.pendingTimers(), 0, 'delayed adds are cancelled');
  });

  it('addAfter adds the key not before the delay, and at it', async () => {
    const queue = new WorkQueue<string>({ clock });
    queue.addAfter('a', 1000);
    await clock.advance(999);
    assert.equal(queue.len(), 0);
    await clock.advance(1);
    assert.deepEqual(await drainReady(queue), ['a']);
  });

  it('keeps only the earliest of several delayed adds of one key', async () => {
    const queue = new WorkQueue<string>({ clock });
    queue.addAfter('a', 500);
    queue.addAfter('a', 200);
    queue.addAfter('a', 800);
    assert.equal(clock.pendingTimers(), 1);
    await clock.advance(200);
    assert.deepEqual(await drainReady(queue), ['a']);
    await clock.advance(1000);
    assert.equal(queue.len(), 0, 'the later delayed adds were dropped');
  });

  it('backs a failing key off exponentially up to the cap, and forget() resets it', async () => {
    const queue = new WorkQueue<string>({ clock, backoff: { baseMs: 100, capMs: 1000 }, bucket: { perSecond: 1000, burst: 1000 } });
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      queue.addRateLimited('a');
      const before = clock.monotonic();
      await clock.advance(0);
      let waited = 0;
      while (queue.len() === 0) {
        await clock.advance(1);
        waited++;
        assert.ok(waited <= 2000, 'the key never came back');
      }
      delays.push(clock.monotonic() - before);
      await drainReady(queue);
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
    assert.equal(queue.numRequeues('a'), 7);
    queue.forget('a');
    assert.equal(queue.numRequeues('a'), 0);
    queue.addRateLimited('a');
    await clock.advance(99);
    assert.equal(queue.len(), 0);
    await clock.advance(1);
    assert.equal(queue.len(), 1);
  });

  it('backs off each key on its own', () => {
    const backoff = new ExponentialBackoff<string>({ baseMs: 10, capMs: 30_000 });
    assert.equal(backoff.when('a'), 10);
    assert.equal(backoff.when('a'), 20);
    assert.equal(backoff.when('b'), 10);
    for (let i = 0; i < 2000; i++) backoff.when('a');
    assert.equal(backoff.when('a'), 30_000, 'huge failure counts stay at the cap');
  });

  it('holds the overall rate limit across keys', async () => {
    const perSecond = 10;
    const burst = 5;
    const queue = new WorkQueue<string>({ clock, backoff: { baseMs: 1, capMs: 1 }, bucket: { perSecond, burst } });
    for (let i = 0; i < 40; i++) queue.addRateLimited(`k${i}`);
    const readyAt: number[] = [];
    for (let t = 0; t <= 4000; t += 10) {
      for (const _ of await drainReady(queue)) readyAt.push(clock.monotonic());
      await clock.advance(10);
    }
    assert.equal(readyAt.length, 40);
    // In any window of w ms no more than burst + rate × w keys may come out.
    for (let i = 0; i < readyAt.length; i++) {
      for (let j = i; j < readyAt.length; j++) {
        const window = (readyAt[j] ?? 0) - (readyAt[i] ?? 0);
        assert.ok(j - i + 1 <= burst + Math.ceil((perSecond * window) / 1000) + 1, `${j - i + 1} keys within ${window} ms`);
      }
    }
    assert.equal(readyAt.filter((t) => t <= 10).length, burst, 'the burst goes at once');
    // 35 beyond the burst at 10/s take 3.5 s.
    assert.ok(Math.abs((readyAt[readyAt.length - 1] ?? 0) - 3500) <= 10, `last key at ${readyAt[readyAt.length - 1]} ms`);
  });

  it('spreads bucket reservations at the configured rate', () => {
    const bucket = new TokenBucket<string>(new ManualClock(), { perSecond: 10, burst: 2 });
    assert.deepEqual(
      Array.from({ length: 5 }, () => bucket.when('x')),
      [0, 0, 100, 200, 300],
    );
  });
});
