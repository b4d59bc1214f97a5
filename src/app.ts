/**
 * The composition root of `hiqty run`: builds every part from the configuration, in order, and
 * takes them down in reverse order. Roles never call each other; they meet in Redis.
 */
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { redactUrl, type Logger } from './log';
import { Health } from './http/health';
import { startHttpServer } from './http/server';
import { connectRedis } from './state/redis';
import { startEmbeddedRedis } from './state/embedded';

export interface RunningApp {
  readonly redis: Redis;
  readonly httpPort: number;
  readonly health: Health;
  /**
   * Graceful stop. `fast` skips waiting for current tracks (a second signal). Resolves with the
   * process exit code: 0 when nothing was left held.
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
        log.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    return clean;
  }
}

export async function startApp(config: Config, log: Logger): Promise<RunningApp> {
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
    const redis = connectRedis(redisUrl);
    redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
    redis.on('ready', () => log.info({ redis: redactUrl(redisUrl) }, 'connected to redis'));
    teardown.add('redis client', () => void redis.disconnect());
    health.require('redis', () => redis.status === 'ready');
    await redis.ping();

    const http = await startHttpServer({ port: config.HIQTY_HTTP_PORT, health, log });
    teardown.add('http server', () => http.close());
    log.info({ port: http.port, instance: config.HIQTY_INSTANCE_ID }, 'hiqty is running');

    let stopping: Promise<number> | undefined;
    return {
      redis,
      httpPort: http.port,
      health,
      shutdown(mode) {
        draining = true;
        stopping ??= (async () => {
          log.info({ mode }, 'shutting down');
          return (await teardown.runAll(log)) ? 0 : 1;
        })();
        return stopping;
      },
    };
  } catch (err) {
    await teardown.runAll(log);
    throw err;
  }
}
