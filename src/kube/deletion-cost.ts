/**
 * controller.kubernetes.io/pod-deletion-cost from the number of guilds this pod plays. On scale-down the
 * ReplicaSet deletes pods with the lowest cost first, so the busiest pods go last. Every write of the
 * annotation is a pod update that all pod watchers in the namespace receive: hence coarse bands, and at
 * most one write per interval, and none while the band stays the same.
 */
import type { Clock, Timer } from '../clock';
import type { Logger } from '../log';

export const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** Lower bounds of the bands, highest first; a band's cost is its lower bound: 0, 1-9, 10-99, 100-999, 1000+. */
const BAND_FLOORS = [1000, 100, 10, 1, 0] as const;

export function deletionCostBand(guilds: number): number {
  return BAND_FLOORS.find((floor) => guilds >= floor) ?? 0;
}

/** Writes annotations on this pod (a JSON merge patch). Rejects when the API server refuses or is unreachable. */
export interface PodAnnotator {
  annotate(annotations: Readonly<Record<string, string>>): Promise<void>;
}

export class DeletionCost {
  /** The band last written successfully; undefined until the first write, which also overwrites a stale value. */
  private written: number | undefined;
  private wanted = 0;
  private lastAttemptAt: number | undefined;
  private timer: Timer | undefined;
  private inflight: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly annotator: PodAnnotator,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly minIntervalMs = 60_000,
  ) {}

  /** Reports the number of guilds played now; cheap, call it on every change. */
  guilds(count: number): void {
    this.wanted = deletionCostBand(count);
    this.schedule();
  }

  /** The band written last, for logs and tests. */
  get cost(): number | undefined {
    return this.written;
  }

  /** Resolves once no write is in flight. */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped || this.inflight || this.timer || this.wanted === this.written) return;
    const wait = this.lastAttemptAt === undefined ? 0 : this.lastAttemptAt + this.minIntervalMs - this.clock.monotonic();
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    this.write(this.wanted);
  }

  private write(band: number): void {
    // A failed attempt counts against the interval too: a refusing API server is not hammered.
    this.lastAttemptAt = this.clock.monotonic();
    this.inflight = this.annotator
      .annotate({ [DELETION_COST_ANNOTATION]: String(band) })
      .then(
        () => {
          this.written = band;
          this.log.debug({ cost: band }, 'pod deletion cost updated');
        },
        (err: unknown) => this.log.warn({ err, cost: band }, 'could not update the pod deletion cost; trying again later'),
      )
      .finally(() => {
        this.inflight = undefined;
        this.schedule();
      });
  }
}
