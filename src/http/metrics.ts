/**
 * Every hiqty metric on one prom-client registry, and adapters for the small reporting interfaces that the
 * player and the lease code use, so they never see prom-client.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import { HEALTH_WINDOW, type SourceHealth } from '../sources/breaker';
import type { PlayerMetrics } from '../player-metrics';
import type { PlayPath } from '../media';
import { promReconcileMetrics, type ReconcileMetrics } from '../reconcile/metrics';
import type { LeaseMetrics } from '../state/lease';
import type { SourceMetrics } from '../sources/source-metrics';
import { registerVoiceMetrics, type VoiceTotals } from './voice-metrics';

/** From a cached API answer (~5 ms) to a service at its timeout (10 s). */
const SOURCE_REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** From a fast passthrough start (~50 ms) to a slow source behind ffmpeg (~10 s). */
const FIRST_PACKET_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20];

export interface Metrics {
  readonly registry: Registry;
  /** Guilds with a player (voice session) in this process. */
  readonly playersActive: Gauge;
  readonly tracksStarted: Counter<'path'>;
  readonly tracksEnded: Counter<'outcome'>;
  readonly leaseClaims: Counter<'outcome'>;
  readonly leaseRenewals: Counter<'outcome'>;
  readonly leaseLosses: Counter<'reason'>;
  readonly leaseHandovers: Counter;
  /** From the command that asked for a track to that track's first audio packet on the wire. */
  readonly commandToFirstPacket: Histogram;
  /** 1 while the Redis connection is ready, read at scrape time from watchRedis's source. */
  readonly redisConnected: Gauge;
  /** hiqty_redis_failovers_total: the command connection came back at another primary. */
  readonly redisFailovers: Counter;
  readonly reconcile: ReconcileMetrics;
  readonly player: PlayerMetrics;
  readonly lease: LeaseMetrics;
  readonly sources: SourceMetrics;
  /** Makes hiqty_redis_connected follow a connection (ioredis: status 'ready'). */
  watchRedis(connection: { readonly status: string }): void;
  /** Makes the voice counters (frames, ticks, packets, workers, ffmpeg) follow the voice engines, read at scrape time. */
  watchVoice(read: () => VoiceTotals): void;
  /** Makes the source health gauges (failure rate, open circuit) follow the sources' breaker, read at scrape time. */
  watchSources(read: () => readonly SourceHealth[]): void;
}

/**
 * The period of prom-client's event-loop-lag sampler. Its timer wakes the main thread at this period:
 * at prom-client's default, 10 ms, that alone was 0.8% of a core on an instance with nothing to do
 * (perf, `make bench` section 6). A stall longer than the period still shows in the lag metrics.
 */
export const EVENT_LOOP_SAMPLE_MS = 50;

