/**
 * How long a voice host waits before it respawns a worker that died: at once-ish after a worker that
 * had lived a while (its guilds should resume without delay), and doubling while workers keep dying
 * within seconds of their start (a crash at start-up must not spin a core).
 */

export interface RestartPolicy {
  /** Wait before the first respawn, and after a worker that lived `stableLifeMs`. Default 100 ms. */
  readonly firstDelayMs: number;
  /** The wait doubles up to this. Default 5 s. */
  readonly maxDelayMs: number;
  /** A worker that lived this long resets the wait. Default 5 s. */
  readonly stableLifeMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { firstDelayMs: 100, maxDelayMs: 5000, stableLifeMs: 5000 };

export class RestartBackoff {
  private current = 0;

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** The wait before respawning a worker that died after living `lifeMs`. */
  next(lifeMs: number): number {
    const { firstDelayMs, maxDelayMs, stableLifeMs } = this.policy;
    this.current = this.current === 0 || lifeMs >= stableLifeMs ? firstDelayMs : Math.min(this.current * 2, maxDelayMs);
    return this.current;
  }
}
