import type { DaveMode, VerifyMode } from '../src/sandbox';
import { DAVE_PACKET_FULL, DAVE_PACKET_SMOKE, type DavePacketConfig } from './dave-packet';
import { PACKET_PATH_FULL, PACKET_PATH_SMOKE, type PacketPathConfig } from './packet-path';
import { HERD_FULL, HERD_SMOKE, type HerdConfig } from './herd';
import { DASHBOARD_LIVE_FULL, DASHBOARD_LIVE_SMOKE, type DashboardLiveConfig } from './dashboard-live';
import { METADATA_FULL, METADATA_SMOKE, type MetadataConfig } from './metadata';
import { REACTIONS_FULL, REACTIONS_SMOKE, type ReactionsConfig } from './reactions';
import { SERVICES_FULL, SERVICES_SMOKE, type ServicesConfig } from './services-config';
import { STALL_FULL, STALL_SMOKE, type StallConfig } from './stall';
import { REDIS_FAILOVER_FULL, REDIS_FAILOVER_SMOKE, type RedisFailoverConfig } from './redis-failover';
import { BENCH_DAVE_MODE, BENCH_VERIFY } from './stage';

/**
 * Every knob of `make bench` in one place: the full run (issue 14's guild counts and windows, meant to
 * finish well under 20 minutes on 2 cores) and the smoke run that `make test` uses so the bench code cannot rot.
 */

export interface CostConfig {
  /** Guild counts, 0 first: the 0 step is the idle reference for the slopes. */
  readonly counts: readonly number[];
}

/** The passthrough and transcoded cost steps run once more, hiqty only, with DAVE in the other mode. */
export interface DaveOtherConfig {
  readonly passthrough: CostConfig;
  readonly transcode: CostConfig;
}

export interface BenchConfig {
  /** The sandbox's DAVE mode for every section: 'required' in FULL and SMOKE, as on Discord since March 2026. */
  readonly dave: DaveMode;
  /** Sections 1 and 2 again with DAVE in the other mode (off when `dave` is required), for "DAVE off vs on". */
  readonly daveOther: DaveOtherConfig;
  /** DAVE's per-packet cost microbenchmark (bench/dave-packet.ts). */
  readonly davePacket: DavePacketConfig;
  /** The packet path step by step: the library's, the key imported once, hiqty's own (bench/packet-path.ts, section 10e). */
  readonly packetPath: PacketPathConfig;
  readonly passthrough: CostConfig;
  readonly transcode: CostConfig;
  /** Run the usual-approach baseline player beside hiqty. */
  readonly baseline: boolean;
  /**
   * The baseline's passthrough steps go up to this many guilds: it runs one process per 20 guilds (see
   * bench/subjects.ts), each connecting every shard, so at 400 guilds its 20 processes alone would
   * saturate the machine before a frame is played; past 200 it only ever measures its own saturation.
   */
  readonly baselineMaxGuilds: number;
  /** Length of the tone tracks of the cost steps: longer than ramp + window, so none ends inside. */
  readonly trackMs: number;
  /** How long RSS and CPU are sampled at each step, and how often RSS is read during it. */
  readonly windowMs: number;
  readonly rssEveryMs: number;
  /** Time from "every guild heard" to the start of the window, so start-up bursts are not measured. */
  readonly settleMs: number;
  /** How long N guilds may take to all be heard before the step is reported as not keeping up. */
  readonly rampTimeoutMs: number;
  /** Plays per kind (passthrough, transcoded) for command-to-first-packet. */
  readonly latencyPlays: number;
  /** Crash and rollout tries, and the lock TTL the two bots run with. */
  readonly recoveryTries: number;
  readonly lockTtlMs: number;
  /** Crash: the track length and how much of it plays before the SIGKILL. */
  readonly crashTrackMs: number;
  readonly crashAfterMs: number;
  /** Rollout: each of the two tracks' length, and when the SIGTERM comes in the first. */
  readonly rolloutTrackMs: number;
  readonly rolloutAfterMs: number;
  /** Idle: guilds known and stopped, the bot's resync period, and the measured window. */
  readonly idleGuilds: number;
  readonly idleResyncMs: number;
  readonly idleWindowMs: number;
  /** A step whose machine CPU is above this share of all cores, or late ‰ above the next, saturated: larger counts of that player are skipped. */
  readonly saturatedBusyPct: number;
  readonly saturatedLatePermille: number;
  /** The herd of starts, paced and unpaced (bench/herd.ts). */
  readonly herd: HerdConfig;
  /** Reaction times: lease loss, skip, stop, track gap, SIGTERM, REST to SSE (bench/reactions.ts). */
  readonly reactions: ReactionsConfig;
  /** YouTube and SoundCloud tracks against the fakes: cost steps and `/play` cold/warm (bench/services.ts). */
  readonly services: ServicesConfig;
  /** The longest stall of any guild over a long window (bench/stall.ts). */
  readonly stall: StallConfig;
  /** Which packets the cost stages' sandbox process decrypts (every packet is timed either way). */
  readonly verify: VerifyMode;
  /** Resolving a 100-track Spotify playlist, cold and cached (bench/metadata.ts, section 11). */
  readonly metadata: MetadataConfig;
  /** How soon one dashboard sees another's change, live and polled (bench/dashboard-live.ts, section 12). */
  readonly dashboardLive: DashboardLiveConfig;
  /** A Sentinel failover under two instances, and WAIT's latency on lease writes (bench/redis-failover.ts, section 13). */
  readonly redisFailover: RedisFailoverConfig;
}

