/**
 * How many tracks this instance opens at once (HIQTY_MAX_OPENING). The expensive moment of a track
 * is the start of its audio: spawning ffmpeg and its first decoding burst (it runs as fast as it can
 * until the pipes fill, seconds of audio ahead), demuxing the first buffer. A herd of starts (a
 * failover hands an instance 50 guilds in the same second) would otherwise run all of them together,
 * competing for the cores with the event loop that runs @discordjs/voice's 20 ms audio cycle of the
 * guilds already playing. openTrack takes a slot after the probe, so DNS, the server's answer and the
 * probe's bytes (network waits, no CPU) run without one; the gate lets `limit` starts run and queues
 * the rest in arrival order.
 *
 * A slot is held until the open has an outcome (first audio, unplayable, cancelled), but at most
 * `maxHoldMs`: a source that stalls right after its first bytes waits for the network, which costs
 * nothing, so after that long it goes on without its slot instead of holding up every other guild's
 * start. Known limit: `limit` such sources can still delay the others' starts by `maxHoldMs`.
 */
import { systemClock, type Clock, type Timer } from '../clock';

/**
 * Default of HIQTY_MAX_OPENING: 2. A start is CPU-bound once its bytes are there, so more starts at
 * once than cores does not start a herd sooner (they share the cores) but does delay the audio of the
 * guilds already playing; `make bench` (herd) measures it.
 */
export const DEFAULT_MAX_OPENING = 2;
/** Default longest time one open holds its slot: 2 s, several times a healthy open (tens to a few hundred ms). */
export const DEFAULT_MAX_HOLD_MS = 2000;

export interface OpenGateOptions {
  /** Opens running at once; at least 1. */
  readonly limit: number;
  /** Default DEFAULT_MAX_HOLD_MS (2 s). */
  readonly maxHoldMs?: number;
  readonly clock?: Clock;
}

export type Admission =
  /** Call release() when the open has its outcome; calling it again, or after the hold expired, does nothing. */
  | { readonly kind: 'admitted'; release(): void }
  /** The signal fired while waiting: no slot was taken. */
  | { readonly kind: 'cancelled' };

interface Waiter {
  readonly admit: () => void;
  readonly onAbort: () => void;
}

export class OpenGate {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly clock: Clock;
  private readonly maxHoldMs: number;

  constructor(private readonly options: OpenGateOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError(`an open gate needs a limit of at least 1, not ${options.limit}`);
    this.clock = options.clock ?? systemClock;
    this.maxHoldMs = options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS;
  }

  /** Opens holding a slot now. */
  get inFlight(): number {
    return this.running;
  }

  /** Opens waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves when a slot is free (in arrival order), or with `cancelled` as soon as the signal fires. */
  acquire(signal?: AbortSignal): Promise<Admission> {
    if (signal?.aborted) return Promise.resolve({ kind: 'cancelled' });
    if (this.running < this.options.limit && this.queue.length === 0) return Promise.resolve(this.take());
    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve(this.take());
        },
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          resolve({ kind: 'cancelled' });
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private take(): Admission {
    this.running++;
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      timer.cancel();
      this.running--;
      this.queue.shift()?.admit();
    };
    const timer: Timer = this.clock.setTimeout(release, this.maxHoldMs);
    return { kind: 'admitted', release };
  }
}
