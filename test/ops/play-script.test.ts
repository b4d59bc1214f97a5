/** /play's write is one script: everything or nothing, with the limits checked inside it. */
import { strict as assert } from 'node:assert';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import * as ops from '../../src/ops';
import { DEFAULT_OPS_LIMITS, type OpError, type OpsDeps } from '../../src/ops';
import { GuildStore, guildKeys, GUILDS_KEY } from '../../src/state';
import { dumpGuild } from '../api/support';
import { useRedis } from '../support/redis';
import { startToneLinks, type ToneLinks } from '../support/tone-links';
import { waitFor } from '../support/wait';

const G = '111111111111111222';
const alice = { id: '201', name: 'alice' };
const bob = { id: '202', name: 'bob' };

function kindOf<A>(e: Either<OpError, A>): string {
  return isLeft(e) ? e.left.kind : 'queued';
}

describe('ops: /play writes in one script (real Redis)', () => {
  const redis = useRedis();
  let db: Redis;
  let deps: OpsDeps;
  const k = guildKeys(G);

  let links: ToneLinks;

  before(async () => {
    db = redis.current.client();
    links = await startToneLinks(db, new ManualClock(1_000_000));
    deps = { store: new GuildStore(db, new ManualClock(1_000_000)), redis: db, clock: new ManualClock(1_000_000), resolver: links.resolver, limits: { ...DEFAULT_OPS_LIMITS, defaultMaxQueue: 3 } };
  });
  beforeEach(() => db.flushall());
  after(async () => {
    db.disconnect();
    await links.stop();
  });

  const play = (query: string, extra: { channel?: string; textChannel?: string; requester?: { id: string; name: string } } = {}) =>
    ops.play(deps)({ guild: G, query, requester: extra.requester ?? alice, ...('channel' in extra ? { channel: extra.channel } : { channel: '301' }), ...(extra.textChannel === undefined ? {} : { textChannel: extra.textChannel }) })();

  it('queue, channel, text channel, state and index come from one EVALSHA: no write runs outside it', async () => {
    const monitor = await redis.current.client().monitor();
    const seen: { args: string[]; source: string }[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args, source }));
    try {
      assert.ok(isRight(await play(await links.link('a.ogg'), { textChannel: '401' })));
      // MONITOR lists a script's own commands with the source "lua"; wait until the script's last write arrived.
      await waitFor('the monitor to show the SET of the state', () => seen.some((c) => c.source === 'lua' && c.args[0]?.toUpperCase() === 'SET' && c.args[1] === k.state) || undefined);
    } finally {
      monitor.disconnect();
    }
    const writes = new Set(['SET', 'RPUSH', 'LPUSH', 'SADD', 'DEL', 'HSET', 'MULTI']);
    const outside = seen.filter((c) => c.source !== 'lua' && writes.has(c.args[0]?.toUpperCase() ?? ''));
    assert.deepEqual(outside, [], 'no write outside the script');
    const inLua = seen.filter((c) => c.source === 'lua').map((c) => `${c.args[0]?.toUpperCase()} ${c.args[1]}`);
    for (const expected of [`RPUSH ${k.playlist}`, `SADD ${GUILDS_KEY}`, `SET ${k.channel}`, `SET ${k.text_channel}`, `SET ${k.state}`]) assert.ok(inLua.includes(expected), `${expected} in ${inLua.join(', ')}`);
    assert.equal(seen.filter((c) => c.source !== 'lua' && /^EVAL/i.test(c.args[0] ?? '')).length, 1, 'one script call');
  });

  it('a refusal by the queue limit writes nothing: not the channel, not the state, not the text channel', async () => {
    await deps.store.stop(G);
    for (const n of [1, 2, 3]) assert.equal(kindOf(await play(await links.link(`${n}.ogg`))), 'queued');
    await db.set(k.state, 'paused');
    const before = await dumpGuild(db, G);
    assert.deepEqual(await play(await links.link('4.ogg'), { channel: '302', textChannel: '402' }), { _tag: 'Left', left: { kind: 'queue-full', limit: 3 } });
    assert.equal(await dumpGuild(db, G), before);
  });

  it('the guild\'s max_queue and max_per_user are the limits, read in the same script; a corrupt max_queue falls back to the default', async () => {
    const carol = { id: '203', name: 'carol' };
    await deps.store.setSettings(G, { max_queue: 4, max_per_user: 2 });
    assert.equal(kindOf(await play(await links.link('1.ogg'))), 'queued');
    assert.equal(kindOf(await play(await links.link('2.ogg'))), 'queued');
    assert.equal(kindOf(await play(await links.link('3.ogg'))), 'user-limit');
    assert.equal(kindOf(await play(await links.link('4.ogg'), { requester: bob })), 'queued');
    assert.equal(kindOf(await play(await links.link('5.ogg'), { requester: bob })), 'queued');
    assert.equal(kindOf(await play(await links.link('6.ogg'), { requester: carol })), 'queue-full');
    await db.hset(k.settings, 'max_queue', 'lots', 'max_per_user', '-1');
    // Corrupt settings read as absent: the default (3) applies, and the 4 tracks there are already over it.
    assert.equal(kindOf(await play(await links.link('7.ogg'), { requester: carol })), 'queue-full');
    await db.del(k.playlist);
    assert.equal(kindOf(await play(await links.link('8.ogg'))), 'queued');
    assert.equal(kindOf(await play(await links.link('9.ogg'))), 'queued');
    assert.equal(kindOf(await play(await links.link('10.ogg'))), 'queued', 'no per-user limit once max_per_user is corrupt');
  });

  it('without a channel given, the guild must have one; the refusal writes nothing', async () => {
    const before = await dumpGuild(db, G);
    assert.equal(kindOf(await play(await links.link('a.ogg'), { channel: undefined, textChannel: '401' })), 'no-channel');
    assert.equal(await dumpGuild(db, G), before);
    await db.set(k.channel, '303');
    assert.equal(kindOf(await play(await links.link('a.ogg'), { channel: undefined })), 'queued');
    assert.equal(await db.get(k.channel), '303');
    assert.equal(await db.get(k.state), 'playing');
  });

  it('20 concurrent plays against a limit of 3: exactly 3 are queued, and the state is playing once any is', async () => {
    const urls = await Promise.all(Array.from({ length: 20 }, (_, i) => links.link(`c${i}.ogg`)));
    const results = await Promise.all(urls.map((url, i) => play(url, { requester: { id: String(300 + i), name: `m${i}` } })));
    assert.equal(results.filter(isRight).length, 3);
    assert.ok(results.filter(isLeft).every((r) => r.left.kind === 'queue-full'));
    assert.equal(await db.llen(k.playlist), 3);
    assert.equal(await db.get(k.state), 'playing');
  });
});
