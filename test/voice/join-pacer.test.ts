import { strict as assert } from 'node:assert';
import { JoinPacer } from '../../src/voice/join-pacer';

describe('voice: the join pacer', () => {
  it('admits up to its limit, queues the rest, and wakes them oldest first as slots free', () => {
    const woken: string[] = [];
    const pacer = new JoinPacer(2, (guild) => woken.push(guild));
    assert.equal(pacer.admit('a'), true);
    assert.equal(pacer.admit('b'), true);
    assert.equal(pacer.admit('a'), true, 'a guild holding a slot is admitted again');
    assert.equal(pacer.admit('c'), false);
    assert.equal(pacer.admit('d'), false);
    assert.equal(pacer.inFlight(), 2);
    pacer.done('a');
    assert.deepEqual(woken, ['c'], 'one slot freed: the oldest waiter is woken');
    assert.equal(pacer.admit('c'), true);
    pacer.done('b');
    pacer.done('c');
    assert.deepEqual(woken, ['c', 'd'], 'd woken once; nobody else waits');
    assert.equal(pacer.admit('d'), true);
  });

  it('a woken guild that no longer joins cannot hold up the line', () => {
    const woken: string[] = [];
    const pacer = new JoinPacer(1, (guild) => woken.push(guild));
    pacer.admit('a');
    pacer.admit('b');
    pacer.admit('c');
    pacer.done('a');
    assert.deepEqual(woken, ['b']);
    // b was let go instead of joining: c still gets the free slot on its next try.
    assert.equal(pacer.admit('c'), true);
    pacer.done('c');
    assert.deepEqual(woken, ['b'], 'b left the line when woken');
  });

  it('a guild let go while waiting leaves the line; done() of a guild without a slot wakes nobody', () => {
    const woken: string[] = [];
    const pacer = new JoinPacer(1, (guild) => woken.push(guild));
    pacer.admit('a');
    pacer.admit('b');
    pacer.done('b');
    pacer.done('a');
    assert.deepEqual(woken, []);
    assert.equal(pacer.inFlight(), 0);
  });
});
