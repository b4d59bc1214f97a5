/**
 * Operator views of the service layer, fleet-wide from Redis: each instance's view of the sources'
 * health (src/sources/health.ts publishes it), and the shared caches of searches, link resolutions and
 * mirror matches, with a way to empty them.
 */
import * as t from 'io-ts';
import type { TaskEither } from 'fp-ts/TaskEither';
import { clearSourceCache, readSourceHealth, sourceCacheStats, SOURCE_CACHE_KINDS, type InstanceSourceHealth, type SourceCacheKind, type SourceCacheStats } from '../state';
import { oneOf } from '../codecs';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { ok, task, withInput } from './run';

/** One source as one instance sees it, for a table. */
export interface SourceHealthRow {
  readonly source: string;
  readonly instance: string;
  /** Failed share of the source's recent requests on that instance. */
  readonly failureRate: number;
  readonly requests: number;
  readonly circuit: 'closed' | 'open';
  /** Wall-clock ms until which the circuit stays open. */
  readonly openUntil: number | null;
  /** When the instance published it. */
  readonly updatedAt: number;
}

export interface SourcesView {
  readonly sources: readonly SourceHealthRow[];
}

function rowsOf(instances: readonly InstanceSourceHealth[], now: number): SourceHealthRow[] {
  return instances
    .flatMap((i) =>
      i.sources.map((s) => {
        const open = s.openUntil !== undefined && s.openUntil > now;
        return { source: s.source, instance: i.instance, failureRate: s.failureRate, requests: s.requests, circuit: open ? 'open' : 'closed', openUntil: open ? (s.openUntil ?? null) : null, updatedAt: i.updatedAt } as const;
      }),
    )
    .sort((a, b) => a.source.localeCompare(b.source) || a.instance.localeCompare(b.instance));
}

export const sourceHealth =
  (deps: OpsDeps) =>
  (): TaskEither<OpError, SourcesView> =>
    task(async () => ok({ sources: rowsOf(await readSourceHealth(deps.redis), deps.clock.now()) }));

export interface CacheView {
  readonly caches: readonly SourceCacheStats[];
}

export const cacheStats =
  (deps: OpsDeps) =>
  (): TaskEither<OpError, CacheView> =>
    task(async () => ok({ caches: await sourceCacheStats(deps.redis) }));

export const CacheClearInput = t.partial({ kind: oneOf(SOURCE_CACHE_KINDS) }, 'a cache clear request');

export interface CacheCleared {
  readonly kind: 'cache-cleared';
  /** Which caches: one kind, or all. */
  readonly caches: SourceCacheKind | 'all';
  readonly removed: number;
}

export const cacheClear =
  (deps: OpsDeps) =>
  (input: unknown): TaskEither<OpError, CacheCleared> =>
    withInput(CacheClearInput, input, async ({ kind }) => ok({ kind: 'cache-cleared', caches: kind ?? 'all', removed: await clearSourceCache(deps.redis, kind) }));
