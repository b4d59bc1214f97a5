/**
 * The health of each source, and its circuit: after `failures` failed requests in a row (searches,
 * opens, mirror lookups), search, mirrors and fallback skip the source for `coolDownMs`, so members get
 * answers and audio from the sources that work instead of waiting on a broken one, and the reply says
 * which source was skipped. One success closes it again. Per instance: each instance learns on its own,
 * which costs a fleet a few failed requests each, not a Redis round trip on every keystroke; what each
 * instance sees is published for operators (src/sources/health.ts).
 */
import type { Clock } from '../clock';

/** Default failures in a row that open the circuit: 3. */
export const DEFAULT_BREAKER_FAILURES = 3;
/** Default cool-down: 60 s. */
export const DEFAULT_COOL_DOWN_MS = 60_000;
/** How many recent outcomes per source the failure rate is taken over (default 20). */
export const HEALTH_WINDOW = 20;

type BreakerState = { readonly kind: 'closed'; readonly failures: number } | { readonly kind: 'cooling'; readonly untilMs: number };

/** One source as this instance sees it. */
export interface SourceHealth {
  readonly source: string;
  /** Failed share of the last HEALTH_WINDOW requests (0 when none yet). */
  readonly failureRate: number;
  readonly requests: number;
  /** Until when (wall clock ms) the circuit is open; absent when closed. */
  readonly openUntil?: number;
}

export class SourceBreaker {
  private readonly states = new Map<string, BreakerState>();
  /** Recent outcomes per source, newest last: true for a failure. */
  private readonly recent = new Map<string, boolean[]>();

  /** Called when a circuit opens or closes (health publishes at once then, not at its next period). */
  onCircuitChange: (source: string) => void = () => {};

  constructor(
    private readonly clock: Clock,
    private readonly failures = DEFAULT_BREAKER_FAILURES,
    private readonly coolDownMs = DEFAULT_COOL_DOWN_MS,
  ) {}

  /** Whether the source is resting, and until when. */
  coolingUntil(source: string): number | undefined {
    const state = this.states.get(source);
    if (state?.kind !== 'cooling') return undefined;
    if (this.clock.now() >= state.untilMs) {
      // After the rest, one request tries again; its failure starts a new cool-down at once.
      this.states.set(source, { kind: 'closed', failures: this.failures - 1 });
      this.onCircuitChange(source);
      return undefined;
    }
    return state.untilMs;
  }

  succeeded(source: string): void {
    this.record(source, false);
    const wasOpen = this.states.get(source)?.kind === 'cooling';
    this.states.set(source, { kind: 'closed', failures: 0 });
    if (wasOpen) this.onCircuitChange(source);
  }

  /** Returns true when this failure started a cool-down. */
  failed(source: string): boolean {
    this.record(source, true);
    const state = this.states.get(source);
    const failures = (state?.kind === 'closed' ? state.failures : 0) + 1;
    if (failures >= this.failures) {
      this.states.set(source, { kind: 'cooling', untilMs: this.clock.now() + this.coolDownMs });
      this.onCircuitChange(source);
      return true;
    }
    this.states.set(source, { kind: 'closed', failures });
    return false;
  }

  /** Every source that made a request, with its failure rate and circuit. */
  health(): SourceHealth[] {
    return [...this.recent].map(([source, outcomes]) => {
      const openUntil = this.coolingUntil(source);
      return {
        source,
        failureRate: outcomes.length === 0 ? 0 : outcomes.filter((f) => f).length / outcomes.length,
        requests: outcomes.length,
        ...(openUntil === undefined ? {} : { openUntil }),
      };
    });
  }

  private record(source: string, failure: boolean): void {
    const outcomes = this.recent.get(source) ?? [];
    outcomes.push(failure);
    if (outcomes.length > HEALTH_WINDOW) outcomes.shift();
    this.recent.set(source, outcomes);
  }
}
