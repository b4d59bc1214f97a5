import { strict as assert } from 'node:assert';
import { ManualClock, settle } from '../../src/clock';
import { ResyncSource, type ResyncRun } from '../../src/reconcile/sources/resync';

async function* keys(n: number, gate?: { after: number; wait: Promise<void> }): AsyncIterable<string> {
  for (let i = 0; i < n; i++) {
    if (gate && i === gate.after) await gate.wait;
    yield `k${i}`;
  }
}

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
});
