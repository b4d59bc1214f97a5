/**
 * The engine's half of asking the main thread for a stream plan: each ask gets an id, goes out as a
 * `plan` event, and is settled by the `plan-answer` command of that id, or as cancelled when the
 * open's signal fires first (a late answer is then ignored).
 */
import type { PlanOutcome, PlanProvider } from '../../media/plan';

const CANCELLED: PlanOutcome = { kind: 'cancelled' };

export class PlanRequests {
  private nextId = 1;
  private readonly waiting = new Map<number, (outcome: PlanOutcome) => void>();

  constructor(private readonly ask: (id: number, guild: string, play: number, attempt: number) => void) {}

  /** A plan provider for one play: every call asks once more. */
  provider(guild: string, play: number): PlanProvider {
    return (attempt, signal) =>
      new Promise<PlanOutcome>((resolve) => {
        if (signal.aborted) return resolve(CANCELLED);
        const id = this.nextId++;
        const onAbort = (): void => settle(CANCELLED);
        const settle = (outcome: PlanOutcome): void => {
          this.waiting.delete(id);
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        };
        this.waiting.set(id, settle);
        signal.addEventListener('abort', onAbort, { once: true });
        this.ask(id, guild, play, attempt);
      });
  }

  /** The main thread answered; an answer to nothing waiting (cancelled, or unknown) is ignored. */
  answer(id: number, outcome: PlanOutcome): void {
    this.waiting.get(id)?.(outcome);
  }

  /** Settles every ask as cancelled (the engine closes). */
  cancelAll(): void {
    for (const settle of [...this.waiting.values()]) settle(CANCELLED);
  }
}
