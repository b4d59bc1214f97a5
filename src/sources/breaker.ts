/**
 * Cool-down of a source whose requests keep failing: after `failures` failed searches in a row, search
 * skips it for `coolDownMs`, so members get answers from the sources that work instead of waiting on a
 * broken one, and the reply says which source was skipped. One success closes it again. Per instance:
 * each instance learns on its own, which costs a fleet a few failed searches each, not a Redis round trip
 * on every keystroke.
 */
import type { Clock } from '../clock';

/** Default failures in a row that start a cool-down: 3. */
export const DEFAULT_BREAKER_FAILURES = 3;
/** Default cool-down: 60 s. */
export const DEFAULT_COOL_DOWN_MS = 60_000;

type BreakerState = { readonly kind: 'closed'; readonly failures: number } | { readonly kind: 'cooling'; readonly untilMs: number };

export class SourceBreaker {
  private readonly states = new Map<string, BreakerState>();

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
      return undefined;
    }
    return state.untilMs;
  }

  succeeded(source: string): void {
    this.states.set(source, { kind: 'closed', failures: 0 });
  }

  /** Returns true when this failure started a cool-down. */
  failed(source: string): boolean {
    const state = this.states.get(source);
    const failures = (state?.kind === 'closed' ? state.failures : 0) + 1;
    if (failures >= this.failures) {
      this.states.set(source, { kind: 'cooling', untilMs: this.clock.now() + this.coolDownMs });
      return true;
    }
    this.states.set(source, { kind: 'closed', failures });
    return false;
  }
}
