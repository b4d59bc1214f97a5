/**
 * The settings field `filters` in a real Redis: written by the store only through its codec, read back
 * typed, a hand-written bad value reported (never fatal), and the filter op's edits composing there.
 */
import { strict as assert } from 'node:assert';
import { isLeft, isRight } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import * as ops from '../../src/ops';
import { DEFAULT_OPS_LIMITS, type OpsDeps } from '../../src/ops';
import { GuildStore, guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { startToneLinks, type ToneLinks } from '../support/tone-links';

const G = '222222222222222222';

describe('state: the filters setting against a real Redis', () => {
  const redis = useRedis();
  let db: Redis;
  let store: GuildStore;
  let deps: OpsDeps;
  let links: ToneLinks;
  const k = guildKeys(G);

  before(async () => {
    db = redis.current.client();
    const clock = new ManualClock(1_000_000);
    links = await startToneLinks(db, clock);
    store = new GuildStore(db, clock);
    deps = { store, redis: db, clock, resolver: links.resolver, limits: DEFAULT_OPS_LIMITS };
  });
  beforeEach(() => db.flushall());
  after(async () => {
    db.disconnect();
    await links.stop();
  });

  it('is written as canonical JSON, read back typed, and no filters is no field', async () => {
    assert.deepEqual(await store.setSettings(G, { filters: { speed: 1.25, bassboost: 'high' } }), { kind: 'set' });
    assert.equal(await db.hget(k.settings, 'filters'), '{"bassboost":"high","speed":1.25}');
    assert.deepEqual((await store.snapshot(G)).snapshot.settings.filters, { bassboost: 'high', speed: 1.25 });
    await store.setSettings(G, { filters: {} });
    assert.equal(await db.hexists(k.settings, 'filters'), 0);
    await store.setSettings(G, { filters: { karaoke: true } });
    await store.setSettings(G, { filters: null });
    assert.equal(await db.hexists(k.settings, 'filters'), 0);
  });

  it('the store refuses a value out of bounds and writes nothing', async () => {
    const r = await store.setSettings(G, { filters: { rate: 5 } });
    assert.equal(r.kind, 'invalid');
    assert.match(r.kind === 'invalid' ? r.problems.join() : '', /filters: .*rate.*a number from 0.5 to 2/);
    assert.equal(await db.exists(k.settings), 0);
  });

  it('a hand-written value (another interface writes Redis) is read when valid and reported when not, the rest of the settings intact', async () => {
    await db.hset(k.settings, { filters: '{"nightcore":true,"equalizer":[0,0,0,0,0,3,0,0,0,0]}', volume: '90' });
    let { snapshot, corrupt } = await store.snapshot(G);
    assert.deepEqual(snapshot.settings.filters, { nightcore: true, equalizer: [0, 0, 0, 0, 0, 3, 0, 0, 0, 0] });
    assert.deepEqual(corrupt, []);
    await db.hset(k.settings, 'filters', '{"nightcore":"loud"}');
    ({ snapshot, corrupt } = await store.snapshot(G));
    assert.deepEqual(snapshot.settings.filters, {});
    assert.equal(snapshot.settings.volume, 90);
    assert.deepEqual(corrupt.map((c) => [c.where, c.raw]), [['settings.filters', '{"nightcore":"loud"}']]);
    const read = await ops.readFilters(deps)({ guild: G })();
    assert.ok(isRight(read));
    assert.match(read.right.corrupt ?? '', /nightcore/, '/filter show can say the stored value is unreadable');
    const off = await ops.setFilters(deps)({ guild: G, change: { kind: 'off' } })();
    assert.ok(isRight(off) && off.right.changed);
    assert.equal(await db.hexists(k.settings, 'filters'), 0, '/filter off clears an unreadable value too');
  });

  it('the op: changes compose in Redis, a refusal writes nothing, off clears the field', async () => {
    const set = (change: ops.FilterInput['change']) => ops.setFilters(deps)({ guild: G, change })();
    const a = await set({ kind: 'preset', name: 'bassboost', level: 'low' });
    assert.ok(isRight(a) && a.right.changed);
    await set({ kind: 'preset', name: 'nightcore' });
    await set({ kind: 'band', band: 10, gain: -4 });
    const same = await set({ kind: 'preset', name: 'nightcore' });
    assert.ok(isRight(same) && !same.right.changed, 'setting it again is no change');
    assert.equal(await db.hget(k.settings, 'filters'), '{"bassboost":"low","nightcore":true,"equalizer":[0,0,0,0,0,0,0,0,0,-4]}');
    const refused = await set({ kind: 'factor', which: 'speed', value: 3 });
    assert.ok(isLeft(refused));
    assert.deepEqual(refused.left, { kind: 'refused', refusal: { kind: 'out-of-range', what: 'speed', value: 3, min: 0.5, max: 2 } });
    assert.equal(await db.hget(k.settings, 'filters'), '{"bassboost":"low","nightcore":true,"equalizer":[0,0,0,0,0,0,0,0,0,-4]}');
    const read = await ops.readFilters(deps)({ guild: G })();
    assert.ok(isRight(read));
    assert.deepEqual(read.right.filters, { bassboost: 'low', nightcore: true, equalizer: [0, 0, 0, 0, 0, 0, 0, 0, 0, -4] });
    await set({ kind: 'off' });
    assert.equal(await db.hexists(k.settings, 'filters'), 0);
    const bad = await ops.setFilters(deps)({ guild: 'not-a-guild', change: { kind: 'off' } })();
    assert.ok(isLeft(bad) && bad.left.kind === 'op' && bad.left.error.kind === 'invalid-input');
  });
});
