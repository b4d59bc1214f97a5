/**
 * The composition root of `hiqty run`: builds every part from the configuration, in order, and
 * takes them down in reverse order. The Responder and the Player never call each other; they meet in Redis.
 */
import type { Redis } from 'ioredis';
import { startPlayer, noopPlayerMetrics, type Player } from '../controllers/player';
import { sleep, systemClock, type Clock } from './clock';
import type { Config } from './config';
import { announcer, discordTextPoster } from './discord/announce';
import { createDiscordClient, loginDiscord } from './discord/client';
import { discordVoiceAccess } from './discord/voice';
import { Health } from './http/health';
import { startHttpServer } from './http/server';
import { redactUrl, type Logger } from './log';
import { openTrack, resolveFfmpeg } from './media';
import { connectRedis, GuildStore } from './state';
import { startEmbeddedRedis } from './state/embedded';

/** Where the Discord session connects: real Discord, or the local sandbox. */
export interface DiscordTarget {
  readonly token: string;
  readonly apiBase: string;
}

export interface RunningApp {
  readonly redis: Redis;
  readonly redisUrl: string;
  readonly httpPort: number;
  readonly health: Health;
  readonly player: Player;
  /**
   * The first call drains (current tracks play to their end, then leases are handed over); a later
   * call with 'fast', or the drain timeout, checkpoints positions and releases at once.
   * Resolves with the exit code: 0 when nothing was left held.
   */
  shutdown(mode: 'drain' | 'fast'): Promise<number>;
}

/** Stop actions, run last-registered-first. */
class Teardown {
  private readonly steps: Array<{ name: string; run: () => Promise<void> | void }> = [];
  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }
  async runAll(log: Logger): Promise<boolean> {
    let clean = true;
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (err) {
        clean = false;
        log.error({ err: err instanceof Error ? err.message : String(err), step: step.name }, 'shutdown step failed');
      }
    }
    this.steps.length = 0;
    return clean;
  }
}

export async function startApp(config: Config, discord: DiscordTarget, log: Logger, clock: Clock = systemClock): Promise<RunningApp> {
  const teardown = new Teardown();
  const health = new Health();
  let draining = false;
  health.require('not-draining', () => !draining);

  try {
    let redisUrl = config.REDIS_URL;
    if (redisUrl === undefined) {
      const embedded = await startEmbeddedRedis(config.HIQTY_DATA_DIR, log);
      teardown.add('embedded redis', () => embedded.stop());
      redisUrl = embedded.url;
    }
    const url = redisUrl;
    const redis = connectRedis(url);
    redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
    redis.on('ready', () => log.info({ redis: redactUrl(url) }, 'connected to redis'));
    teardown.add('redis client', () => void redis.disconnect());
    health.require('redis', () => redis.status === 'ready');
    await redis.ping();

    const client = createDiscordClient({ token: discord.token, apiBase: discord.apiBase, log });
    teardown.add('discord client', () => client.destroy());
    await loginDiscord(client, discord.token);
    const voice = discordVoiceAccess(client, log);
    health.require('discord', () => voice.ready());

    const ffmpeg = resolveFfmpeg(process.env);
    if (!ffmpeg.found) log.warn({ ffmpeg: ffmpeg.path }, 'no ffmpeg found: only Ogg/Opus and WebM/Opus sources will play');
    const store = new GuildStore(redis, clock);
    const player = await startPlayer({
      redis,
      newRedis: () => connectRedis(url, { maxRetriesPerRequest: null }),
      instance: config.HIQTY_INSTANCE_ID,
      lockTtlMs: config.HIQTY_LOCK_TTL_MS,
      workers: config.HIQTY_WORKERS,
      resyncIntervalMs: config.HIQTY_RESYNC_INTERVAL_MS,
      store,
      voice,
      clock,
      log,
      openTrack: (request) => openTrack(request, { allow: config.HIQTY_FETCH_ALLOW, ffmpegPath: ffmpeg.path, log, clock }),
      announce: announcer(discordTextPoster(client, log)),
      metrics: noopPlayerMetrics,
      options: { idleTimeoutMs: config.HIQTY_IDLE_TIMEOUT_MS, joinTimeoutMs: 15_000, checkpointMs: config.HIQTY_CHECKPOINT_MS },
    });
    teardown.add('player', () => player.stop());

    const http = await startHttpServer({ port: config.HIQTY_HTTP_PORT, health, log });
    teardown.add('http server', () => http.close());
    log.info({ port: http.port }, 'hiqty is running');

    let releaseNow: () => void = () => {};
    const fastSignal = new Promise<void>((resolve) => (releaseNow = resolve));
    let stopping: Promise<number> | undefined;
    return {
      redis,
      redisUrl: url,
      httpPort: http.port,
      health,
      player,
      shutdown(mode) {
        draining = true;
        if (mode === 'fast') releaseNow();
        stopping ??= (async () => {
          log.info({ held: player.reconciler.held().size, drainTimeoutMs: config.HIQTY_DRAIN_TIMEOUT_MS }, 'drain started');
          const deadline = Promise.race([sleep(clock, config.HIQTY_DRAIN_TIMEOUT_MS), fastSignal]);
          const handedOver = await player.drain(deadline);
          log.info({ handedOver }, handedOver ? 'drain complete: every guild handed over at a track boundary' : 'drain cut short: positions checkpointed and leases released');
          return (await teardown.runAll(log)) && player.keeper.size === 0 ? 0 : 1;
        })();
        return stopping;
      },
    };
  } catch (err) {
    await teardown.runAll(log);
    throw err;
  }
}
