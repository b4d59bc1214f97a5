/**
 * What every service's client says of an answer it cannot use, and what every metadata source is
 * given, so the services word a failure alike and take the same options.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { Fetcher } from '../types';

export interface FailedAnswer {
  readonly kind: 'failed';
  readonly reason: string;
}

/** An answer that does not decode: the service's fault, never the link's. */
export function malformedAnswer(service: string, error: string): FailedAnswer {
  return { kind: 'failed', reason: `${service} sent an answer hiqty does not understand (${error})` };
}

/** The options every source reading a service's JSON API takes. */
export interface ServiceApiDeps {
  readonly fetch: Fetcher;
  readonly clock: Clock;
  readonly log: Logger;
  /** Headers and idle timeout of every request to the service; default the Fetcher's own (10 s). */
  readonly timeoutMs?: number;
  /** Default DEFAULT_MAX_LIST_TRACKS (1000). */
  readonly maxListTracks?: number;
  /** What one resolution may wait on 429s (and quota errors, where the service has them) in all; default DEFAULT_RATE_LIMIT_BUDGET_MS (10 s). */
  readonly rateLimitBudgetMs?: number;
}
