/**
 * Publishes what this instance sees of the sources (src/sources/breaker.ts) to Redis every period and
 * whenever a circuit opens or closes, for `hiqty status --sources` and the REST API, which show the fleet's view. A failed publish is logged once
 * per run of failures; the record expires after a few periods, so a stopped instance's view goes away.
 */
import type { Redis } from 'ioredis';
import type { Clock, Timer } from '../clock';
import type { Logger } from '../log';
import { publishSourceHealth } from '../state/source-health';
import type { SourceHealth } from './breaker';

/** Default period of the publication (10 s); records live three periods. */
export const HEALTH_PUBLISH_MS = 10_000;

export interface HealthPublisherDeps {
  readonly redis: Redis;
  readonly instance: string;
  readonly read: () => readonly SourceHealth[];
  readonly clock: Clock;
  readonly log: Logger;
  readonly periodMs?: number;
}

export interface HealthPublisher {
  /** Publishes now (a circuit opened or closed), then every period from here. */
  publishNow(): void;
  stop(): void;
}

export function startHealthPublisher(deps: HealthPublisherDeps): HealthPublisher {
  const periodMs = deps.periodMs ?? HEALTH_PUBLISH_MS;
  let timer: Timer | undefined;
  let failing = false;
  let stopped = false;
  let publishing = false;
  let again = false;
  const publish = (): void => {
    timer?.cancel();
    timer = undefined;
    if (publishing) {
      again = true;
      return;
    }
    publishing = true;
    const health = { instance: deps.instance, updatedAt: deps.clock.now(), sources: [...deps.read()] };
    publishSourceHealth(deps.redis, health, periodMs * 3)
      .then(() => {
        if (failing) deps.log.info('source health published again');
        failing = false;
      })
      .catch((err: unknown) => {
        if (!failing) deps.log.warn({ err }, 'could not publish source health: retrying every period');
        failing = true;
      })
      .finally(() => {
        publishing = false;
        if (stopped) return;
        if (again) {
          again = false;
          publish();
        } else timer = deps.clock.setTimeout(publish, periodMs);
      });
  };
  publish();
  return {
    publishNow: () => {
      if (!stopped) publish();
    },
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
