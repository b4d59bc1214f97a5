import * as path from 'node:path';
import type { Logger } from '../log';
import { startLocalRedis, type LocalRedisServer } from './server';

/**
 * `make run` without REDIS_URL: a redis-server child on a free loopback port, its append-only
 * file under `<dataDir>/redis` so the queue survives restarts of the bot.
 * Known limit: if the bot is SIGKILLed, this child outlives it; the next start uses a new port.
 */
export async function startEmbeddedRedis(dataDir: string, log: Logger): Promise<LocalRedisServer> {
  const server = await startLocalRedis({ dir: path.resolve(dataDir, 'redis'), args: ['--notify-keyspace-events', 'K$lgxh'], ownProcessGroup: true });
  log.info({ port: server.port, dir: path.resolve(dataDir, 'redis') }, 'REDIS_URL is unset: started an embedded redis-server');
  return server;
}
