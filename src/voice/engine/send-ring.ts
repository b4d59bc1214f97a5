/**
 * A small ring of preallocated packet buffers for one voice UDP socket, safe against the send
 * completing later: dgram keeps reading a buffer after `send()` returns (an unconnected socket
 * resolves the address on a later tick, and a full kernel buffer queues the datagram), so a slot is
 * written again only after its send's callback came. Sends of one socket complete in order (libuv
 * queues them first in, first out), so completions are counted, not matched: the slot after the
 * newest is free once `sent - completed < slots`. When it is not, `take` hands out a fresh buffer
 * (counted in `fresh`), which is sent without a callback: Node holds it until the datagram is out.
 * Known limit: a socket closed while sends wait on their address lookup never calls them back, so
 * its ring hands out only fresh buffers after that; a closed socket refuses every send anyway, and
 * the sink makes a new ring for the connection's next socket.
 */

/** The part of a dgram socket the ring uses (node:dgram's Socket has it; tests hold the callbacks of a fake). */
export interface DatagramSender {
  send(msg: Buffer, offset: number, length: number, port: number, address: string, callback?: (error: Error | null, bytes: number) => void): void;
}

export interface SendRingOptions {
  /**
   * Slots in the ring. Default 4: a slot's send completes a tick or two after it is made, and the
   * same connection's next packet is prepared 20 ms later, so 2 would do; 4 covers a kernel queue.
   */
  readonly slots?: number;
  /**
   * Bytes per slot. Default 1024: a 20 ms Opus frame at 256 kbit/s is 640 bytes, plus the 12-byte
   * header, DAVE's at most ~20 bytes, the 16-byte tag and the 4-byte nonce. A larger packet gets a
   * fresh buffer (counted in `fresh`).
   */
  readonly slotBytes?: number;
}

export const DEFAULT_SEND_RING_SLOTS = 4;
export const DEFAULT_SEND_RING_SLOT_BYTES = 1024;

export interface SendRingStats {
  /** Datagrams handed to the socket (slots and fresh buffers). */
  readonly sends: number;
  /** Buffers allocated because the next slot was still in flight or the packet did not fit a slot. */
  readonly fresh: number;
  /** Slot sends whose callback has not come yet. */
  readonly inFlight: number;
  /** Sends that failed: thrown at once (a closed socket) or reported to the callback. */
  readonly errors: number;
}

export class SendRing {
  private readonly slots: Buffer[];
  /** Slot sends made and completed: the ring's slots are used in order, so these two say which are free. */
  private slotSends = 0;
  private completed = 0;
  private sends = 0;
  private fresh = 0;
  private errors = 0;
  /** Bound once: one function for every send of this socket (no closure per packet). */
  private readonly onSent = (error: Error | null): void => {
    this.completed += 1;
    if (error) this.errors += 1;
  };

  constructor(
    private readonly socket: DatagramSender,
    private readonly port: number,
    private readonly address: string,
    options: SendRingOptions = {},
  ) {
    const count = Math.max(1, options.slots ?? DEFAULT_SEND_RING_SLOTS);
    const bytes = options.slotBytes ?? DEFAULT_SEND_RING_SLOT_BYTES;
    // One allocation for all slots (outside Node's shared pool, so it is this ring's alone).
    const store = Buffer.allocUnsafeSlow(count * bytes);
    this.slots = Array.from({ length: count }, (_, i) => store.subarray(i * bytes, (i + 1) * bytes));
  }

  /**
   * A buffer of at least `bytes` for the next packet: the next slot when its last send completed,
   * else a fresh one. Calling it again before `send` returns the same slot (a replaced packet).
   */
  take(bytes: number): Buffer {
    const slot = this.nextSlot();
    if (slot !== undefined && bytes <= slot.length) return slot;
    this.fresh += 1;
    return Buffer.allocUnsafe(bytes);
  }

  /** Sends the first `length` bytes of a buffer from `take`; false when the socket refused at once. */
  send(buffer: Buffer, length: number): boolean {
    const isSlot = buffer === this.nextSlot();
    try {
      if (isSlot) this.socket.send(buffer, 0, length, this.port, this.address, this.onSent);
      else this.socket.send(buffer, 0, length, this.port, this.address);
    } catch {
      // A closed socket throws (ERR_SOCKET_DGRAM_NOT_RUNNING); no callback will come for this send.
      this.errors += 1;
      return false;
    }
    if (isSlot) this.slotSends += 1;
    this.sends += 1;
    return true;
  }

  stats(): SendRingStats {
    return { sends: this.sends, fresh: this.fresh, inFlight: this.slotSends - this.completed, errors: this.errors };
  }

  private nextSlot(): Buffer | undefined {
    if (this.slotSends - this.completed >= this.slots.length) return undefined;
    return this.slots[this.slotSends % this.slots.length];
  }
}
