/**
 * The player stage (test/support/stage.ts) on a Redis topology instead of the suite's Redis: the
 * stage's own client connects as hiqty does (connectRedis), so it follows a failover too.
 */
import type { RedisOptions } from 'ioredis';
import { connectRedis } from '../../src/state/redis';
import type { RedisEndpoint } from '../../src/state/redis-endpoint';
import type { TestRedis } from './redis';

/** A TestRedis whose clients connect to `endpoint`; stop/start are the topology's business, not the stage's. */
export function endpointTestRedis(endpoint: RedisEndpoint, port: number, extra: RedisOptions = {}): TestRedis {
  const clients: ReturnType<typeof connectRedis>[] = [];
  const refuse = (): Promise<void> => Promise.reject(new Error('stop and start the topology\'s nodes instead'));
  return {
    url: endpoint.kind === 'url' ? endpoint.url : 'redis://sentinel-mode.invalid',
    port,
    kind: 'process',
    client() {
      const c = connectRedis(endpoint, { maxRetriesPerRequest: null, ...extra });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    stop: refuse,
    start: refuse,
    async close() {
      for (const c of clients.splice(0)) if (c.status !== 'end') c.disconnect();
    },
  };
}

/** One metric's value from a bot's /metrics text (0 when absent). */
export async function metricValue(httpPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}
