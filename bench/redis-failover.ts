/**
 * Issue 18 (section 13): what a Sentinel failover costs. Each round is test/support/redis-failover.ts's
 * scenario: a primary, a replica and three Sentinels, two hiqty instances playing guilds, SIGKILL of the
 * primary; per guild, the longest silence after the kill and the longest stretch two instances sent at once.
 * Beside it, the extra latency of confirming leases with a replica (WAIT) on claims and renewal rounds.
 */
import type { Redis } from 'ioredis';
import { systemClock } from '../src/clock';
import { LeaseClient, type Lease } from '../src/state/lease';
import { runFailover } from '../test/support/redis-failover';
import { startPrimaryReplica } from '../test/support/redis-topology';
import { runProgram } from './program';
import { redisFailoverTables } from './report';
import { summarize, type Summary } from './stats';

export interface RedisFailoverConfig {
  /** Failover rounds at each lock TTL (3 guilds each). */
  readonly rounds: number;
  /** Lock TTLs: the default (5000, a failover passes within one lease) and one shorter than a failover. */
  readonly ttls: readonly number[];
  readonly toneMs: number;
  readonly killAfterMs: number;
  /** WAIT latency: claims timed, and renewal rounds of `leasesPerRound` leases timed. */
  readonly claims: number;
  readonly renewalRounds: number;
  readonly leasesPerRound: number;
}

export const REDIS_FAILOVER_FULL: RedisFailoverConfig = { rounds: 3, ttls: [5000, 2000], toneMs: 10_000, killAfterMs: 2000, claims: 300, renewalRounds: 50, leasesPerRound: 100 };
export const REDIS_FAILOVER_SMOKE: RedisFailoverConfig = { rounds: 1, ttls: [5000], toneMs: 8000, killAfterMs: 1500, claims: 20, renewalRounds: 5, leasesPerRound: 10 };

export interface FailoverAtTtl {
  readonly lockTtlMs: number;
  /** Kill to the Sentinels naming the new primary (ms), one per round. */
  readonly failoverMs: Summary;
  /** Per guild: the longest silence after the kill (0 = kept playing). */
  readonly interruptionMs: Summary;
  /** Per guild: heard minus expected (+ replayed, - skipped). */
  readonly positionErrorMs: Summary;
  /** Per guild: the longest stretch two instances sent into it at once. */
  readonly overlapMs: Summary;
  readonly acknowledged: number;
  readonly lost: number;
}

export interface WaitLatency {
  /** HIQTY_REDIS_WAIT_MS=0: the scripts alone. */
  readonly off: Summary;
  /** A primary with one replica: ROLE and WAIT 1 after the scripts. */
  readonly withReplica: Summary;
  /** The same primary after its replica left: ROLE only (no WAIT is sent). */
  readonly withoutReplica: Summary;
}

export interface RedisFailoverFigures {
  readonly runs: readonly FailoverAtTtl[];
  readonly claimMs: WaitLatency;
  readonly renewalRoundMs: WaitLatency;
  readonly leasesPerRound: number;
}

export async function measureRedisFailover(c: RedisFailoverConfig, progress: (line: string) => void): Promise<RedisFailoverFigures> {
  const runs: FailoverAtTtl[] = [];
  for (const ttl of c.ttls) {
    const failovers: number[] = [];
    const interruptions: number[] = [];
    const positions: number[] = [];
    const overlaps: number[] = [];
    let acknowledged = 0;
    let lost = 0;
    for (let round = 1; round <= c.rounds; round++) {
      progress(`redis failover: TTL ${ttl} ms, round ${round} of ${c.rounds}`);
      const f = await runFailover({ guilds: 3, lockTtlMs: ttl, toneMs: c.toneMs, killAfterMs: c.killAfterMs });
      failovers.push(f.failoverMs);
      for (const g of f.guilds) {
        interruptions.push(g.interruptionMs);
        positions.push(g.positionErrorMs);
        overlaps.push(g.longestOverlapMs);
      }
      acknowledged += f.acknowledged;
      lost += f.lost.length;
    }
    runs.push({ lockTtlMs: ttl, failoverMs: summarize(failovers), interruptionMs: summarize(interruptions), positionErrorMs: summarize(positions), overlapMs: summarize(overlaps), acknowledged, lost });
  }
  progress(`redis failover: WAIT latency, ${c.claims} claims and ${c.renewalRounds} renewal rounds of ${c.leasesPerRound} leases, with and without a replica`);
  const latency = await measureWaitLatency(c);
  return { runs, ...latency, leasesPerRound: c.leasesPerRound };
}

