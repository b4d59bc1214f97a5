/**
 * Every suite gets a real Redis: a testcontainers container where a container runtime is reachable,
 * otherwise a redis-server child process on a free loopback port (these machines have no Docker).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/state/redis';
import { urlEndpoint } from '../../src/state/redis-endpoint';
import { freePort, startLocalRedis } from '../../src/state/server';
import { atSuiteEnd } from './suite-end';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Which kind of server this is, for test output. */
  readonly kind: 'container' | 'process';
  /** A new client, closed automatically when the server is closed. */
  client(): Redis;
  /** Takes the server down (graceful keeps the append-only file flushed). Clients reconnect after start(). */
  stop(options?: { graceful?: boolean }): Promise<void>;
  /** Brings it back on the same port with the same data. */
  start(): Promise<void>;
  /** Stops the server, closes clients and removes the data. */
  close(): Promise<void>;
}

let runtimeAvailable: Promise<boolean> | undefined;

/** Asks testcontainers once per run whether a container runtime answers; never throws. */
function containerRuntimeAvailable(): Promise<boolean> {
  if (process.env.HIQTY_TEST_NO_CONTAINERS === '1') return Promise.resolve(false);
  runtimeAvailable ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 5000)));
      try {
        await Promise.race([getContainerRuntimeClient(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      return true;
    } catch {
      return false;
    }
  })();
  return runtimeAvailable;
}

async function startContainerServer(dir: string): Promise<Omit<TestRedis, 'client' | 'close' | 'kind'>> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freePort();
  type Started = Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>>;
  let container: Started | undefined;
  const start = async (): Promise<void> => {
    container = await new GenericContainer('redis:7-alpine')
      .withExposedPorts({ container: 6379, host: port })
      .withBindMounts([{ source: dir, target: '/data' }])
      .withCommand(['redis-server', '--appendonly', 'yes', '--save', ''])
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
  };
  const stop = async ({ graceful = true }: { graceful?: boolean } = {}): Promise<void> => {
    await container?.stop({ timeout: graceful ? 10_000 : 0 });
    container = undefined;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}

export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-redis-'));
  const useContainer = await containerRuntimeAvailable();
  const server = useContainer ? await startContainerServer(dir) : await startLocalRedis({ dir });
  const clients = new Set<Redis>();
  return {
    url: server.url,
    port: server.port,
    kind: useContainer ? 'container' : 'process',
    client() {
      const c = connectRedis(urlEndpoint(server.url), { maxRetriesPerRequest: null });
      clients.add(c);
      return c;
    },
    stop: (options) => server.stop(options),
    start: () => server.start(),
    async close() {
      for (const c of clients) disconnectOnce(c);
      clients.clear();
      await server.stop({ graceful: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * ioredis arms a 2 s timer on every disconnect() and clears it when the socket closes; a second
 * disconnect() of a closed client arms one that nothing clears, which holds the process for 2 s.
 */
function disconnectOnce(c: Redis): void {
  if (c.status !== 'end') c.disconnect();
}

let shared: Promise<TestRedis> | undefined;

/** One Redis for the whole run, flushed before each suite that uses it. */
export function sharedRedis(): Promise<TestRedis> {
  shared ??= startTestRedis();
  return shared;
}

export async function closeSharedRedis(): Promise<void> {
  if (!shared) return;
  const s = await shared;
  shared = undefined;
  await s.close();
}

/**
 * The shared server as one suite sees it: the clients the suite makes are closed when its top-level
 * suite ends (after its own `after` hooks, which may still use them), so none outlives the suite.
 */
function scopedToSuite(server: TestRedis): TestRedis {
  const clients = new Set<Redis>();
  atSuiteEnd(() => {
    for (const c of clients) disconnectOnce(c);
    clients.clear();
  });
  return {
    ...server,
    client() {
      const c = server.client();
      clients.add(c);
      return c;
    },
  };
}

/**
 * Registers hooks on the current describe block: a Redis that is fresh for the suite.
 * `dedicated` gives the suite its own server (for tests that stop or restart it).
 */
export function useRedis(options: { dedicated?: boolean } = {}): { readonly current: TestRedis } {
  const holder: { current: TestRedis | undefined } = { current: undefined };
  before(async function () {
    this.timeout(60_000);
    holder.current = options.dedicated ? await startTestRedis() : scopedToSuite(await sharedRedis());
    const admin = holder.current.client();
    await admin.flushall();
    await admin.config('SET', 'notify-keyspace-events', '');
    admin.disconnect();
  });
  after(async () => {
    if (options.dedicated) await holder.current?.close();
  });
  return {
    get current(): TestRedis {
      if (!holder.current) throw new Error('useRedis(): the Redis is only available inside tests and hooks');
      return holder.current;
    },
  };
}
