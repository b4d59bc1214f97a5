/**
 * The safety net under every other source: list all keys and enqueue them, at start, whenever the
 * caller says state may have been missed (after a Redis reconnect), and periodically with jitter so
 * that many instances do not resync in lockstep.
 *
 * A triggered run (start, reconnect) enqueues everything at once: something may have been missed.
 * A periodic run is routine, so it spreads its keys over its period in slices: 10,000 keys every 30 s
 * are about 333 reconciles a second instead of 10,000 in the first second and none in the next 29.
 */
import { sleep, systemClock, type Clock, type Timer } from '../../clock';
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
  /**
   * Whether start() runs a full resync at once. Default true. A caller whose keyspace subscription
   * triggers a run on every (re)subscription sets false, so that start-up costs one run, not two.
   */
  readonly runAtStart?: boolean;
  /** Whether periodic runs spread their keys over the period (false: all at once). Default true. */
  readonly spread?: boolean;
  /**
   * Narrows a batch of listed keys (yieldEvery of them, ahead of the slices of a spread run) to
   * those worth a reconcile, in one round trip for the lot: a resync over thousands of idle keys then
   * costs a few batched reads instead of a reconcile each. A key left out is one whose reconcile would
   * have found nothing to do. If it fails, the whole batch goes through (logged once per run): the
   * resync is the safety net, and a reconcile can always tell for itself. Default: every key.
   */
  readonly select?: (keys: readonly K[], signal: AbortSignal) => Promise<readonly K[]>;
  /**
   * About how far apart the slices of a spread run are. Default 100 ms: a slice's reconciles run as fast
   * as the workers go, so larger slices are bursts (1000 ms slices made 5,000 commands in half a second).
   */
  readonly sliceMs?: number;
}

export interface ResyncRun {
  readonly reason: string;
  readonly outcome: 'complete' | 'failed' | 'cancelled';
  /** Keys listed, and of those the ones enqueued (all of them without `select`). */
  readonly keys: number;
  readonly enqueued: number;
  readonly durationMs: number;
  /** Whether the keys were spread over the period (a periodic run) rather than enqueued at once. */
  readonly spread: boolean;
}

/**
 * While a triggered run is listing, further triggers collapse into one follow-up run with the latest
 * reason; a trigger during a spread (periodic) run cancels the rest of it and runs at once.
 */
