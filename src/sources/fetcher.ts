/**
 * The one Fetcher each source gets: safeFetch with this instance's policy bound (HIQTY_FETCH_ALLOW,
 * HIQTY_SERVICE_ORIGINS, DNS), and every request counted under the source's name.
 */
import type { Clock } from '../clock';
import { safeFetch, type FetchOutcome, type LookupAll } from '../media/safe-fetch';
import type { OriginOverrides } from '../media/origins';
import type { SourceMetrics, SourceRequestOutcome } from './source-metrics';
import type { Fetcher } from './types';

export interface FetchPolicy {
  /** HIQTY_FETCH_ALLOW. */
  readonly allow: readonly string[];
  /** HIQTY_SERVICE_ORIGINS. */
  readonly overrides: OriginOverrides;
  readonly lookup?: LookupAll;
}

function outcomeOf(fetched: FetchOutcome): SourceRequestOutcome {
  switch (fetched.kind) {
    case 'ok':
      return fetched.status >= 500 ? 'http_5xx' : fetched.status >= 400 ? 'http_4xx' : 'ok';
    case 'http-error':
      return fetched.status >= 500 ? 'http_5xx' : 'http_4xx';
    case 'refused':
    case 'failed':
    case 'cancelled':
      return fetched.kind;
  }
}

export function sourceFetcher(policy: FetchPolicy, source: string, metrics: SourceMetrics, clock: Clock): Fetcher {
  return async (url, options = {}) => {
    const started = clock.now();
    const fetched = await safeFetch(url, { ...options, allow: policy.allow, overrides: policy.overrides, lookup: policy.lookup, clock: options.clock ?? clock });
    metrics.request(source, outcomeOf(fetched), (clock.now() - started) / 1000);
    return fetched;
  };
}
