/**
 * Liveness and readiness as Kubernetes reads them: live means the event loop answers;
 * ready means this instance should be given work (not draining, Redis reachable, Discord connected).
 */
export type ReadinessCheck = () => boolean;

export class Health {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Adds (or replaces) a named condition that must hold for the instance to be ready. */
  require(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** The names of the conditions that do not hold now; empty when ready. */
  failing(): string[] {
    return [...this.checks].filter(([, check]) => !check()).map(([name]) => name);
  }

  ready(): boolean {
    return this.failing().length === 0;
  }
}