export const FULL: BenchConfig = {
  dave: BENCH_DAVE_MODE,
  // One loaded step each (plus the idle 0), at counts the DAVE-on steps also measure: about 70 s more.
  daveOther: { passthrough: { counts: [0, 100] }, transcode: { counts: [0, 25] } },
  davePacket: DAVE_PACKET_FULL,
  packetPath: PACKET_PATH_FULL,
  // Issue 14: 100, 200 and 400 guilds (the slope 100 → 400 is the target's figure), then more while the machine keeps up.
  passthrough: { counts: [0, 100, 200, 400, 600, 800] },
  transcode: { counts: [0, 10, 25, 50] },
  baseline: true,
  baselineMaxGuilds: 200,
  // Longer than the stall step's ramp + 60 s window, so no track ends inside it.
  trackMs: 100_000,
  windowMs: 10_000,
  rssEveryMs: 1000,
  settleMs: 3000,
  rampTimeoutMs: 30_000,
  // 25 plays per kind keep FULL well under 20 minutes with issue 14's larger steps.
  latencyPlays: 25,
  recoveryTries: 10,
  lockTtlMs: 5000,
  crashTrackMs: 3000,
  crashAfterMs: 1200,
  rolloutTrackMs: 2000,
  rolloutAfterMs: 500,
  idleGuilds: 10_000,
  idleResyncMs: 30_000,
  // Starts after the start-up resync; 40 s covers at least one periodic resync (30 s ± 20%).
  idleWindowMs: 40_000,
  saturatedBusyPct: 95,
  saturatedLatePermille: 50,
  herd: HERD_FULL,
  reactions: REACTIONS_FULL,
  services: SERVICES_FULL,
  stall: STALL_FULL,
  verify: BENCH_VERIFY,
  metadata: METADATA_FULL,
  dashboardLive: DASHBOARD_LIVE_FULL,
  redisFailover: REDIS_FAILOVER_FULL,
};

/** N = 2, short windows: seconds, not minutes; only that every section yields finite numbers. */
export const SMOKE: BenchConfig = {
  dave: BENCH_DAVE_MODE,
  daveOther: { passthrough: { counts: [0, 2] }, transcode: { counts: [0, 2] } },
  davePacket: DAVE_PACKET_SMOKE,
  packetPath: PACKET_PATH_SMOKE,
  passthrough: { counts: [0, 2] },
  transcode: { counts: [0, 2] },
  baseline: true,
  baselineMaxGuilds: 2,
  trackMs: 10_000,
  windowMs: 1000,
  rssEveryMs: 250,
  settleMs: 200,
  rampTimeoutMs: 15_000,
  latencyPlays: 2,
  recoveryTries: 1,
  lockTtlMs: 1000,
  crashTrackMs: 2000,
  crashAfterMs: 600,
  rolloutTrackMs: 1000,
  rolloutAfterMs: 300,
  idleGuilds: 50,
  idleResyncMs: 1000,
  idleWindowMs: 1500,
  saturatedBusyPct: 101,
  saturatedLatePermille: 1000,
  herd: HERD_SMOKE,
  reactions: REACTIONS_SMOKE,
  services: SERVICES_SMOKE,
  stall: STALL_SMOKE,
  // Windows of a second: 200 ms in every 400 ms keeps DAVE checked in every stream.
  verify: { sampleEveryMs: 400, windowMs: 200 },
  metadata: METADATA_SMOKE,
  dashboardLive: DASHBOARD_LIVE_SMOKE,
  redisFailover: REDIS_FAILOVER_SMOKE,
};
