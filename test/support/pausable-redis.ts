/**
 * A private redis-server child process whose pid the test holds, so it can be frozen (SIGSTOP: the
 * TCP connections stay open and nothing answers, like a hung primary or a network partition) or
 * killed (SIGKILL: connections refused) under a running bot. Never the shared test Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/state/redis';
import { urlEndpoint } from '../../src/state/redis-endpoint';
import { startLocalRedis } from '../../src/state/server';
import type { TestRedis } from './redis';

export interface PausableRedis extends TestRedis {
  /** SIGSTOP: the server stops answering but keeps its sockets open. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** SIGKILL, and wait for it to be gone. */
  kill(): Promise<void>;
}

export async function startPausableRedis(): Promise<PausableRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-pausable-redis-'));
  const server = await startLocalRedis({ dir });
  const clients = new Set<Redis>();
  let frozen = false;
  // A frozen process does not act on SIGTERM until continued; SIGKILL works either way.
  const kill = async (): Promise<void> => {
    frozen = false;
    await server.stop({ graceful: false });
  };
  return {
    url: server.url,
    port: server.port,
    kind: 'process',
    client() {
      const c = connectRedis(urlEndpoint(server.url), { maxRetriesPerRequest: null });
      // The test takes the server away on purpose: refused reconnects are expected, not news.
      c.on('error', () => {});
      clients.add(c);
      return c;
    },
    freeze() {
      server.signal('SIGSTOP');
      frozen = true;
    },
    thaw() {
      if (!frozen) return;
      server.signal('SIGCONT');
      frozen = false;
    },
    kill,
    stop: kill,
    start: () => server.start(),
    async close() {
      for (const c of clients) c.disconnect();
      clients.clear();
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
