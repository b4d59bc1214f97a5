import { strict as assert } from 'node:assert';
import { ManualClock, settle } from '../../src/clock';
import pino from 'pino';
import { ResyncSource, type ResyncRun } from '../../src/reconcile/sources/resync';

async function* keys(n: number, gate?: { after: number; wait: Promise<void> }): AsyncIterable<string> {
  for (let i = 0; i < n; i++) {
    if (gate && i === gate.after) await gate.wait;
    yield `k${i}`;
  }
}

const keysOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `k${i}`);

describe('ResyncSource', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  it('runs at start, then every period ± jitter', async () => {
    const runs: number[] = [];
    let draw = 0;
    const draws = [0, 0.999, 0.5];
    const source = new ResyncSource<string>({
      list: () => keys(3),
      spread: false,
      periodMs: 1000,
      jitter: 0.2,
      clock,
      random: () => draws[draw++ % draws.length] ?? 0,
      onRun: () => runs.push(clock.monotonic()),
    });
    source.start(() => undefined);
    await clock.advance(0);
    await clock.advance(3000);
    await source.stop();
    // Periods drawn at 800, ~1200 and 1000 ms.
    assert.deepEqual(runs.map(Math.round), [0, 800, 2000, 3000]);
  });

  it('streams keys into the queue while the list is still being read, and stops enqueueing on stop()', async () => {
    const enqueued: string[] = [];
    let release = (): void => undefined;
    const wait = new Promise<void>((resolve) => (release = resolve));
    const source = new ResyncSource<string>({ list: () => keys(100_000, { after: 1000, wait }), clock });
    source.start((k) => enqueued.push(k));
    for (let i = 0; i < 10 && enqueued.length < 1000; i++) await settle();
    assert.equal(enqueued.length, 1000, 'the first keys arrive before the list is complete');
    await source.stop();
    release();
    await settle();
    assert.equal(enqueued.length, 1000, 'nothing is enqueued after stop()');
  });

  it('collapses triggers during a run into one follow-up run', async () => {
    const runs: ResyncRun[] = [];
    let release = (): void => undefined;
    const wait = new Promise<void>((resolve) => (release = resolve));
    const source = new ResyncSource<string>({ list: () => keys(2, { after: 1, wait }), clock, periodMs: 60_000, onRun: (r) => runs.push(r) });
    source.start(() => undefined);
    await settle();
    source.trigger('reconnect');
    source.trigger('reconnect');
    release();
    await clock.advance(0);
    await clock.advance(0);
    assert.deepEqual(runs.map((r) => [r.reason, r.outcome, r.keys]), [['start', 'complete', 2], ['reconnect', 'complete', 2]]);
    await source.stop();
  });

  it('reports a failed listing and retries on the next period', async () => {
    const runs: ResyncRun[] = [];
    let calls = 0;
    const source = new ResyncSource<string>({
      list: async function* () {
        if (calls++ === 0) throw new Error('connection lost');
        yield 'a';
      },
      clock,
      periodMs: 1000,
      jitter: 0,
      onRun: (r) => runs.push(r),
    });
    source.start(() => undefined);
    await clock.advance(1000);
    await source.stop();
    assert.deepEqual(runs.map((r) => r.outcome), ['failed', 'complete']);
  });

  describe('select', () => {
    const even = (batch: readonly string[]): Promise<readonly string[]> => Promise.resolve(batch.filter((k) => Number(k.slice(1)) % 2 === 0));

    it('a triggered run asks about its keys in batches of yieldEvery and enqueues only those kept', async () => {
      const batches: number[] = [];
      const enqueued: string[] = [];
      const runs: ResyncRun[] = [];
      const source = new ResyncSource<string>({
        list: () => keys(1200),
        yieldEvery: 500,
        clock,
        onRun: (r) => runs.push(r),
        select: (batch) => {
          batches.push(batch.length);
          return even(batch);
        },
      });
      source.start((k) => enqueued.push(k));
      for (let i = 0; i < 20 && runs.length === 0; i++) await settle();
      assert.deepEqual(batches, [500, 500, 200]);
      assert.equal(enqueued.length, 600);
      assert.ok(enqueued.every((k) => Number(k.slice(1)) % 2 === 0));
      assert.deepEqual(runs.map((r) => [r.keys, r.enqueued, r.outcome]), [[1200, 600, 'complete']]);
      await source.stop();
    });

    it('a spread run asks ahead, yieldEvery keys at a time, and still enqueues slice by slice', async () => {
      const batches: number[] = [];
      const at: Array<[number, string]> = [];
      // 100 keys over 10 slices of 10; select batches of 25 end inside slices (at 25, 50, 75).
      const source = new ResyncSource<string>({ list: () => keys(100), periodMs: 10_000, jitter: 0, sliceMs: 1000, yieldEvery: 25, clock, runAtStart: false, select: (batch) => (batches.push(batch.length), even(batch)) });
      source.start((k) => at.push([clock.monotonic() - 10_000, k]));
      await clock.advance(10_000);
      // The listing yields to the event loop every yieldEvery keys (real setImmediates, not the clock's).
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
      await clock.advance(9_999);
      assert.deepEqual(batches, [25, 25, 25, 25]);
      assert.deepEqual(at.map(([, k]) => k), keysOf(100).filter((k) => Number(k.slice(1)) % 2 === 0), 'every kept key, in order, none twice');
      const perSlice = Array.from({ length: 10 }, (_, i) => at.filter(([t]) => Math.floor(t / 1000) === i).length);
      assert.deepEqual(perSlice, [5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 'still one slice a second');
      await source.stop();
    });

    it('a select that fails lets the whole batch through, and says so once per run', async () => {
      const enqueued: string[] = [];
      const lines: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
      const runs: ResyncRun[] = [];
      const source = new ResyncSource<string>({ list: () => keys(1000), yieldEvery: 100, clock, logger, onRun: (r) => runs.push(r), select: () => Promise.reject(new Error('redis away')) });
      source.start((k) => enqueued.push(k));
      for (let i = 0; i < 40 && runs.length === 0; i++) await settle();
      assert.equal(enqueued.length, 1000);
      assert.equal(lines.filter((l) => l.includes('resync could not narrow its keys')).length, 1);
      await source.stop();
    });

    it('keys kept by a select that answers after stop() are not enqueued', async () => {
      const enqueued: string[] = [];
      let answer = (_: readonly string[]): void => undefined;
      const source = new ResyncSource<string>({ list: () => keys(10), clock, select: (batch) => new Promise((resolve) => (answer = () => resolve(batch))) });
      source.start((k) => enqueued.push(k));
      await settle();
      await source.stop();
      answer([]);
      await settle();
      assert.equal(enqueued.length, 0);
    });
  });

  describe('spread', () => {
    /** Keys enqueued per second of the clock, from t = 0. */
    function perSecond(at: number[], seconds: number): number[] {
      const out = Array.from({ length: seconds }, () => 0);
      for (const t of at) out[Math.floor(t / 1000)] = (out[Math.floor(t / 1000)] ?? 0) + 1;
      return out;
    }

    it('enqueues a start-up run at once, and a periodic run in slices over its period', async () => {
      const at: number[] = [];
      const runs: ResyncRun[] = [];
      const source = new ResyncSource<string>({ list: () => keys(100), periodMs: 10_000, jitter: 0, sliceMs: 1000, clock, onRun: (r) => runs.push(r) });
      source.start(() => at.push(clock.monotonic()));
      await clock.advance(0);
      assert.equal(at.length, 100, 'the start-up run enqueues everything at once');
      at.length = 0;
      await clock.advance(10_000 + 9_999);
      assert.deepEqual(perSecond(at.map((t) => t - 10_000), 10), [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
      assert.deepEqual(runs.map((r) => [r.reason, r.outcome, r.keys, r.spread]), [['start', 'complete', 100, false], ['periodic', 'complete', 100, true]]);
      // The next periodic run starts when the spread one's period ends, not a period after its last slice.
      at.length = 0;
      await clock.advance(1);
      assert.equal(at.length, 10, 'the next period begins at once');
      await source.stop();
    });

    it('slices every 100 ms by default', async () => {
      const at: number[] = [];
      const source = new ResyncSource<string>({ list: () => keys(300), periodMs: 3000, jitter: 0, clock, runAtStart: false });
      source.start(() => at.push(clock.monotonic()));
      await clock.advance(3000 + 2999);
      assert.equal(new Set(at).size, 30);
      assert.equal(at.length, 300);
      await source.stop();
    });

    it('puts each slice at a random point of its share of the period (jitter)', async () => {
      const at: number[] = [];
      const source = new ResyncSource<string>({ list: () => keys(40), periodMs: 4000, jitter: 0.5, sliceMs: 1000, random: () => 0.5, clock, runAtStart: false });
      source.start(() => at.push(clock.monotonic()));
      // runAtStart false: nothing until the first period (random 0.5 draws exactly 4000 ms).
      await clock.advance(3999);
      assert.equal(at.length, 0);
      // 4 slices of 1000 ms, each at jitter × random = a quarter of its share.
      await clock.advance(1 + 3999);
      const offsets = [...new Set(at.map((t) => Math.round(t - 4000)))];
      assert.deepEqual(offsets, [250, 1250, 2250, 3250]);
      assert.equal(at.length, 40);
      await source.stop();
    });

    it('a trigger during a spread run enqueues the rest at once (a reconnect cannot wait a period)', async () => {
      const enqueued: string[] = [];
      const runs: ResyncRun[] = [];
      const source = new ResyncSource<string>({ list: () => keys(100), periodMs: 10_000, jitter: 0, sliceMs: 1000, clock, runAtStart: false, onRun: (r) => runs.push(r) });
      source.start((k) => enqueued.push(k));
      await clock.advance(10_000 + 2500);
      assert.equal(enqueued.length, 30);
      source.trigger('redis reconnect');
      await clock.advance(0);
      assert.equal(enqueued.length, 130, 'the triggered run enqueues every key at once');
      assert.deepEqual(runs.map((r) => [r.reason, r.outcome, r.spread]), [['periodic', 'cancelled', true], ['redis reconnect', 'complete', false]]);
      await source.stop();
    });

    it('stop() during a spread run cancels its remaining slices and timers', async () => {
      const enqueued: string[] = [];
      const source = new ResyncSource<string>({ list: () => keys(100), periodMs: 10_000, jitter: 0, sliceMs: 1000, clock, runAtStart: false });
      source.start((k) => enqueued.push(k));
      await clock.advance(10_000 + 500);
      await source.stop();
      await clock.advance(20_000);
      assert.equal(enqueued.length, 10);
      assert.equal(clock.pendingTimers(), 0);
    });
  });
});
