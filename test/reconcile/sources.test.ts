import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { Controller } from '../../src/reconcile/controller';
import { done, type Reconciler, type Result } from '../../src/reconcile/reconciler';
import { KeyspaceSource, mergeNotifyFlags, notifyFlagsCover } from '../../src/reconcile/sources/keyspace';
import { ResyncSource, type ResyncRun } from '../../src/reconcile/sources/resync';
import { WorkQueue } from '../../src/reconcile/workqueue';
import { connectRedis } from '../../src/state/redis';
import { urlEndpoint, type RedisEndpoint } from '../../src/state/redis-endpoint';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';

const INDEX = 'hiqty:servers';
const PREFIX = 'hiqty:server:';

/** Re-reads the key on every call, as a real reconciler does, and remembers what it saw. */
class ReadingReconciler implements Reconciler<string> {
  readonly seen = new Map<string, string | null>();
  constructor(private readonly client: Redis) {}
  async reconcile(id: string): Promise<Result> {
    this.seen.set(id, await this.client.get(`${PREFIX}${id}`));
    return done();
  }
}

async function* sscanAll(client: Redis, key: string): AsyncIterable<string> {
  let cursor = '0';
  do {
    const [next, members] = await client.sscan(key, cursor, 'COUNT', 100);
    cursor = next;
    yield* members;
  } while (cursor !== '0');
}

const LogLine = t.type({ level: t.number, msg: t.string });

function captureWarnings(): { logger: pino.Logger; warnings: string[] } {
  const warnings: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const line = LogLine.decode(JSON.parse(chunk.toString()));
      if (isRight(line) && line.right.level >= 40) warnings.push(line.right.msg);
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), warnings };
}

interface Harness {
  readonly controller: Controller<string>;
  readonly reconciler: ReadingReconciler;
  readonly runs: ResyncRun[];
  readonly subscriptions: { reconnect: boolean }[];
  readonly warnings: string[];
  stop(): Promise<void>;
}

/** A controller fed by keyspace notifications and a resync of the index set, wired as the bot wires them. */
async function startHarness(options: { redis: RedisEndpoint | (() => Redis); commands: Redis; periodMs: number }): Promise<Harness> {
  const { logger, warnings } = captureWarnings();
  const runs: ResyncRun[] = [];
  const subscriptions: { reconnect: boolean }[] = [];
  const reconciler = new ReadingReconciler(options.commands);
  const resync = new ResyncSource<string>({
    list: () => sscanAll(options.commands, INDEX),
    periodMs: options.periodMs,
    logger,
    onRun: (run) => runs.push(run),
  });
  const keyspace = new KeyspaceSource<string>({
    redis: options.redis,
    pattern: `${PREFIX}*`,
    keyToId: (key) => (key.startsWith(PREFIX) ? key.slice(PREFIX.length) : undefined),
    logger,
    onSubscribed: (info) => {
      subscriptions.push(info);
      resync.trigger(info.reconnect ? 'reconnect' : 'subscribed');
    },
  });
  const controller = new Controller<string>({
    name: 'sources-test',
    reconciler,
    workers: 4,
    logger,
    queue: new WorkQueue<string>({ backoff: { baseMs: 10, capMs: 200 } }),
    sources: [keyspace, resync],
  });
  await controller.start();
  return { controller, reconciler, runs, subscriptions, warnings, stop: () => controller.stop({ abortAfterMs: 1000 }) };
}

/** Resolves with how long it took until the reconciler saw value for id. */
async function timeUntilSeen(h: Harness, id: string, value: string, change: () => Promise<unknown>, timeoutMs = 5000): Promise<number> {
  const started = performance.now();
  await change();
  await waitFor(`reconciler to see ${id}=${value}`, () => h.reconciler.seen.get(id) === value, { timeoutMs, intervalMs: 2 });
  return performance.now() - started;
}

async function notifyFlags(client: Redis): Promise<string> {
  const reply = t.tuple([t.string, t.string]).decode(await client.config('GET', 'notify-keyspace-events'));
  assert.ok(isRight(reply));
  return reply.right[1];
}

describe('notify-keyspace-events flags', () => {
  it('adds what is wanted and keeps what is there', () => {
    assert.equal(mergeNotifyFlags('', 'K$lgxh'), 'K$lgxh');
    assert.equal(mergeNotifyFlags('Ez', 'K$lgxh'), 'EzK$lgxh');
    assert.ok(notifyFlagsCover('AK', 'K$lgxh'), "'A' includes every class");
    assert.ok(!notifyFlagsCover('E$lgxh', 'K$lgxh'), 'keyevent alone is not keyspace');
  });
});

