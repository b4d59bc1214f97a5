/**
 * The composition root of `hiqty run`: builds every part from the configuration, in order, and
 * takes them down in reverse order. The Responder and the Player never call each other; they meet in Redis.
 */
import * as os from 'node:os';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { DEFAULT_PLAYER_OPTIONS, startPlayer, type DrainOutcome, type Player, type PlayerMetrics } from '../controllers/player';
import { startResponder } from '../controllers/responder';
import { sleep, systemClock, type Clock } from '../src/clock';
import type { Config } from '../src/config';
import { announcer, discordTextPoster, guildSay } from '../src/discord/announce';
import { createAutoplayer } from '../src/autoplay';
import { autoplayAnnouncer } from '../src/discord/autoplay-announce';
import { voiceListeners } from '../src/discord/voice-listeners';
import { promAutoplayMetrics } from '../src/http/autoplay-metrics';
import { createDiscordClient, discordReady, loginDiscord } from '../src/discord/client';
import { guildLocaleLookup } from '../src/discord/guild-locale';
import { Health } from '../src/http/health';
import { createMetrics, registerMetricsRoute } from '../src/http/metrics';
import { createApi } from '../src/http/api';
import { createDashboard } from '../src/http/dashboard';
import { discordDashboardGateway } from '../src/discord/dashboard-gateway';
import { startHttpServer } from '../src/http/server';
import { startKube } from '../src/kube';
import type { Logger } from '../src/log';
import { resolveFfmpeg } from '../src/media';
import { createServiceLayer } from '../src/sources';
import { startHealthPublisher } from '../src/sources/health';
import { DEFAULT_OPS_LIMITS } from '../src/ops';
import { KeyspaceHub } from '../src/reconcile';
import { AutoplayStore, COMMAND_TIMEOUT_MS, connectRedis, cutRedis, describeEndpoint, GUILD_KEY_PATTERN, GuildStore, redisAnswers, redisEndpointOf, urlEndpoint, type RedisEndpoint } from '../src/state';
import { checkRedis, RedisMisconfigured } from '../src/state/redis-check';
import { peerAddress, watchPrimaryAddress } from '../src/state/failover-watch';
import { redisReadiness } from '../src/http/redis-readiness';
import { startEmbeddedRedis } from '../src/state/embedded';
import { startVoiceEngines, type VoiceEngines } from '../src/voice/voice-engines';

/** How long a drain waits for Redis to answer a PING before it treats Redis as away. Default 1000. */
export const REDIS_PROBE_MS = 1000;

/** Where the Discord session connects: real Discord, or the local sandbox. */
export interface DiscordTarget {
  readonly token: string;
  readonly apiBase: string;
}

export interface RunningApp {
  readonly redis: Redis;
  /** Where Redis is (a URL or Sentinels; the embedded server's URL when none was configured). */
  readonly redisEndpoint: RedisEndpoint;
  readonly httpPort: number;
  readonly health: Health;
  readonly player: Player;
  /** The voice engines behind the Player (workers, or one in the main thread). */
  readonly voice: VoiceEngines;
  /** The configuration the app runs with (sandbox mode fills some of it in). */
  readonly config: Config;
  /**
   * The first call drains (current tracks play to their end, then leases are handed over); a later
   * call with 'fast', or the drain timeout, checkpoints positions and releases at once.
   * Resolves with the exit code: 0 when nothing was left held.
   */
  shutdown(mode: 'drain' | 'fast'): Promise<number>;
}

/**
 * Where Redis is: the configured URL or Sentinels, checked once (settings that can never work are
 * bad configuration, RedisMisconfigured), or an embedded redis-server when none is configured.
 */
async function redisEndpoint(config: Config, log: Logger, teardown: Teardown): Promise<RedisEndpoint> {
  const configured = redisEndpointOf(config);
  if (configured === undefined) {
    const embedded = await startEmbeddedRedis(config.HIQTY_DATA_DIR, log);
    teardown.add('embedded redis', () => embedded.stop());
    return urlEndpoint(embedded.url);
  }
  const check = await checkRedis(configured);
  if (check.kind === 'misconfigured') throw new RedisMisconfigured(check.message);
  // Away is not misconfigured: the first PING below waits for it as it always has.
  if (check.kind === 'unreachable') log.warn({ redis: describeEndpoint(configured), reason: check.reason }, 'redis does not answer yet');
  return configured;
}

