import { strict as assert } from 'node:assert';
import { ManualClock, settle } from '../../src/clock';
import { OpenGate, type Admission } from '../../src/media/open-gate';

type Admitted = Extract<Admission, { kind: 'admitted' }>;

function admitted(a: Admission | undefined): Admitted {
  assert.ok(a?.kind === 'admitted', `expected a slot, got ${a?.kind ?? 'nothing yet'}`);
  return a;
}

/** Acquires and records in `order` when each acquisition settled. */
function track(gate: OpenGate, signal?: AbortSignal): { result?: Admission; id: number } {
  const entry: { result?: Admission; id: number } = { id: nextId++ };
  void gate.acquire(signal).then((r) => {
    entry.result = r;
    order.push(entry.id);
  });
  return entry;
}
let order: number[] = [];
let nextId = 0;

describe('media/open-gate', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
    order = [];
    nextId = 0;
  });

  it('lets `limit` opens run and queues the rest', async () => {
    const gate = new OpenGate({ limit: 2, clock });
    const entries = [0, 1, 2, 3, 4].map(() => track(gate));
    await settle();
    assert.deepEqual(order, [0, 1]);
    assert.equal(gate.inFlight, 2);
    assert.equal(gate.waiting, 3);
    admitted(entries[0]?.result).release();
    await settle();
    assert.deepEqual(order, [0, 1, 2]);
    assert.equal(gate.inFlight, 2);
    assert.equal(gate.waiting, 2);
  });

  it('admits in arrival order', async () => {
    const gate = new OpenGate({ limit: 1, clock });
    const entries = Array.from({ length: 6 }, () => track(gate));
    for (let i = 0; i < entries.length; i++) {
      await settle();
      admitted(entries[i]?.result).release();
    }
    await settle();
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
    assert.equal(gate.inFlight, 0);
  });

  it('an abort while queued gives up the place without taking a slot; the next in line gets it', async () => {
    const gate = new OpenGate({ limit: 1, clock });
    const first = track(gate);
    const abort = new AbortController();
    const second = track(gate, abort.signal);
    const third = track(gate);
    await settle();
    abort.abort();
    await settle();
    assert.deepEqual(second.result, { kind: 'cancelled' });
    assert.equal(gate.waiting, 1);
    admitted(first.result).release();
    await settle();
    admitted(third.result);
    assert.deepEqual(order, [0, 1, 2]);
    assert.equal(gate.inFlight, 1);
  });

  it('an already aborted signal is cancelled at once, even with slots free', async () => {
    const gate = new OpenGate({ limit: 3, clock });
    const abort = new AbortController();
    abort.abort();
    assert.deepEqual(await gate.acquire(abort.signal), { kind: 'cancelled' });
    assert.equal(gate.inFlight, 0);
  });

  it('an abort after admission does nothing to the slot: release() gives it back', async () => {
    const gate = new OpenGate({ limit: 1, clock });
    const abort = new AbortController();
    const slot = admitted(await gate.acquire(abort.signal));
    abort.abort();
    assert.equal(gate.inFlight, 1);
    slot.release();
    assert.equal(gate.inFlight, 0);
  });

  it('release() is idempotent', async () => {
    const gate = new OpenGate({ limit: 2, clock });
    const a = admitted(await gate.acquire());
    admitted(await gate.acquire());
    a.release();
    a.release();
    assert.equal(gate.inFlight, 1);
  });

  it('a slot held past maxHoldMs is given to the next open; the late release() changes nothing', async () => {
    const gate = new OpenGate({ limit: 1, maxHoldMs: 2000, clock });
    const slow = admitted(await gate.acquire());
    const next = track(gate);
    await clock.advance(1999);
    assert.equal(next.result, undefined);
    await clock.advance(1);
    admitted(next.result);
    assert.equal(gate.inFlight, 1);
    slow.release();
    assert.equal(gate.inFlight, 1);
    assert.equal(clock.pendingTimers(), 1, 'only the second slot’s hold timer is left');
  });

  it('a released slot cancels its hold timer', async () => {
    const gate = new OpenGate({ limit: 1, clock });
    admitted(await gate.acquire()).release();
    assert.equal(clock.pendingTimers(), 0);
  });

  it('refuses a limit below 1', () => {
    assert.throws(() => new OpenGate({ limit: 0 }), /at least 1/);
    assert.throws(() => new OpenGate({ limit: 1.5 }), /at least 1/);
  });
});
