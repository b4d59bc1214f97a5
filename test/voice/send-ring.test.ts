/**
 * The send ring against a socket whose send callbacks the test holds: a slot is never written while
 * its send is in flight, a full ring (or a packet too big for a slot) gets a fresh buffer and counts
 * it, and completions free slots in order.
 */
import { strict as assert } from 'node:assert';
import { SendRing, type DatagramSender } from '../../src/voice/engine/send-ring';

interface HeldSend {
  readonly msg: Buffer;
  readonly length: number;
  /** The bytes at the moment of sending, to compare with what the buffer holds when it completes. */
  readonly copy: Buffer;
  readonly callback: ((error: Error | null, bytes: number) => void) | undefined;
}

class HoldingSocket implements DatagramSender {
  readonly held: HeldSend[] = [];
  closed = false;
  send(msg: Buffer, offset: number, length: number, _port: number, _address: string, callback?: (error: Error | null, bytes: number) => void): void {
    if (this.closed) throw new Error('Not running');
    this.held.push({ msg, length, copy: Buffer.from(msg.subarray(offset, offset + length)), callback });
  }
  /** Completes the oldest held send with a callback, as libuv does: in order. */
  complete(error: Error | null = null): HeldSend {
    const i = this.held.findIndex((h) => h.callback !== undefined);
    const [h] = this.held.splice(i, 1);
    assert.ok(h && h.callback && i >= 0, 'a send in flight');
    // The buffer must still hold what was sent: nothing wrote into it while in flight.
    assert.ok(h.msg.subarray(0, h.length).equals(h.copy), 'a buffer in flight was overwritten');
    h.callback(error, h.length);
    return h;
  }
}

function fill(ring: SendRing, bytes: number, value: number): Buffer {
  const b = ring.take(bytes);
  b.fill(value, 0, bytes);
  return b;
}

describe('send ring', () => {
  it('reuses a slot only after its send completed, and allocates (counting) when the next is in flight', () => {
    const socket = new HoldingSocket();
    const ring = new SendRing(socket, 5000, '127.0.0.1', { slots: 2, slotBytes: 64 });
    const a = fill(ring, 40, 1);
    assert.ok(ring.send(a, 40));
    const b = fill(ring, 40, 2);
    assert.notEqual(b, a);
    assert.ok(ring.send(b, 40));
    assert.equal(ring.stats().inFlight, 2);

    // Both slots in flight: the third packet must not go into either.
    const c = fill(ring, 40, 3);
    assert.ok(c !== a && c !== b, 'a fresh buffer');
    assert.ok(ring.send(c, 40));
    assert.deepEqual(ring.stats(), { sends: 3, fresh: 1, inFlight: 2, errors: 0 });
    assert.equal(socket.held[2]?.callback, undefined, 'a fresh buffer is sent without a callback');

    socket.complete();
    const d = fill(ring, 40, 4);
    assert.equal(d, a, 'the first slot, free again');
    assert.ok(ring.send(d, 40));
    socket.complete();
    socket.complete();
    assert.equal(ring.stats().inFlight, 0);
    assert.equal(ring.take(40), b);
  });

  it('a replaced packet reuses the slot it took; a packet larger than a slot gets a fresh buffer', () => {
    const socket = new HoldingSocket();
    const ring = new SendRing(socket, 5000, '127.0.0.1', { slots: 3, slotBytes: 64 });
    const first = ring.take(40);
    assert.equal(ring.take(50), first, 'nothing was sent: the same slot');
    const big = ring.take(65);
    assert.ok(big.length >= 65 && big !== first);
    assert.equal(ring.stats().fresh, 1);
    assert.ok(ring.send(big, 65));
    assert.equal(ring.take(10), first, 'a fresh send does not move the ring');
  });

  it('counts failed sends, thrown or reported, and keeps going', () => {
    const socket = new HoldingSocket();
    const ring = new SendRing(socket, 5000, '127.0.0.1', { slots: 2, slotBytes: 64 });
    assert.ok(ring.send(fill(ring, 20, 1), 20));
    socket.complete(new Error('EPERM'));
    assert.deepEqual(ring.stats(), { sends: 1, fresh: 0, inFlight: 0, errors: 1 });
    socket.closed = true;
    const slot = fill(ring, 20, 2);
    assert.equal(ring.send(slot, 20), false);
    assert.deepEqual(ring.stats(), { sends: 1, fresh: 0, inFlight: 0, errors: 2 });
    assert.equal(ring.take(20), slot, 'a send that threw holds no slot');
  });

  it('under a long run with sends completing late, no buffer is overwritten in flight', () => {
    const socket = new HoldingSocket();
    const ring = new SendRing(socket, 5000, '127.0.0.1', { slots: 4, slotBytes: 64 });
    for (let i = 0; i < 500; i += 1) {
      assert.ok(ring.send(fill(ring, 10 + (i % 50), i & 0xff), 10 + (i % 50)));
      // Completions lag behind by up to five sends, in bursts.
      const inFlight = socket.held.filter((h) => h.callback !== undefined).length;
      if (i % 7 === 0) while (socket.held.some((h) => h.callback !== undefined)) socket.complete();
      else if (inFlight > 5) socket.complete();
    }
    const s = ring.stats();
    assert.equal(s.sends, 500);
    assert.ok(s.fresh > 0 && s.fresh < 500, `fresh ${s.fresh}`);
  });
});