/** A shutdown step that takes longer than this is named in the log, so a hung stop can be traced. */
const SLOW_STEP_MS = 1000;

/** Stop actions, run last-registered-first. */
class Teardown {
  private readonly steps: Array<{ name: string; run: () => Promise<void> | void }> = [];
  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }
  async runAll(log: Logger): Promise<boolean> {
    let clean = true;
    for (const step of this.steps.reverse()) {
      const slow = setTimeout(() => log.warn({ step: step.name, afterMs: SLOW_STEP_MS }, 'shutdown step still running'), SLOW_STEP_MS);
      try {
        await step.run();
      } catch (err) {
        clean = false;
        log.error({ err, step: step.name }, 'shutdown step failed');
      } finally {
        clearTimeout(slow);
      }
    }
    this.steps.length = 0;
    return clean;
  }
}

export async function startApp(config: Config, discord: DiscordTarget, log: Logger, clock: Clock = systemClock): Promise<RunningApp> {
  const teardown = new Teardown();
  const health = new Health();
  const metrics = createMetrics(new Registry());
  let draining = false;
  let started = false;
  health.require('started', () => started);
  health.require('not-draining', () => !draining);

  try {
    // First up and last down: probes answer during start-up, and metrics stay scrapeable through a drain.
    // The REST API (issue #7) is off without a token; its routes answer 503 until attached below.
    const api = config.HIQTY_API_TOKEN === undefined ? undefined : createApi({ token: config.HIQTY_API_TOKEN, rateLimit: config.HIQTY_API_RATE_LIMIT, streams: { perInstance: config.HIQTY_API_MAX_STREAMS, perToken: config.HIQTY_API_MAX_STREAMS_PER_TOKEN }, log });
    // The web dashboard (issue 17) is off without HIQTY_DASHBOARD_URL; the same 503-until-attached start.
    const dashboard = dashboardOf(config, log, clock);
    const http = await startHttpServer({
      port: config.HIQTY_HTTP_PORT,
      trustProxy: config.HIQTY_TRUST_PROXY,
      health,
      log,
      register: async (app) => {
        registerMetricsRoute(app, metrics.registry);
        await api?.register(app);
        await dashboard?.register(app);
      },
    });
    teardown.add('http server', () => http.close());

    const endpoint = await redisEndpoint(config, log, teardown);
    const redis = connectRedis(endpoint, { commandTimeout: COMMAND_TIMEOUT_MS });
    const where = describeEndpoint(endpoint);
    // One warning per outage, not one per reconnect attempt (every 0.5-2 s); the rest at debug.
    let outageReported = false;
    redis.on('error', (err: Error) => {
      if (outageReported) {
        log.debug({ err, redis: where }, 'redis connection error');
        return;
      }
      outageReported = true;
      log.warn({ err, redis: where }, 'redis connection error: reconnecting (further errors until it is back are logged at debug)');
    });
    redis.on('ready', () => {
      outageReported = false;
      log.info({ redis: where, primary: peerAddress(redis) }, 'connected to redis');
    });
    watchPrimaryAddress(redis, ({ from, to }) => {
      metrics.redisFailovers.inc();
      log.warn({ redis: where, from, to }, `redis failover: the primary moved from ${from} to ${to}`);
    });
    teardown.add('redis client', () => void redis.disconnect());
    health.require('redis', redisReadiness(redis, clock, config.HIQTY_REDIS_OUTAGE_GRACE_MS));
    metrics.watchRedis(redis);
    await redis.ping();

    const kube = await startKube({ mode: config.HIQTY_KUBE, podName: config.HIQTY_POD_NAME ?? os.hostname(), log, clock });
    teardown.add('kubernetes integration', () => kube.stop());

    const client = createDiscordClient({ token: discord.token, apiBase: discord.apiBase, log });
    teardown.add('discord client', () => client.destroy());
    await loginDiscord(client, discord.token);
    health.require('discord', () => discordReady(client));

    const ffmpeg = resolveFfmpeg(process.env);
    if (!ffmpeg.found) log.warn({ ffmpeg: ffmpeg.path }, 'no ffmpeg found: only Ogg/Opus and WebM/Opus sources will play');
    const store = new GuildStore(redis, clock);
    // One keyspace subscriber for the instance, fanned out to the Player, the now-playing loop and SSE;
    // added before them, so that teardown (in reverse) stops it after its consumers.
    const keyspace = new KeyspaceHub({ redis: () => connectRedis(endpoint, { maxRetriesPerRequest: null }), pattern: GUILD_KEY_PATTERN, clock, logger: log });
    keyspace.start();
    teardown.add('keyspace subscriber', () => keyspace.stop());
    const services = createServiceLayer(config, { redis, clock, log, metrics: metrics.sources });
    metrics.watchSources(() => services.health());
    const healthPublisher = startHealthPublisher({ redis, instance: config.HIQTY_INSTANCE_ID, read: () => services.health(), clock, log });
    services.onCircuitChange(() => healthPublisher.publishNow());
    teardown.add('source health publisher', () => healthPublisher.stop());
    // The voice engines (in workers unless HIQTY_VOICE_WORKERS=0) stop after the Player lets go of every guild.
    const engines = startVoiceEngines({
      workers: config.HIQTY_VOICE_WORKERS,
      client,
      planner: services.planner,
      media: { allow: config.HIQTY_FETCH_ALLOW, overrides: config.HIQTY_SERVICE_ORIGINS, ffmpegPath: ffmpeg.path, maxOpening: config.HIQTY_MAX_OPENING },
      logLevel: config.HIQTY_LOG_LEVEL,
      clock,
      log,
    });
    teardown.add('voice engines', () => engines.close());
    metrics.watchVoice(() => engines.totals());
    // The number of guilds played feeds both the gauge and the pod's deletion cost.
    const playerMetrics: PlayerMetrics = {
      ...metrics.player,
      sessions: (count) => {
        metrics.player.sessions(count);
        kube.guilds(count);
      },
    };
    // Autoplay: the Player asks it when a queue runs out (under the guild's lease); it writes through src/state.
    const poster = discordTextPoster(client, log);
    const guildLocaleOf = guildLocaleLookup(store, client, log);
    const autoplay = createAutoplayer({
      store,
      autoplayStore: new AutoplayStore(redis),
      related: services.related,
      listeners: voiceListeners(client),
      sourceLabel: (source) => services.registry.byName(source)?.label ?? source,
      announce: autoplayAnnouncer(guildSay(poster, guildLocaleOf, log)),
      metrics: promAutoplayMetrics(metrics.registry),
      clock,
      log: log.child({ component: 'autoplay' }),
    });
    const player = await startPlayer({
      redis,
      keyspace,
      instance: config.HIQTY_INSTANCE_ID,
      lockTtlMs: config.HIQTY_LOCK_TTL_MS,
      redisWaitMs: config.HIQTY_REDIS_WAIT_MS,
      workers: config.HIQTY_WORKERS,
      resyncIntervalMs: config.HIQTY_RESYNC_INTERVAL_MS,
      store,
      voice: engines.port,
      clock,
      log,
      announce: announcer(poster, guildLocaleOf, log),
      autoplay,
      metrics: playerMetrics,
      reconcileMetrics: metrics.reconcile,
      leaseMetrics: metrics.lease,
      options: {
        ...DEFAULT_PLAYER_OPTIONS,
        idleTimeoutMs: config.HIQTY_IDLE_TIMEOUT_MS,
        checkpointMs: config.HIQTY_CHECKPOINT_MS,
        lossCooldownMs: config.HIQTY_LOCK_TTL_MS,
        maxJoining: config.HIQTY_MAX_JOINING,
      },
    });
    teardown.add('player', () => player.stop());

    // --- Responder (issue #5): slash commands to desired state, and the now-playing message. ---
    if (!client.isReady()) throw new Error('the Discord client is not ready after login');
    const responder = await startResponder({
      client,
      redis,
      keyspace,
      store,
      resolver: services.resolver,
      lyrics: services.lyrics,
      clock,
      log,
      instance: config.HIQTY_INSTANCE_ID,
      scope: config.HIQTY_COMMANDS_SCOPE,
      rateLimit: config.HIQTY_RATE_LIMIT,
      maxQueue: config.HIQTY_MAX_QUEUE,
      resyncIntervalMs: config.HIQTY_RESYNC_INTERVAL_MS,
    });
    teardown.add('responder', () => responder.stop());
    const opsDeps = { store, redis, clock, resolver: services.resolver, limits: { ...DEFAULT_OPS_LIMITS, defaultMaxQueue: config.HIQTY_MAX_QUEUE } };
    if (api !== undefined) {
      api.attach(opsDeps, keyspace);
      teardown.add('rest api', () => api.stop());
    }
    if (dashboard !== undefined) {
      dashboard.attach({ ops: opsDeps, gateway: discordDashboardGateway(client), keyspace });
      teardown.add('dashboard', () => dashboard.stop());
    }
    // --- end Responder ---

    started = true;
    log.info({ port: http.port }, 'hiqty is running');

    let releaseNow: () => void = () => {};
    const fastSignal = new Promise<void>((resolve) => (releaseNow = resolve));
    let stopping: Promise<number> | undefined;
    return {
      redis,
      redisEndpoint: endpoint,
      httpPort: http.port,
      health,
      player,
      voice: engines,
      config,
      shutdown(mode) {
        draining = true;
        if (mode === 'fast') releaseNow();
        stopping ??= (async () => {
          // Redis may be the reason for the stop (a node lost, a partition): find out early, say so once,
          // and once the drain is over cut the connection so that no teardown step waits on it.
          let redisAway = false;
          const probeRedis = async (): Promise<boolean> => {
            if (redisAway) return false;
            if (await redisAnswers(redis, clock, REDIS_PROBE_MS)) return true;
            if (!redisAway) log.warn({ redis: redis.status }, 'draining without Redis: leases cannot be handed over, so audio stops as each lease deadline passes');
            redisAway = true;
            return false;
          };
          try {
            const held = player.reconciler.held().size;
            log.info({ held, drainTimeoutMs: config.HIQTY_DRAIN_TIMEOUT_MS }, 'drain started');
            void probeRedis();
            void kube.drainStarted(held);
            // At the deadline a Redis that does not answer is cut off first: releasing then fails at once
            // (the leases expire after their TTL) instead of waiting on it.
            const deadline = Promise.race([sleep(clock, config.HIQTY_DRAIN_TIMEOUT_MS), fastSignal]).then(async () => {
              if (!(await probeRedis())) cutRedis(redis);
            });
            const outcome = await player.drain(deadline);
            const summary = drainSummary(outcome);
            if (outcome.kind === 'handed-over') log.info({ outcome }, summary);
            else log.warn({ outcome }, summary);
            await kube.drainFinished(outcome.kind === 'handed-over', summary);
          } catch (err) {
            log.error({ err }, 'drain failed: tearing down anyway');
          }
          if (!(await probeRedis())) cutRedis(redis);
          const clean = await teardown.runAll(log);
          // A lease still held could not be released; it expires after its TTL. Anything else is clean.
          return clean && player.keeper.size === 0 ? 0 : 1;
        })();
        return stopping;
      },
    };
  } catch (err) {
    await teardown.runAll(log);
    throw err;
  }
}

