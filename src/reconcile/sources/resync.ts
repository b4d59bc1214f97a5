/**
 * The safety net under every other source: list all keys and enqueue them, at start, whenever the
 * caller says state may have been missed (after a Redis reconnect), and periodically with jitter so
 * that many instances do not resync in lockstep.
 */
import { systemClock, type Clock, type Timer } from '../../clock';
import { silentLogger, type Logger } from '../../log';
import type { Source } from '../source';

export interface ResyncSourceOptions<K> {
  /**
   * Every key, streamed. The signal aborts when the run is cancelled; honouring it is optional,
   * since the source stops enqueueing either way.
   */
  readonly list: (signal: AbortSignal) => AsyncIterable<K>;
  /** Mean time between periodic resyncs. Default 30 000 ms. */
  readonly periodMs?: number;
  /** Each period is drawn from periodMs × (1 ± jitter). Default 0.2. */
  readonly jitter?: number;
  /** Default systemClock. */
  readonly clock?: Clock;
  /** A number in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Default silentLogger. */
  readonly logger?: Logger;
  /** Called after each run, e.g. for metrics or tests. */
  readonly onRun?: (run: ResyncRun) => void;
  /** Keys enqueued between yields to the event loop, so a huge list cannot starve I/O. Default 500. */
  readonly yieldEvery?: number;
}

export interface ResyncRun {
  readonly reason: string;
  readonly outcome: 'complete' | 'failed' | 'cancelled';
  readonly keys: number;
  readonly durationMs: number;
}

/** While a run is listing, further triggers collapse into one follow-up run with the latest reason. */
type RunState =
  | { readonly kind: 'waiting'; readonly next: Timer | undefined }
  | { readonly kind: 'listing'; readonly abort: AbortController; again: string | undefined };

type SourceState<K> =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly enqueue: (key: K) => void; run: RunState }
  | { readonly phase: 'stopped' };

export class ResyncSource<K> implements Source<K> {
  private state: SourceState<K> = { phase: 'idle' };
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly periodMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private readonly yieldEvery: number;

  constructor(private readonly options: ResyncSourceOptions<K>) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger).child({ source: 'resync' });
    this.periodMs = options.periodMs ?? 30_000;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.random = options.random ?? Math.random;
    this.yieldEvery = Math.max(1, options.yieldEvery ?? 500);
  }

  /** Begins with a full resync; does not wait for it. */
  start(enqueue: (key: K) => void): void {
    if (this.state.phase !== 'idle') throw new Error('resync source was already started');
    this.state = { phase: 'running', enqueue, run: { kind: 'waiting', next: undefined } };
    this.trigger('start');
  }

  /** Runs a full resync now, or right after the one in progress (whose listing may predate the cause). */
  trigger(reason: string): void {
    const state = this.state;
    if (state.phase !== 'running') return;
    if (state.run.kind === 'listing') {
      state.run.again = reason;
      return;
    }
    state.run.next?.cancel();
    const abort = new AbortController();
    state.run = { kind: 'listing', abort, again: undefined };
    void this.runOnce(state, reason, abort.signal);
  }

  /**
   * Stops timers and the current listing. Does not wait for a listing blocked in I/O (a SSCAN on a
   * dead connection may take long), but no key is enqueued once this resolves.
   */
  async stop(): Promise<void> {
    const state = this.state;
    this.state = { phase: 'stopped' };
    if (state.phase !== 'running') return;
    if (state.run.kind === 'listing') state.run.abort.abort(new Error('resync source stopped'));
    else state.run.next?.cancel();
  }

  private async runOnce(state: Extract<SourceState<K>, { phase: 'running' }>, reason: string, signal: AbortSignal): Promise<void> {
    const started = this.clock.monotonic();
    let keys = 0;
    let outcome: ResyncRun['outcome'] = 'complete';
    try {
      for await (const key of this.options.list(signal)) {
        if (signal.aborted) break;
        state.enqueue(key);
        if (++keys % this.yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
        // Checked again after the yield: stop() may have run meanwhile.
        if (signal.aborted) break;
      }
      if (signal.aborted) outcome = 'cancelled';
    } catch (error) {
      outcome = signal.aborted ? 'cancelled' : 'failed';
      // The next trigger or period retries; a reconnect will trigger one anyway if Redis was down.
      if (outcome === 'failed') this.log.warn({ reason, keys, error: error instanceof Error ? error.message : String(error) }, 'resync failed');
    }
    const run: ResyncRun = { reason, outcome, keys, durationMs: this.clock.monotonic() - started };
    this.log.debug(run, 'resync finished');
    this.options.onRun?.(run);
    if (this.state !== state || state.run.kind !== 'listing') return;
    const again = state.run.again;
    if (again !== undefined) {
      state.run = { kind: 'waiting', next: undefined };
      this.trigger(again);
      return;
    }
    state.run = { kind: 'waiting', next: this.clock.setTimeout(() => this.trigger('periodic'), this.nextPeriod()) };
  }

  private nextPeriod(): number {
    return this.periodMs * (1 - this.jitter + 2 * this.jitter * this.random());
  }
}
