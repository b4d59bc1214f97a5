import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { Controller } from '../../src/reconcile/controller';
import { done, type Reconciler, type Result } from '../../src/reconcile/reconciler';
import { KeyspaceHub } from '../../src/reconcile/sources/keyspace-hub';
import { notifyFlagsCover } from '../../src/reconcile/sources/keyspace';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';

const PREFIX = 'hiqty:server:';

/** Remembers every id it was asked about, in order. */
class Recorder implements Reconciler<string> {
  readonly seen: string[] = [];
  async reconcile(id: string): Promise<Result> {
    this.seen.push(id);
    return done();
  }
}

/** How many clients of this server are subscribed to something (pubsub connections). */
async function subscribers(admin: Redis): Promise<number> {
  const list = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  return list.split('\n').filter((line) => line.trim() !== '').length;
}

describe('KeyspaceHub: one subscriber for every consumer', () => {
  // Its own server: these tests restart it and change its config.
  const redis = useRedis({ dedicated: true });
  let admin: Redis;
  let hub: KeyspaceHub | undefined;
  const controllers: Controller<string>[] = [];

  beforeEach(async () => {
    admin = redis.current.client();
    await admin.flushall();
    await admin.config('SET', 'notify-keyspace-events', '');
  });

  afterEach(async () => {
    await Promise.all(controllers.splice(0).map((c) => c.stop()));
    await hub?.stop();
    hub = undefined;
    admin.disconnect();
  });

  function consumer(h: KeyspaceHub, name: string, keyToId: (key: string, event: string) => string | undefined, subscribed: boolean[]): Recorder {
    const recorder = new Recorder();
    const controller = new Controller<string>({
      name,
      reconciler: recorder,
      sources: [h.source({ keyToId, onSubscribed: ({ reconnect }) => subscribed.push(reconnect) })],
    });
    controllers.push(controller);
    void controller.start();
    return recorder;
  }

  it('delivers each notification to several consumers through their own filters, over one connection', async () => {
    const h = (hub = new KeyspaceHub({ redis: () => redis.current.client(), pattern: `${PREFIX}*` }));
    const statusSeen: boolean[] = [];
    const listenerSeen: boolean[] = [];
    const everything = consumer(h, 'all', (key) => key.slice(PREFIX.length), []);
    const noStatus = consumer(h, 'no-status', (key) => (key.endsWith(':status') ? undefined : key.slice(PREFIX.length)), statusSeen);
    const watched: string[] = [];
    const unlisten = h.listen({ onKey: (key, event) => watched.push(`${event} ${key}`), onSubscribed: () => listenerSeen.push(true) });
    await waitFor('subscription', () => h.subscribed);
    assert.deepEqual([statusSeen, listenerSeen], [[false], [true]], 'each consumer hears of the subscription once');

    await admin.set(`${PREFIX}1:status`, '{}');
    await admin.rpush(`${PREFIX}1:playlist`, 'a');
    await waitFor('both notifications for the unfiltered consumer', () => everything.seen.includes('1:playlist') && everything.seen.includes('1:status'));
    await waitFor('the playlist for the filtering consumer', () => noStatus.seen.includes('1:playlist'));
    assert.ok(!noStatus.seen.includes('1:status'), 'the filter dropped the status write');
    assert.deepEqual(watched, [`set ${PREFIX}1:status`, `rpush ${PREFIX}1:playlist`]);
    assert.equal(await subscribers(admin), 1, 'three consumers, one subscriber connection');

    unlisten();
    await admin.set(`${PREFIX}2:state`, 'playing');
    await waitFor('the remaining consumers', () => everything.seen.includes('2:state'));
    assert.equal(watched.length, 2, 'a listener removed hears nothing more');
  });

  it('tells a consumer that joins after the subscription at once (its start-up resync must run)', async () => {
    const h = (hub = new KeyspaceHub({ redis: () => redis.current.client(), pattern: `${PREFIX}*` }));
    h.start();
    await waitFor('subscription', () => h.subscribed);
    const late: boolean[] = [];
    h.listen({ onKey: () => undefined, onSubscribed: ({ reconnect }) => late.push(reconnect) });
    assert.deepEqual(late, [false]);
  });

  it('re-subscribes after a Redis restart, sets the flags again, and tells every consumer', async function () {
    this.timeout(30_000);
    const h = (hub = new KeyspaceHub({ redis: () => redis.current.client(), pattern: `${PREFIX}*` }));
    const a: boolean[] = [];
    const b: boolean[] = [];
    const first = consumer(h, 'a', (key) => key.slice(PREFIX.length), a);
    const second = consumer(h, 'b', (key) => key.slice(PREFIX.length), b);
    await waitFor('subscription', () => a.length === 1 && b.length === 1);

    await redis.current.stop();
    await redis.current.start();
    await waitFor('re-subscription', () => a.length === 2 && b.length === 2, { timeoutMs: 15_000 });
    assert.deepEqual([a, b], [[false, true], [false, true]]);

    const after = redis.current.client();
    try {
      await after.set(`${PREFIX}9:state`, 'playing');
      await waitFor('a notification after the restart, to both', () => first.seen.includes('9:state') && second.seen.includes('9:state'));
      assert.equal(await subscribers(after), 1);
      // The restarted server forgot CONFIG SET: the hub set the flags again.
      const reply: unknown = await after.config('GET', 'notify-keyspace-events');
      const flags = Array.isArray(reply) ? String(reply[1]) : '';
      assert.ok(notifyFlagsCover(flags, 'K$lgxh'), flags);
    } finally {
      after.disconnect();
    }
  });

  it('stop() closes the subscriber: nothing more is delivered, nothing is left open', async () => {
    const h = new KeyspaceHub({ redis: () => redis.current.client(), pattern: `${PREFIX}*` });
    const heard: string[] = [];
    h.listen({ onKey: (key) => heard.push(key) });
    await waitFor('subscription', () => h.subscribed);
    await h.stop();
    await admin.set(`${PREFIX}1:state`, 'playing');
    await waitFor('the subscriber gone', async () => (await subscribers(admin)) === 0);
    assert.deepEqual(heard, []);
    assert.doesNotThrow(() => h.listen({ onKey: () => undefined }), 'listening to a stopped hub is a no-op');
  });
});