/** The dashboard when HIQTY_DASHBOARD_URL is set (the configuration guarantees its client id and secret then). */
function dashboardOf(config: Config, log: Logger, clock: Clock) {
  const origin = config.HIQTY_DASHBOARD_URL;
  const clientId = config.HIQTY_DISCORD_CLIENT_ID;
  const clientSecret = config.HIQTY_DISCORD_CLIENT_SECRET;
  if (origin === undefined || clientId === undefined || clientSecret === undefined) return undefined;
  return createDashboard({
    origin,
    clientId,
    clientSecret,
    apiBase: config.DISCORD_API_BASE,
    httpImageOrigins: config.HIQTY_SERVICE_ORIGINS.filter((o) => o.origin.protocol === 'http:').map((o) => o.origin.origin),
    streams: { perInstance: config.HIQTY_API_MAX_STREAMS, perToken: config.HIQTY_API_MAX_STREAMS_PER_TOKEN },
    clock,
    log,
  });
}

/** One line for the log and the DrainFinished Event. */
function drainSummary(outcome: DrainOutcome): string {
  switch (outcome.kind) {
    case 'handed-over':
      return 'drain complete: every guild handed over at a track boundary';
    case 'cut-short':
      return outcome.checkpointFailed
        ? `drain cut short by its deadline: ${outcome.released} lease(s) released, but positions could not be checkpointed (Redis unreachable)`
        : `drain cut short by its deadline: positions checkpointed and ${outcome.released} lease(s) released`;
    case 'leases-lost':
      return `drain finished with ${outcome.lost} lease(s) lost (Redis unreachable?): their audio stopped at the lease deadline`;
  }
}
