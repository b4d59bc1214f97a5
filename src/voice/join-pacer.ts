/**
 * Paces voice joins. A join is a burst of main-thread work (a TLS WebSocket to the voice server, IP
 * discovery, the session handshake), and a failover hands an instance dozens of guilds in one instant;
 * done all at once, those bursts hold up the 20 ms audio cycle of the guilds already playing. At most
 * `limit` guilds are joining at a time; the others wait in arrival order and are woken when a slot frees,
 * so waiting costs no polling.
 */
export class JoinPacer {
  private readonly joining = new Set<string>();
  private readonly waiting = new Set<string>();

  constructor(
    /** Joins in flight at once. HIQTY_MAX_JOINING, default DEFAULT_MAX_JOINING. */
    private readonly limit: number,
    /** Wakes a waiting guild when its turn comes. */
    private readonly wake: (guild: string) => void,
  ) {}

  /** True when the guild may join now (it then holds a slot until `done`); otherwise it waits to be woken. */
  admit(guild: string): boolean {
    if (this.joining.has(guild)) return true;
    if (this.joining.size < this.limit) {
      this.waiting.delete(guild);
      this.joining.add(guild);
      return true;
    }
    this.waiting.add(guild);
    return false;
  }

  /** The guild's join finished (ready, failed, or the guild was let go): its slot goes to those in line. */
  done(guild: string): void {
    this.waiting.delete(guild);
    if (this.joining.delete(guild)) this.wakeWaiting();
  }

  /** Joins in flight, for tests and metrics. */
  inFlight(): number {
    return this.joining.size;
  }

  /**
   * Wakes as many waiting guilds, oldest first, as there are free slots. A woken guild leaves the line:
   * if it no longer wants to join it cannot hold up the others, and if it does, admit() lets it in.
   */
  private wakeWaiting(): void {
    let free = this.limit - this.joining.size;
    for (const guild of [...this.waiting]) {
      if (free <= 0) return;
      this.waiting.delete(guild);
      free -= 1;
      this.wake(guild);
    }
  }
}

/** Default of HIQTY_MAX_JOINING: enough for a herd of 50 to be in voice within about a second here. */
export const DEFAULT_MAX_JOINING = 4;
