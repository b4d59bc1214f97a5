import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../../src/clock';
import { Controller } from '../../src/reconcile/controller';
import { promReconcileMetrics, type ReconcileMetrics, type ReconcileOutcome } from '../../src/reconcile/metrics';
import { done, requeueAfter, type Reconciler, type Result } from '../../src/reconcile/reconciler';
import { WorkQueue } from '../../src/reconcile/workqueue';

/** A promise the test resolves or rejects by hand. */
function gate(): { promise: Promise<void>; open(): void; fail(error: unknown): void } {
  let open = (): void => undefined;
  let fail = (_error: unknown): void => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

class RecordingMetrics implements ReconcileMetrics {
  readonly seen: { controller: string; outcome: ReconcileOutcome; seconds: number }[] = [];
  observe(controller: string, outcome: ReconcileOutcome, seconds: number): void {
    this.seen.push({ controller, outcome, seconds });
  }
}

const LogLine = t.type({ msg: t.string, controller: t.string, key: t.string, reconcileId: t.string, outcome: t.string, durationMs: t.number });
type LogLine = t.TypeOf<typeof LogLine>;

function captureLogs(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const decoded = LogLine.decode(JSON.parse(chunk.toString()));
      if (isRight(decoded)) lines.push(decoded.right);
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A reconciler whose calls the test releases one by one. */
class ScriptedReconciler implements Reconciler<string> {
  readonly calls: { key: string; at: number; signal: AbortSignal }[] = [];
  running = 0;
  maxRunningPerKey = new Map<string, number>();
  private readonly runningPerKey = new Map<string, number>();
  constructor(
    private readonly clock: ManualClock,
    private readonly behave: (key: string, call: number, signal: AbortSignal) => Promise<Result>,
  ) {}

  async reconcile(key: string, signal: AbortSignal): Promise<Result> {
    this.calls.push({ key, at: this.clock.monotonic(), signal });
    const now = (this.runningPerKey.get(key) ?? 0) + 1;
    this.runningPerKey.set(key, now);
    this.maxRunningPerKey.set(key, Math.max(now, this.maxRunningPerKey.get(key) ?? 0));
    this.running++;
    try {
      return await this.behave(key, this.calls.filter((c) => c.key === key).length, signal);
    } finally {
      this.running--;
      this.runningPerKey.set(key, (this.runningPerKey.get(key) ?? 1) - 1);
    }
  }

  callsOf(key: string): number[] {
    return this.calls.filter((c) => c.key === key).map((c) => c.at);
  }
}

describe('Controller', () => {
  let clock: ManualClock;
  let controller: Controller<string> | undefined;
  beforeEach(() => {
    clock = new ManualClock();
  });
  afterEach(async () => {
    await controller?.stop({ abortAfterMs: 0 });
    await clock.advance(0);
    controller = undefined;
  });

  function make(reconciler: Reconciler<string>, extra: { workers?: number; metrics?: ReconcileMetrics; logger?: pino.Logger } = {}): Controller<string> {
    const queue = new WorkQueue<string>({ clock, backoff: { baseMs: 100, capMs: 800 } });
    controller = new Controller({ name: 'test', reconciler, queue, clock, ...extra });
    return controller;
  }

  it('reconciles an enqueued key, logs and counts the outcome with a reconcile id', async () => {
    const metrics = new RecordingMetrics();
    const { logger, lines } = captureLogs();
    const r = new ScriptedReconciler(clock, async () => done());
    const c = make(r, { metrics, logger });
    await c.start();
    c.enqueue('a');
    c.enqueue('b');
    await clock.advance(0);
    assert.deepEqual(r.calls.map((x) => x.key), ['a', 'b']);
    assert.deepEqual(metrics.seen.map((m) => [m.controller, m.outcome]), [['test', 'success'], ['test', 'success']]);
    assert.deepEqual(lines.map((l) => [l.controller, l.key, l.outcome]), [['test', 'a', 'success'], ['test', 'b', 'success']]);
    assert.notEqual(lines[0]?.reconcileId, lines[1]?.reconcileId);
  });

  it('never reconciles one key concurrently, and re-runs it once if it was enqueued meanwhile', async () => {
    const first = gate();
    const r = new ScriptedReconciler(clock, async (_key, call) => {
      if (call === 1) await first.promise;
      return done();
    });
    const c = make(r, { workers: 4 });
    await c.start();
    c.enqueue('a');
    await clock.advance(0);
    for (let i = 0; i < 5; i++) c.enqueue('a');
    await clock.advance(0);
    assert.equal(r.calls.length, 1, 'still in the first reconcile');
    first.open();
    await clock.advance(0);
    await clock.advance(1000);
    assert.equal(r.calls.length, 2, 'exactly one more reconcile for the five enqueues');
    assert.equal(r.maxRunningPerKey.get('a'), 1);
  });

  it('runs different keys in parallel up to the number of workers', async () => {
    const hold = gate();
    const r = new ScriptedReconciler(clock, async () => {
      await hold.promise;
      return done();
    });
    const c = make(r, { workers: 2 });
    await c.start();
    for (const k of ['a', 'b', 'c']) c.enqueue(k);
    await clock.advance(0);
    assert.equal(r.running, 2);
    hold.open();
    await clock.advance(0);
    assert.deepEqual(r.calls.map((x) => x.key), ['a', 'b', 'c']);
  });

  it('retries a failing key with growing, capped backoff and forgets it after success', async () => {
    const metrics = new RecordingMetrics();
    const r = new ScriptedReconciler(clock, async (_key, call) => {
      if (call <= 6) throw new Error(`failure ${call}`);
      return done();
    });
    const c = make(r, { metrics });
    await c.start();
    c.enqueue('a');
    await clock.advance(5000);
    // Backoff 100, 200, 400, 800, then capped at 800.
    assert.deepEqual(r.callsOf('a'), [0, 100, 300, 700, 1500, 2300, 3100]);
    assert.deepEqual(metrics.seen.map((m) => m.outcome), ['error', 'error', 'error', 'error', 'error', 'error', 'success']);
    assert.equal(c.queue.numRequeues('a'), 0, 'success forgets the backoff');
  });

  it('honours requeueAfterMs: not before, yes after, and resets the backoff', async () => {
    const metrics = new RecordingMetrics();
    const r = new ScriptedReconciler(clock, async (_key, call) => {
      if (call === 1) throw new Error('first fails');
      return call === 2 ? requeueAfter(1000) : done();
    });
    const c = make(r, { metrics });
    await c.start();
    c.enqueue('a');
    await clock.advance(100);
    assert.deepEqual(r.callsOf('a'), [0, 100]);
    assert.equal(c.queue.numRequeues('a'), 0, 'requeueAfter forgets the failure');
    await clock.advance(999);
    assert.equal(r.calls.length, 2, 'not before requeueAfterMs');
    await clock.advance(1);
    assert.deepEqual(r.callsOf('a'), [0, 100, 1100]);
    assert.deepEqual(metrics.seen.map((m) => m.outcome), ['error', 'requeue', 'success']);
  });

  it('stop() stops taking keys and waits for reconciles in flight without aborting them', async () => {
    const hold = gate();
    const r = new ScriptedReconciler(clock, async () => {
      await hold.promise;
      return done();
    });
    const c = make(r);
    await c.start();
    c.enqueue('a');
    c.enqueue('b');
    await clock.advance(0);
    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    await clock.advance(60_000);
    assert.equal(stopped, false, 'stop waits for the reconcile in flight');
    assert.equal(r.calls[0]?.signal.aborted, false);
    c.enqueue('c');
    hold.open();
    await stopping;
    assert.deepEqual(r.calls.map((x) => x.key), ['a'], 'no key is taken after stop');
  });

  it('stop() with a deadline aborts the signals of reconciles still running after it', async () => {
    const r = new ScriptedReconciler(clock, (_key, _call, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    const c = make(r);
    await c.start();
    c.enqueue('a');
    await clock.advance(0);
    let stopped = false;
    const stopping = c.stop({ abortAfterMs: 500 }).then(() => (stopped = true));
    await clock.advance(499);
    assert.equal(r.calls[0]?.signal.aborted, false);
    assert.equal(stopped, false);
    await clock.advance(1);
    assert.equal(r.calls[0]?.signal.aborted, true);
    await stopping;
  });

  it('stop() with abandonAfterMs stops waiting for a reconciler that ignores its signal, and says so', async () => {
    const stuck = gate();
    const r = new ScriptedReconciler(clock, () => stuck.promise.then(() => done()));
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const c = make(r, { logger });
    await c.start();
    c.enqueue('a');
    await clock.advance(0);
    let stopped = false;
    const stopping = c.stop({ abortAfterMs: 100, abandonAfterMs: 300 }).then(() => (stopped = true));
    await clock.advance(299);
    assert.equal(r.calls[0]?.signal.aborted, true, 'aborted at 100 ms');
    assert.equal(stopped, false, 'still waiting before abandonAfterMs');
    await clock.advance(1);
    await stopping;
    assert.ok(warnings.some((l) => l.includes('"msg":"stopped without waiting for reconciles still in flight"') && l.includes('"inFlight":1')), warnings.join(''));
    stuck.open();
  });

  it('stops its sources and starts them with enqueue', async () => {
    const events: string[] = [];
    let enqueueFromSource: (key: string) => void = () => undefined;
    const r = new ScriptedReconciler(clock, async () => done());
    const queue = new WorkQueue<string>({ clock });
    controller = new Controller({
      name: 'sourced',
      reconciler: r,
      queue,
      clock,
      sources: [
        {
          start: (enqueue) => {
            events.push('start');
            enqueueFromSource = enqueue;
          },
          stop: async () => void events.push('stop'),
        },
      ],
    });
    await controller.start();
    enqueueFromSource('x');
    await clock.advance(0);
    assert.deepEqual(r.calls.map((c) => c.key), ['x']);
    await controller.stop();
    assert.deepEqual(events, ['start', 'stop']);
  });

  it('counts outcomes in prom-client metrics', async () => {
    const registry = new Registry();
    const metrics = promReconcileMetrics(registry);
    assert.equal(promReconcileMetrics(registry) !== undefined, true, 'a second controller can share the registry');
    metrics.observe('player', 'success', 0.002);
    metrics.observe('player', 'error', 0.5);
    const text = await registry.metrics();
    assert.match(text, /hiqty_reconcile_total\{controller="player",outcome="success"\} 1/);
    assert.match(text, /hiqty_reconcile_total\{controller="player",outcome="error"\} 1/);
    assert.match(text, /hiqty_reconcile_duration_seconds_count\{controller="player"\} 2/);
  });
});