/** Registers everything, including prom-client's process and Node metrics, on registry. Call once per registry. */
export function createMetrics(registry: Registry): Metrics {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const registers = [registry];
  let redis: { readonly status: string } | undefined;

  const playersActive = new Gauge({ name: 'hiqty_players_active', help: 'Guilds this instance has a player for.', registers });
  const tracksStarted = new Counter({ name: 'hiqty_tracks_started_total', help: 'Tracks started, by path: passthrough (demux only) or transcoded (ffmpeg).', labelNames: ['path'], registers });
  const tracksEnded = new Counter({ name: 'hiqty_tracks_ended_total', help: 'Tracks that ended, by outcome.', labelNames: ['outcome'], registers });
  const leaseClaims = new Counter({ name: 'hiqty_lease_claims_total', help: 'Guild lease claims, by outcome (claimed, held by another, unconfirmed: no replica acknowledged it in time).', labelNames: ['outcome'], registers });
  const leaseRenewals = new Counter({ name: 'hiqty_lease_renewals_total', help: 'Guild lease renewals, by outcome (renewed, taken, error, unconfirmed: no replica acknowledged it, deadline kept).', labelNames: ['outcome'], registers });
  const leaseLosses = new Counter({ name: 'hiqty_lease_losses_total', help: 'Guild leases lost while playing, by reason (taken, expired).', labelNames: ['reason'], registers });
  const leaseHandovers = new Counter({ name: 'hiqty_lease_handovers_total', help: 'Guilds released at a track boundary for another instance (drain).', registers });
  const commandToFirstPacket = new Histogram({ name: 'hiqty_command_to_first_packet_seconds', help: 'Time from a play command to the first audio packet sent.', buckets: FIRST_PACKET_BUCKETS, registers });
  const redisFailovers = new Counter({
    name: 'hiqty_redis_failovers_total',
    help: 'Failovers seen: the Redis command connection became ready at another primary address than before (a Sentinel failover, a managed Redis endpoint moved).',
    registers,
  });
  const redisConnected = new Gauge({
    name: 'hiqty_redis_connected',
    help: '1 while the Redis connection is ready, else 0.',
    registers,
    collect() {
      this.set(redis?.status === 'ready' ? 1 : 0);
    },
  });

  const sourceRequests = new Counter({
    name: 'hiqty_source_requests_total',
    help: 'HTTP requests the sources made (API and media), by source and outcome (ok, http_4xx, http_5xx, refused, failed, cancelled).',
    labelNames: ['source', 'outcome'],
    registers,
  });
  const sourceCacheReads = new Counter({
    name: 'hiqty_source_cache_reads_total',
    help: 'Reads of the fleet\'s caches of service answers, by cache (search, resolve, mirror), source and outcome (hit: no request to the service; miss).',
    labelNames: ['cache', 'source', 'outcome'],
    registers,
  });
  const sourceRequestDuration = new Histogram({
    name: 'hiqty_source_request_duration_seconds',
    help: 'Time from a source request to its response headers (or its failure), by source.',
    labelNames: ['source'],
    buckets: SOURCE_REQUEST_BUCKETS,
    registers,
  });

  return {
    registry,
    playersActive,
    tracksStarted,
    tracksEnded,
    leaseClaims,
    leaseRenewals,
    leaseLosses,
    leaseHandovers,
    commandToFirstPacket,
    redisConnected,
    redisFailovers,
    reconcile: promReconcileMetrics(registry),
    player: {
      trackStarted: (path: PlayPath) => tracksStarted.inc({ path }),
      commandToFirstPacket: (seconds) => commandToFirstPacket.observe(seconds),
      trackEnded: (outcome) => tracksEnded.inc({ outcome }),
      leaseLost: (reason) => leaseLosses.inc({ reason }),
      leaseHandedOver: () => leaseHandovers.inc(),
      sessions: (count) => playersActive.set(count),
    },
    lease: {
      claim: (outcome) => leaseClaims.inc({ outcome }),
      renewal: (outcome) => leaseRenewals.inc({ outcome }),
      // The player reports every loss it acts on through PlayerMetrics.leaseLost (the keeper's, via onLost, and
      // those a fenced write discovers); counting the keeper's here too would count them twice.
      loss: () => {},
    },
    sources: {
      request: (source, outcome, seconds) => {
        sourceRequests.inc({ source, outcome });
        sourceRequestDuration.observe({ source }, seconds);
      },
      cache: (cache, source, hit) => sourceCacheReads.inc({ cache, source, outcome: hit ? 'hit' : 'miss' }),
    },
    watchRedis(connection) {
      redis = connection;
    },
    watchVoice(read) {
      registerVoiceMetrics(registry, read);
    },
    watchSources(read) {
      new Gauge({
        name: 'hiqty_source_failure_ratio',
        help: `Failed share of each source's last ${HEALTH_WINDOW} requests (searches, opens, mirror lookups), as this instance saw them.`,
        labelNames: ['source'],
        registers,
        collect() {
          this.reset();
          for (const h of read()) this.set({ source: h.source }, h.failureRate);
        },
      });
      new Gauge({
        name: 'hiqty_source_circuit_open',
        help: 'Whether search, mirrors and fallback skip the source now (1) after repeated failures, or ask it (0).',
        labelNames: ['source'],
        registers,
        collect() {
          this.reset();
          for (const h of read()) this.set({ source: h.source }, h.openUntil === undefined ? 0 : 1);
        },
      });
    },
  };
}

/** GET /metrics in the Prometheus text format; pass as (part of) startHttpServer's `register`. */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_request, reply) => {
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });
}
