/**
 * Hands received packets to the audio monitors in time slices. The monitors decode Opus a whole
 * 200 ms window at a time, and windows of many guilds close in the same tick; run inline, that
 * work would stall the UDP socket for tens of milliseconds and make arrival times (and the kernel's
 * receive buffer) lie. Arrival time is stamped on receipt, so delivering later changes no result.
 */
import type { AudioPacketEvent } from './audio/types';

export class PacketQueue {
  private pending: AudioPacketEvent[] = [];
  private next = 0;
  private scheduled = false;

  constructor(
    private readonly deliver: (e: AudioPacketEvent) => void,
    /** Longest stretch of monitor work before the event loop gets to read sockets again. */
    private readonly sliceMs = 3,
  ) {}

  push(e: AudioPacketEvent): void {
    this.pending.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drainSlice);
    }
  }

  /** Delivers everything still queued, at once: before statistics are read. */
  flush(): void {
    while (this.next < this.pending.length) this.deliverNext();
    this.compact();
  }

  get length(): number {
    return this.pending.length - this.next;
  }

  private readonly drainSlice = (): void => {
    const deadline = performance.now() + this.sliceMs;
    while (this.next < this.pending.length) {
      this.deliverNext();
      // Checked after every packet: one packet can close a window and cost milliseconds of decoding.
      if (performance.now() >= deadline) break;
    }
    this.compact();
    this.scheduled = this.next < this.pending.length;
    if (this.scheduled) setImmediate(this.drainSlice);
  };

  private deliverNext(): void {
    const e = this.pending[this.next++];
    if (e) this.deliver(e);
  }

  private compact(): void {
    if (this.next === this.pending.length) {
      this.pending = [];
      this.next = 0;
    } else if (this.next > 4096) {
      this.pending = this.pending.slice(this.next);
      this.next = 0;
    }
  }
}