type RunState =
  | { readonly kind: 'waiting'; readonly next: Timer | undefined }
  | { readonly kind: 'listing'; readonly abort: AbortController; readonly spread: boolean; again: string | undefined; enqueued: number; selectFailed: boolean };

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
  private readonly sliceMs: number;

  constructor(private readonly options: ResyncSourceOptions<K>) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger).child({ source: 'resync' });
    this.periodMs = options.periodMs ?? 30_000;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.random = options.random ?? Math.random;
    this.yieldEvery = Math.max(1, options.yieldEvery ?? 500);
    this.sliceMs = Math.max(1, options.sliceMs ?? 100);
  }

  /** Begins with a full resync (unless runAtStart is false: then with the first trigger or period); does not wait for it. */
  start(enqueue: (key: K) => void): void {
    if (this.state.phase !== 'idle') throw new Error('resync source was already started');
    const state: SourceState<K> = { phase: 'running', enqueue, run: { kind: 'waiting', next: undefined } };
    this.state = state;
    if (this.options.runAtStart ?? true) this.trigger('start');
    else state.run = { kind: 'waiting', next: this.clock.setTimeout(() => this.periodic(), this.nextPeriod()) };
  }

  /**
   * Runs a full resync now (all keys at once), or right after the triggered one in progress (whose
   * listing may predate the cause). A spread run in progress is cut short for it.
   */
  trigger(reason: string): void {
    const state = this.state;
    if (state.phase !== 'running') return;
    if (state.run.kind === 'listing') {
      if (!state.run.spread) {
        state.run.again = reason;
        return;
      }
      state.run.abort.abort(new Error(`resync triggered: ${reason}`));
    } else state.run.next?.cancel();
    this.begin(state, reason, false);
  }

  private periodic(): void {
    const state = this.state;
    if (state.phase !== 'running' || state.run.kind !== 'waiting') return;
    this.begin(state, 'periodic', this.options.spread ?? true);
  }

  private begin(state: Extract<SourceState<K>, { phase: 'running' }>, reason: string, spread: boolean): void {
    const abort = new AbortController();
    const run: Extract<RunState, { kind: 'listing' }> = { kind: 'listing', abort, spread, again: undefined, enqueued: 0, selectFailed: false };
    state.run = run;
    void this.runOnce(state, run, reason);
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

  private async runOnce(state: Extract<SourceState<K>, { phase: 'running' }>, run: Extract<RunState, { kind: 'listing' }>, reason: string): Promise<void> {
    const signal = run.abort.signal;
    const started = this.clock.monotonic();
    // A spread run lasts its period: the next one starts when it ends.
    const periodMs = this.nextPeriod();
    let keys = 0;
    let outcome: ResyncRun['outcome'] = 'complete';
    try {
      if (run.spread) keys = await this.spreadOver(state, run, started, periodMs);
      else {
        const batch: K[] = [];
        for await (const key of this.options.list(signal)) {
          if (signal.aborted) break;
          batch.push(key);
          keys += 1;
          if (batch.length < this.yieldEvery) continue;
          this.enqueue(state, run, await this.selected(run, batch.splice(0)));
          await new Promise((resolve) => setImmediate(resolve));
          // Checked again after the yield: stop() may have run meanwhile.
          if (signal.aborted) break;
        }
        if (!signal.aborted) this.enqueue(state, run, await this.selected(run, batch));
      }
      if (signal.aborted) outcome = 'cancelled';
    } catch (error) {
      outcome = signal.aborted ? 'cancelled' : 'failed';
      // The next trigger or period retries; a reconnect will trigger one anyway if Redis was down.
      if (outcome === 'failed') this.log.warn({ reason, keys, error: error instanceof Error ? error.message : String(error) }, 'resync failed');
    }
    const result: ResyncRun = { reason, outcome, keys, enqueued: run.enqueued, durationMs: this.clock.monotonic() - started, spread: run.spread };
    this.log.debug(result, 'resync finished');
    this.options.onRun?.(result);
    // Superseded (a trigger cut a spread run short) or stopped: whoever replaced it schedules what follows.
    if (this.state !== state || state.run !== run) return;
    const again = run.again;
    if (again !== undefined) {
      state.run = { kind: 'waiting', next: undefined };
      this.trigger(again);
      return;
    }
    const waitMs = run.spread ? Math.max(0, started + periodMs - this.clock.monotonic()) : periodMs;
    state.run = { kind: 'waiting', next: this.clock.setTimeout(() => this.periodic(), waitMs) };
  }

  /**
   * Lists every key, then enqueues them in slices about sliceMs apart over periodMs, each slice at a
   * random point of its share of the period (so instances and consumers do not pulse together).
   * Known limit: the listed ids are held in memory for the period (10,000 guild ids: about 0.5 MB).
   */
  private async spreadOver(state: Extract<SourceState<K>, { phase: 'running' }>, run: Extract<RunState, { kind: 'listing' }>, started: number, periodMs: number): Promise<number> {
    const signal = run.abort.signal;
    const listed: K[] = [];
    for await (const key of this.options.list(signal)) {
      if (signal.aborted) return 0;
      listed.push(key);
      if (listed.length % this.yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const slices = Math.max(1, Math.min(listed.length, Math.round(periodMs / this.sliceMs)));
    const shareMs = periodMs / slices;
    let enqueued = 0;
    let selectedTo = 0;
    /** Keys `select` kept that have yet to be enqueued (a batch may end inside a slice). */
    const kept = new Set<K>();
    for (let slice = 0; slice < slices; slice++) {
      const at = started + (slice + this.jitter * this.random()) * shareMs;
      const waitMs = at - this.clock.monotonic();
      if (waitMs > 0) await sleep(this.clock, waitMs, signal);
      if (signal.aborted) break;
      const end = Math.round(((slice + 1) * listed.length) / slices);
      // `select` is asked ahead, for yieldEvery keys at a time (one call covers several slices).
      if (end > selectedTo) {
        const upTo = Math.min(listed.length, Math.max(end, selectedTo + this.yieldEvery));
        for (const key of await this.selected(run, listed.slice(selectedTo, upTo))) kept.add(key);
        selectedTo = upTo;
      }
      this.enqueue(state, run, listed.slice(enqueued, end).filter((key) => kept.delete(key)));
      enqueued = end;
    }
    return enqueued;
  }

  /** The keys of a batch that `select` keeps (all of them if it fails; none once the run is cancelled). */
  private async selected(run: Extract<RunState, { kind: 'listing' }>, batch: readonly K[]): Promise<readonly K[]> {
    const signal = run.abort.signal;
    if (this.options.select === undefined || batch.length === 0) return batch;
    try {
      return await this.options.select(batch, signal);
    } catch (error) {
      if (!run.selectFailed && !signal.aborted) this.log.warn({ keys: batch.length, error: error instanceof Error ? error.message : String(error) }, 'resync could not narrow its keys: reconciling every one');
      run.selectFailed = true;
      return batch;
    }
  }

  /** Enqueues keys of a run that is still going (stop() or a trigger may have come during a select). */
  private enqueue(state: Extract<SourceState<K>, { phase: 'running' }>, run: Extract<RunState, { kind: 'listing' }>, keys: readonly K[]): void {
    if (run.abort.signal.aborted) return;
    for (const key of keys) state.enqueue(key);
    run.enqueued += keys.length;
  }

  private nextPeriod(): number {
    return this.periodMs * (1 - this.jitter + 2 * this.jitter * this.random());
  }
}