async function measureWaitLatency(c: RedisFailoverConfig): Promise<Omit<RedisFailoverFigures, 'runs' | 'leasesPerRound'>> {
  const topology = await startPrimaryReplica({ persistence: false });
  try {
    const connection = (): Redis => topology.client(topology.primary);
    const offClient = new LeaseClient(connection(), systemClock, { instance: 'bench-off', ttlMs: 60_000, waitMs: 0 });
    const waitClient = new LeaseClient(connection(), systemClock, { instance: 'bench-wait', ttlMs: 60_000, waitMs: 250 });
    const claimOff = await timeClaims(offClient, 'off', c.claims);
    const claimWith = await timeClaims(waitClient, 'with', c.claims);
    const leasesOff = await claimAll(offClient, 'round-off', c.leasesPerRound);
    const leasesWith = await claimAll(waitClient, 'round-with', c.leasesPerRound);
    const roundOff = await timeRounds(offClient, leasesOff, c.renewalRounds);
    const roundWith = await timeRounds(waitClient, leasesWith, c.renewalRounds);
    // The replica leaves: the primary has none, as after a failover whose old primary is gone.
    await topology.kill(topology.replica, 'SIGKILL');
    const admin = connection();
    for (;;) {
      if (/connected_slaves:0/.test(await admin.info('replication'))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const alone = new LeaseClient(connection(), systemClock, { instance: 'bench-alone', ttlMs: 60_000, waitMs: 250 });
    const claimAlone = await timeClaims(alone, 'alone', c.claims);
    const roundAlone = await timeRounds(alone, await claimAll(alone, 'round-alone', c.leasesPerRound), c.renewalRounds);
    return {
      claimMs: { off: summarize(claimOff), withReplica: summarize(claimWith), withoutReplica: summarize(claimAlone) },
      renewalRoundMs: { off: summarize(roundOff), withReplica: summarize(roundWith), withoutReplica: summarize(roundAlone) },
    };
  } finally {
    await topology.stop();
  }
}

async function timeClaims(client: LeaseClient, prefix: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const r = await client.claim(`${prefix}-${i}`);
    out.push(performance.now() - started);
    if (r.kind !== 'claimed') throw new Error(`bench claim ${prefix}-${i}: ${r.kind}`);
  }
  return out;
}

async function claimAll(client: LeaseClient, prefix: string, n: number): Promise<Lease[]> {
  const leases: Lease[] = [];
  for (let i = 0; i < n; i++) {
    const r = await client.claim(`${prefix}-${i}`);
    if (r.kind !== 'claimed') throw new Error(`bench claim ${prefix}-${i}: ${r.kind}`);
    leases.push(r.lease);
  }
  return leases;
}

async function timeRounds(client: LeaseClient, leases: readonly Lease[], rounds: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const batch = await client.renewBatch(leases);
    out.push(performance.now() - started);
    if (!batch.confirmed) throw new Error(`bench renewal round not confirmed: ${batch.unconfirmedBecause ?? ''}`);
  }
  return out;
}

/** Section 13 alone: `npx tsx bench/redis-failover.ts [--smoke]` (make bench runs it with the rest). */
if (require.main === module) {
  runProgram(async () => {
    const config = process.argv.includes('--smoke') ? REDIS_FAILOVER_SMOKE : REDIS_FAILOVER_FULL;
    console.log(redisFailoverTables(await measureRedisFailover(config, (line) => console.error(line))).join('\n'));
  });
}
