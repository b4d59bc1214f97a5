/**
 * Autoplay's write against a real Redis (src/state/autoplay.ts): queued only while nothing changed since
 * autoplay decided, at most once per followed track (also when two writers race), fenced by the lease;
 * and a guild whose newest played track autoplay has still to follow is not idle.
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { ManualClock, systemClock } from '../../src/clock';
import { AutoplayStore } from '../../src/state/autoplay';
import { autoplayKey, GUILDS_KEY, guildKeys, historyKey } from '../../src/state/keys';
import { type Lease, LeaseClient } from '../../src/state/lease';
import { newTrackId, type Track } from '../../src/state/schema';
import { GuildStore } from '../../src/state/store';
import { useRedis } from '../support/redis';

describe('state: autoplay enqueue script', () => {
  const redis = useRedis();
  let client: Redis;
  let autoplay: AutoplayStore;
  let store: GuildStore;
  let leases: LeaseClient;
  let n = 0;

  before(() => {
    client = redis.current.client();
    autoplay = new AutoplayStore(client);
    store = new GuildStore(client, new ManualClock());
    leases = new LeaseClient(client, systemClock, { instance: 'autoplay-test', ttlMs: 30_000 });
  });

  const track = (title: string): Track => ({ id: newTrackId(), url: `https://www.youtube.com/watch?v=${title}`, title, source: 'youtube', sourceId: title, requester: { id: 'autoplay', name: 'Autoplay' } });

  /** A guild whose queue ran out after `played`, with autoplay on and `playing` wanted, and its lease. */
  async function ranOut(): Promise<{ guild: string; played: Track; lease: Lease }> {
    const guild = String(900_000_000_000_000_000n + BigInt((n += 1)));
    const k = guildKeys(guild);
    const played = track(`played${n}`);
    await client
      .multi()
      .set(k.channel, '111111111111111111')
      .set(k.state, 'playing')
      .hset(k.settings, 'autoplay', '1')
      .lpush(historyKey(guild), JSON.stringify({ playedAt: 1, track: played }))
      .exec();
    const claimed = await leases.claim(guild);
    assert.equal(claimed.kind, 'claimed');
    if (claimed.kind !== 'claimed') throw new Error('unreachable');
    return { guild, played, lease: claimed.lease };
  }

  it('queues the track, records the followed track and indexes the guild; the same track is not followed twice', async () => {
    const { guild, played, lease } = await ranOut();
    const next = track('next');
    assert.equal(await autoplay.enqueue(guild, played.id, next, lease), 'queued');
    assert.deepEqual(await client.lrange(guildKeys(guild).playlist, 0, -1), [JSON.stringify(next)]);
    assert.equal(await client.get(autoplayKey(guild)), played.id);
    assert.equal(await autoplay.followed(guild), played.id);
    assert.equal(await client.sismember(GUILDS_KEY, guild), 1);
    // The queued track was removed (a /clear): the queue is empty again, but that track was followed.
    await client.del(guildKeys(guild).playlist);
    assert.equal(await autoplay.enqueue(guild, played.id, track('again'), lease), 'already-followed');
    assert.equal(await client.llen(guildKeys(guild).playlist), 0);
  });

  it('two writers racing for the same followed track: exactly one queues', async () => {
    const { guild, played, lease } = await ranOut();
    const results = await Promise.all([autoplay.enqueue(guild, played.id, track('a'), lease), autoplay.enqueue(guild, played.id, track('b'), lease)]);
    assert.deepEqual([...results].sort(), ['not-empty', 'queued']);
    assert.equal(await client.llen(guildKeys(guild).playlist), 1);
  });

  it('refuses when anything changed since autoplay decided', async () => {
    const cases: { name: string; change: (guild: string) => Promise<unknown>; expected: string }[] = [
      { name: 'a /play queued something', change: (g) => client.rpush(guildKeys(g).playlist, JSON.stringify(track('played-by-member'))), expected: 'not-empty' },
      { name: 'another track ended since', change: (g) => client.lpush(historyKey(g), JSON.stringify({ playedAt: 2, track: track('later') })), expected: 'moved-on' },
      { name: 'autoplay was turned off', change: (g) => client.hset(guildKeys(g).settings, 'autoplay', '0'), expected: 'off' },
      { name: '/stop', change: (g) => client.set(guildKeys(g).state, 'stopped'), expected: 'not-playing' },
      { name: 'the lease went to another instance', change: (g) => client.set(guildKeys(g).player_lock, 'other:99', 'PX', 30_000), expected: 'lease-lost' },
    ];
    for (const c of cases) {
      const { guild, played, lease } = await ranOut();
      const before = await client.llen(guildKeys(guild).playlist);
      await c.change(guild);
      assert.equal(await autoplay.enqueue(guild, played.id, track('late'), lease), c.expected, c.name);
      const after = await client.lrange(guildKeys(guild).playlist, 0, -1);
      assert.ok(!after.some((raw) => raw.includes('"late"')), `${c.name}: nothing queued (${before} before)`);
      assert.equal(await client.get(autoplayKey(guild)), null, `${c.name}: not recorded as followed`);
    }
  });

  it('with nothing to queue, only records the followed track', async () => {
    const { guild, played, lease } = await ranOut();
    assert.equal(await autoplay.enqueue(guild, played.id, undefined, lease), 'marked');
    assert.equal(await client.llen(guildKeys(guild).playlist), 0);
    assert.equal(await autoplay.followed(guild), played.id);
  });

  it('refuses a track that is not a valid queue entry without writing', async () => {
    const { guild, played, lease } = await ranOut();
    assert.equal(await autoplay.enqueue(guild, played.id, { ...track('x'), url: '' }, lease), 'invalid');
    assert.equal(await client.llen(guildKeys(guild).playlist), 0);
  });

  it('a guild whose newest played track autoplay has still to follow is not idle; once followed, or with autoplay off, it is', async () => {
    const { guild, played, lease } = await ranOut();
    assert.equal(await store.isIdle(guild), false, 'autoplay still to act');
    await client.hset(guildKeys(guild).settings, 'autoplay', '0');
    assert.equal(await store.isIdle(guild), true, 'autoplay off');
    await client.hset(guildKeys(guild).settings, 'autoplay', '1');
    assert.equal(await autoplay.enqueue(guild, played.id, undefined, lease), 'marked');
    assert.equal(await store.isIdle(guild), true, 'followed already');
    const idle = await store.idleAmong([guild, (await ranOut()).guild]);
    assert.deepEqual([...idle], [guild], 'a batch tells them apart');
  });
});