describe('reconcile sources on a real Redis', () => {
  // Its own server: these tests kill every pubsub client and change server config and ACLs.
  const redis = useRedis({ dedicated: true });
  let admin: Redis;
  let commands: Redis;
  let harness: Harness | undefined;

  beforeEach(async () => {
    admin = redis.current.client();
    commands = redis.current.client();
    await admin.flushall();
    await admin.config('SET', 'notify-keyspace-events', '');
    await admin.sadd(INDEX, '1', '2');
    await admin.set(`${PREFIX}1`, 'v0');
    await admin.set(`${PREFIX}2`, 'v0');
  });

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await admin.call('ACL', 'DELUSER', 'limited');
    admin.disconnect();
    commands.disconnect();
  });

  // Speeds are not asserted (they follow the machine's load). Each path is told apart by what ran instead:
  // with a 60 s resync period, a change seen within the wait was delivered by a notification or a reconnect.
  it('delivers a change by keyspace notification, keeping existing flags', async () => {
    await admin.config('SET', 'notify-keyspace-events', 'Ez');
    const h = (harness = await startHarness({ redis: urlEndpoint(redis.current.url), commands, periodMs: 60_000 }));
    await waitFor('subscription', () => h.subscriptions.length === 1);
    await waitFor('initial resync', () => h.reconciler.seen.get('2') === 'v0');
    const flags = await notifyFlags(admin);
    for (const flag of 'EzK$lgxh') assert.ok(flags.includes(flag), `flag ${flag} in ${flags}`);

    const reconcilesBefore = h.runs.length;
    const elapsed = await timeUntilSeen(h, '1', 'v1', () => admin.set(`${PREFIX}1`, 'v1'));
    assert.equal(h.runs.length, reconcilesBefore, 'no resync was involved');
    console.log(`      keyspace notification to reconcile: ${elapsed.toFixed(1)} ms`);
    assert.deepEqual(h.warnings, []);
  });

  it('falls back to the periodic resync when CONFIG is refused, warning once', async () => {
    await admin.call('ACL', 'SETUSER', 'limited', 'on', '>secret', '~*', '&*', '+@all', '-config');
    const url = new URL(redis.current.url);
    url.username = 'limited';
    url.password = 'secret';
    const periodMs = 300;
    const h = (harness = await startHarness({ redis: urlEndpoint(url.toString()), commands, periodMs }));
    await waitFor('subscription', () => h.subscriptions.length === 1);
    await waitFor('initial resync', () => h.reconciler.seen.get('1') === 'v0');
    assert.equal(await notifyFlags(admin), '', 'the source could not turn notifications on');

    // With notifications off, only the periodic resync can deliver it.
    await timeUntilSeen(h, '1', 'v1', () => admin.set(`${PREFIX}1`, 'v1'));

    // A reconnect meets the same refusal, which is not worth a second warning.
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitFor('resubscription', () => h.subscriptions.length === 2);
    assert.deepEqual(h.warnings, ['cannot enable keyspace notifications; relying on periodic resync']);
  });

  it('delivers a change made while the subscriber is cut off, through the resync after it reconnects', async () => {
    let subscriber: Redis | undefined;
    // Slow reconnects so that the change surely happens while the subscriber is away.
    const factory = (): Redis => {
      const connection = connectRedis(urlEndpoint(redis.current.url), { retryStrategy: () => 200 });
      // The source asks for the subscriber first, then for short-lived CONFIG connections.
      subscriber ??= connection;
      return connection;
    };
    const h = (harness = await startHarness({ redis: factory, commands, periodMs: 60_000 }));
    await waitFor('subscription', () => h.subscriptions.length === 1);
    await waitFor('initial resync', () => h.reconciler.seen.get('1') === 'v0');

    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitFor('subscriber disconnect', () => subscriber?.status !== 'ready');
    const elapsed = await timeUntilSeen(h, '1', 'v1', () => admin.set(`${PREFIX}1`, 'v1'));
    assert.deepEqual(h.subscriptions.at(-1), { reconnect: true });
    await waitFor('resync after reconnect', () => h.runs.some((r) => r.reason === 'reconnect' && r.outcome === 'complete'));
    console.log(`      change while cut off to reconcile: ${elapsed.toFixed(1)} ms`);
  });
});

describe('reconcile sources across a Redis restart', () => {
  const redis = useRedis({ dedicated: true });

  it('recovers without a process restart: resyncs after reconnect and reconciles later changes', async function () {
    this.timeout(30_000);
    const admin = redis.current.client();
    const commands = redis.current.client();
    await admin.sadd(INDEX, '1');
    await admin.set(`${PREFIX}1`, 'v0');
    const h = await startHarness({ redis: urlEndpoint(redis.current.url), commands, periodMs: 60_000 });
    try {
      await waitFor('subscription', () => h.subscriptions.length === 1);
      await waitFor('initial resync', () => h.reconciler.seen.get('1') === 'v0');

      await redis.current.stop();
      await redis.current.start();

      await waitFor('resync after reconnect', () => h.runs.some((r) => r.reason === 'reconnect' && r.outcome === 'complete'), { timeoutMs: 10_000 });
      // The restarted server forgot CONFIG SET; the source must have set the flags again.
      assert.ok(notifyFlagsCover(await notifyFlags(admin), 'K$lgxh'));
      const runsBefore = h.runs.length;
      await timeUntilSeen(h, '1', 'v2', () => admin.set(`${PREFIX}1`, 'v2'));
      assert.equal(h.runs.length, runsBefore, 'after the restart a notification delivered it, not a resync');
    } finally {
      await h.stop();
      admin.disconnect();
      commands.disconnect();
    }
  });
});
