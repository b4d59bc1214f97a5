/**
 * The one 20 ms scheduler of an engine (one per thread). Each tick arms the next tick's timer first,
 * on a fixed grid (start + n × 20 ms, so it never drifts), then sends every packet prepared in the
 * last tick, and only then prepares the next packets, in batches with a setImmediate between them so
 * that timers and I/O (the next tick among them) are never held behind the whole set.
 *
 * It replaces @discordjs/voice's global audio cycle, which prepares one player per setImmediate and
 * arms the next timer only after the last one, so any work on the thread delays every guild.
 */
import type { Clock, Timer } from '../../clock';

/** The length of one Opus frame, and of a tick. */
export const FRAME_MS = 20;

/** Default of FrameClockOptions.batchSize: subscribers prepared between two yields of the thread. */
export const DEFAULT_PREPARE_BATCH = 64;

/** One thing that sends a packet per tick: in the engine, a guild's voice. */
export interface FrameSubscriber {
  /** Sends what was prepared in the previous tick, if anything. Called before any prepare of this tick. */
  dispatch(): void;
  /** Prepares the packet for the next tick; true when a packet was prepared. Must not prepare twice in a row without a dispatch in between. */
  prepare(): boolean;
}

export interface FrameClockOptions {
  readonly clock: Clock;
  /** Default DEFAULT_PREPARE_BATCH (64). */
  readonly batchSize?: number;
  /** Runs the next batch of preparing. Default setImmediate (tests may run it themselves). */
  readonly defer?: (fn: () => void) => void;
  /** A high-resolution clock for the µs counters. Default performance.now. */
  readonly micros?: () => number;
}

/** The clock's counters: plain numbers, read at scrape time. */
export interface FrameClockCounters {
  /** Ticks run. */
  ticks: number;
  /** Ticks whose slot had passed before the tick could run (skipped, never sent in a burst). */
  ticksMissed: number;
  packetsPrepared: number;
  prepareMicros: number;
  dispatchMicros: number;
}

const defaultDefer = (fn: () => void): void => void setImmediate(fn);
const defaultMicros = (): number => performance.now();

export class FrameClock {
  readonly counters: FrameClockCounters = { ticks: 0, ticksMissed: 0, packetsPrepared: 0, prepareMicros: 0, dispatchMicros: 0 };
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly defer: (fn: () => void) => void;
  private readonly micros: () => number;
  /** Subscribers in prepare order; a removed one is left as undefined until the next tick compacts the list. */
  private readonly subscribers: Array<FrameSubscriber | undefined> = [];
  private removed = false;
  private timer: Timer | undefined;
  /** Monotonic time of slot 0, and the slot the next tick runs for. */
  private startMs = 0;
  private slot = 0;
  /** The prepare round in progress: its number (a new tick supersedes it), its length and how far it got. */
  private round = 0;
  private roundLength = 0;
  private roundDone = 0;
  /** Where the next round starts: a round cut short by the next tick resumes where it stopped. */
  private roundStart = 0;
  private readonly onTick = (): void => this.tick();
  private closed = false;

  constructor(options: FrameClockOptions) {
    this.clock = options.clock;
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_PREPARE_BATCH);
    this.defer = options.defer ?? defaultDefer;
    this.micros = options.micros ?? defaultMicros;
  }

  /** Subscribers now. */
  get size(): number {
    let n = 0;
    for (const s of this.subscribers) if (s !== undefined) n++;
    return n;
  }

  /** Starts sending for a subscriber from the next tick (its first packet is prepared in the next round). */
  add(subscriber: FrameSubscriber): void {
    if (this.closed || this.subscribers.includes(subscriber)) return;
    this.subscribers.push(subscriber);
    if (this.timer === undefined) {
      this.startMs = this.clock.monotonic();
      this.slot = 0;
      this.arm();
    }
  }

  remove(subscriber: FrameSubscriber): void {
    const i = this.subscribers.indexOf(subscriber);
    if (i < 0) return;
    this.subscribers[i] = undefined;
    this.removed = true;
  }

  /** Stops ticking for good. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.subscribers.length = 0;
    this.round++;
  }

  private arm(): void {
    const deadline = this.startMs + this.slot * FRAME_MS;
    this.timer = this.clock.setTimeout(this.onTick, deadline - this.clock.monotonic());
  }

  private tick(): void {
    this.timer = undefined;
    if (this.closed) return;
    if (this.removed) this.compact();
    if (this.subscribers.length === 0) return; // idle: add() starts a new grid
    const now = this.clock.monotonic();
    const late = now - (this.startMs + this.slot * FRAME_MS);
    if (late >= FRAME_MS) {
      const skipped = Math.floor(late / FRAME_MS);
      this.counters.ticksMissed += skipped;
      this.slot += skipped;
    }
    this.slot++;
    // (a) The next tick first: nothing below can push it back.
    this.arm();
    this.counters.ticks++;

    // (b) Every prepared packet leaves before anything is prepared.
    const t0 = this.micros();
    for (let i = 0; i < this.subscribers.length; i++) this.subscribers[i]?.dispatch();
    this.counters.dispatchMicros += (this.micros() - t0) * 1000;

    // (c) The next packets, in batches. An unfinished round (the thread was too busy) is superseded,
    // and the new one starts with the subscribers the old one did not reach.
    if (this.roundDone < this.roundLength) this.roundStart = (this.roundStart + this.roundDone) % this.subscribers.length;
    else this.roundStart = 0;
    this.round++;
    this.roundLength = this.subscribers.length;
    this.roundDone = 0;
    this.prepareBatch(this.round);
  }

  private readonly prepareBatch = (round: number): void => {
    if (round !== this.round || this.closed) return;
    const t0 = this.micros();
    const length = this.subscribers.length;
    const end = Math.min(this.roundLength, this.roundDone + this.batchSize);
    let prepared = 0;
    for (; this.roundDone < end; this.roundDone++) {
      if (length === 0) break;
      if (this.subscribers[(this.roundStart + this.roundDone) % length]?.prepare() === true) prepared++;
    }
    this.counters.packetsPrepared += prepared;
    this.counters.prepareMicros += (this.micros() - t0) * 1000;
    if (this.roundDone < this.roundLength) this.defer(() => this.prepareBatch(round));
  };

  /** Drops removed subscribers; only between rounds' indices matter, so a round restarts from 0. */
  private compact(): void {
    let j = 0;
    for (let i = 0; i < this.subscribers.length; i++) {
      const s = this.subscribers[i];
      if (s !== undefined) this.subscribers[j++] = s;
    }
    this.subscribers.length = j;
    this.removed = false;
    this.roundStart = 0;
    this.roundDone = this.roundLength = 0;
  }
}
