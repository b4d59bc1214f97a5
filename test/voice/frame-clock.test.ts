/**
 * The engine's one 20 ms scheduler, driven by hand: sends before prepares, the next tick armed before
 * any prepare, batches between yields, a fixed grid, missed deadlines counted and skipped (no burst).
 */
import { strict as assert } from 'node:assert';
import { ManualClock, type Clock, type Timer } from '../../src/clock';
import { FrameClock, type FrameSubscriber } from '../../src/voice/engine';

/** Logs what each subscriber was asked to do, in order. */
function subscriber(name: string, log: string[], onPrepare: () => void = () => {}): FrameSubscriber {
  return {
    dispatch: () => void log.push(`dispatch ${name}`),
    prepare() {
      log.push(`prepare ${name}`);
      onPrepare();
      return true;
    },
  };
}

/**
 * A clock whose timers fire only when the test says, at the time it says: the way to make a tick run
 * late (ManualClock always fires a timer at its deadline).
 */
class LateClock implements Clock {
  private t = 0;
  readonly timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { at: this.t + Math.max(0, ms), fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }
  /** Fires the next pending timer at time `at` (its deadline when absent). */
  fire(at?: number): number {
    const next = this.timers.find((x) => !x.cancelled);
    assert.ok(next, 'a timer is pending');
    next.cancelled = true;
    this.t = at ?? next.at;
    next.fn();
    return next.at;
  }
  pending(): Array<{ at: number }> {
    return this.timers.filter((x) => !x.cancelled);
  }
}

describe('frame clock', () => {
  it('sends every prepared packet before preparing any, and arms the next tick before preparing', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const armed: number[] = [];
    const frames = new FrameClock({ clock, defer: (fn) => fn() });
    frames.add(subscriber('a', log, () => armed.push(clock.pendingTimers())));
    frames.add(subscriber('b', log));
    await clock.advance(20);
    assert.deepEqual(log, ['dispatch a', 'dispatch b', 'prepare a', 'prepare b', 'dispatch a', 'dispatch b', 'prepare a', 'prepare b']);
    assert.deepEqual(armed, [1, 1], 'the next tick was armed when the first prepare ran');
    assert.equal(frames.counters.ticks, 2);
    assert.equal(frames.counters.packetsPrepared, 4);
    frames.close();
    assert.equal(clock.pendingTimers(), 0);
  });

  it('prepares in batches, yielding between them; the next tick does not wait for the batches', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const deferred: Array<() => void> = [];
    const frames = new FrameClock({ clock, batchSize: 2, defer: (fn) => void deferred.push(fn) });
    for (const name of ['a', 'b', 'c', 'd', 'e']) frames.add(subscriber(name, log));
    await clock.advance(0);
    assert.deepEqual(log, ['dispatch a', 'dispatch b', 'dispatch c', 'dispatch d', 'dispatch e', 'prepare a', 'prepare b']);
    assert.equal(deferred.length, 1);
    assert.equal(clock.pendingTimers(), 1);
    deferred.shift()?.();
    assert.deepEqual(log.slice(7), ['prepare c', 'prepare d']);
    deferred.shift()?.();
    assert.deepEqual(log.slice(9), ['prepare e']);
    assert.equal(deferred.length, 0, 'the round is done');
    frames.close();
  });

  it('a round cut short by the next tick is superseded, and the new round starts where the old one stopped', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const deferred: Array<() => void> = [];
    const frames = new FrameClock({ clock, batchSize: 1, defer: (fn) => void deferred.push(fn) });
    for (const name of ['a', 'b', 'c']) frames.add(subscriber(name, log));
    await clock.advance(0);
    assert.deepEqual(log.filter((l) => l.startsWith('prepare')), ['prepare a']);
    log.length = 0;
    await clock.advance(20); // the thread never got to b and c
    assert.deepEqual(log, ['dispatch a', 'dispatch b', 'dispatch c', 'prepare b']);
    log.length = 0;
    for (const fn of deferred.splice(0)) fn(); // the old round's continuation is stale: nothing
    assert.deepEqual(log, ['prepare c']);
    frames.close();
  });

  it('ticks on a fixed grid of 20 ms from the first subscriber', async () => {
    const clock = new ManualClock();
    await clock.advance(7);
    const at: number[] = [];
    const frames = new FrameClock({ clock, defer: (fn) => fn() });
    frames.add({ dispatch: () => void at.push(clock.monotonic()), prepare: () => false });
    await clock.advance(100);
    assert.deepEqual(at, [7, 27, 47, 67, 87, 107]);
    assert.equal(frames.counters.ticksMissed, 0);
    frames.close();
  });

  it('a tick 20 ms or more past its deadline skips to the current slot and counts the skipped ticks, with no burst', () => {
    const clock = new LateClock();
    const log: string[] = [];
    const frames = new FrameClock({ clock, defer: (fn) => fn() });
    frames.add(subscriber('a', log));
    clock.fire(); // slot 0 at 0
    clock.fire(75); // slot 1 was due at 20: slots 1 and 2 (20, 40) are gone, this one runs for slot 3 (60)
    assert.equal(frames.counters.ticksMissed, 2);
    assert.equal(frames.counters.ticks, 2);
    assert.deepEqual(clock.pending().map((t) => t.at), [80], 'the next tick is on the grid');
    clock.fire(); // at 80: one dispatch, one prepare, no catching up
    assert.deepEqual(log, ['dispatch a', 'prepare a', 'dispatch a', 'prepare a', 'dispatch a', 'prepare a']);
    clock.fire(119); // slot 5 (100) 19 ms late: not missed
    assert.equal(frames.counters.ticksMissed, 2);
    assert.deepEqual(clock.pending().map((t) => t.at), [120]);
    frames.close();
  });

  it('stops ticking when no subscriber is left, and starts a new grid with the next one', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const frames = new FrameClock({ clock, defer: (fn) => fn() });
    const a = subscriber('a', log);
    frames.add(a);
    await clock.advance(20);
    frames.remove(a);
    await clock.advance(20);
    assert.equal(clock.pendingTimers(), 0, 'idle: no timer');
    assert.equal(frames.size, 0);
    await clock.advance(13);
    const at: number[] = [];
    frames.add({ dispatch: () => void at.push(clock.monotonic()), prepare: () => false });
    await clock.advance(40);
    assert.deepEqual(at, [53, 73, 93]);
    frames.close();
  });

  it('a subscriber removed during a round is not asked again, and the others are asked once each', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const frames = new FrameClock({ clock, defer: (fn) => fn() });
    const c = subscriber('c', log);
    frames.add(subscriber('a', log, () => frames.remove(c)));
    frames.add(subscriber('b', log));
    frames.add(c);
    await clock.advance(20);
    assert.deepEqual(log, ['dispatch a', 'dispatch b', 'dispatch c', 'prepare a', 'prepare b', 'dispatch a', 'dispatch b', 'prepare a', 'prepare b']);
    frames.close();
  });
});
