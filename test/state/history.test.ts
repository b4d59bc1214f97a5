/** /previous and /skipto's scripts (src/state/history.ts) against a real Redis. */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import { GUILDS_KEY, guildKeys, historyKey } from '../../src/state/keys';
import { newTrackId, type Track } from '../../src/state/schema';
import { GuildStore } from '../../src/state/store';
import { useRedis } from '../support/redis';

let guildSeq = 7100;
function newGuild(): string {
  return String(guildSeq++);
}

function track(n: number, extra: Partial<Track> = {}): Track {
  return { id: newTrackId(), url: `https://media.example/${n}.ogg`, title: `track ${n}`, ...extra };
}

const VOICE = '323456789012345678';
const TEXT = '223456789012345678';

function parsed(raw: string): Record<string, unknown> {
  const value: unknown = JSON.parse(raw);
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), raw);
  return Object.fromEntries(Object.entries(value));
}

describe('state/history: /previous and /skipto', function () {
  const redis = useRedis();
  let client: Redis;
  let store: GuildStore;
  let clock: ManualClock;

  before(() => {
    client = redis.current.client();
    clock = new ManualClock();
    store = new GuildStore(client, clock);
  });

  /** A guild that played a, b and c (in that order) and now plays d. */
  async function played(): Promise<{ g: string; tracks: Track[] }> {
    const g = newGuild();
    const tracks = [track(1, { requester: { id: '11', name: 'ann' }, durationMs: 60_000, startMs: 5000 }), track(2), track(3), track(4, { durationMs: 120_000 })];
    await store.enqueue(g, tracks);
    for (const t of tracks.slice(0, 3)) {
      await clock.advance(1000);
      assert.equal((await store.skipIfHead(g, t.id)).kind, 'skipped');
    }
    await store.setChannel(g, VOICE);
    return { g, tracks };
  }

  it('/previous brings the newest entry back at the head under a new id, keeps its fields, sets playing, and the current track stays next', async () => {
    const { g, tracks } = await played();
    const r = await store.previous(g, { textChannel: TEXT });
    assert.equal(r.kind, 'restored');
    assert.ok(r.kind === 'restored');
    assert.equal(r.track.url, tracks[2]!.url);
    assert.notEqual(r.track.id, tracks[2]!.id, 'a new id: the player starts it from 0');
    const queue = await client.lrange(guildKeys(g).playlist, 0, -1);
    assert.equal(queue.length, 2);
    assert.deepEqual(parsed(queue[0]!), { ...tracks[2], id: r.track.id });
    assert.equal(queue[1], JSON.stringify(tracks[3]), 'the current track, untouched (no status names it)');
    assert.equal(await client.get(guildKeys(g).state), 'playing');
    assert.equal(await client.get(guildKeys(g).text_channel), TEXT);
    assert.equal(await client.sismember(GUILDS_KEY, g), 1);
    assert.deepEqual((await store.history(g)).entries.map((e) => e.entry.track.id), [tracks[1]!.id, tracks[0]!.id], 'it left the history');
  });

  it('repeated /previous walks back through the history; the oldest comes back without its start position and with its requester', async () => {
    const { g, tracks } = await played();
    for (const expected of [tracks[2]!, tracks[1]!, tracks[0]!]) {
      const r = await store.previous(g);
      assert.ok(r.kind === 'restored');
      assert.equal(r.track.url, expected.url);
    }
    assert.equal((await store.previous(g)).kind, 'empty');
    const head = parsed((await client.lindex(guildKeys(g).playlist, 0)) ?? '');
    assert.deepEqual(head.requester, { id: '11', name: 'ann' });
    assert.equal(head.startMs, undefined, 'a seeked track plays again from its start');
    assert.deepEqual((await client.lrange(guildKeys(g).playlist, 0, -1)).map((raw) => parsed(raw).url), [tracks[0], tracks[1], tracks[2], tracks[3]].map((t) => t!.url));
  });

  it('the interrupted track resumes where its status says it was', async () => {
    const { g, tracks } = await played();
    await client.set(guildKeys(g).status, JSON.stringify({ instance: 'i', epoch: 1, trackId: tracks[3]!.id, positionMs: 42_000, state: 'playing', updatedAt: 1 }));
    const r = await store.previous(g);
    assert.ok(r.kind === 'restored');
    assert.equal(r.interrupted?.resumeAtMs, 42_000);
    const second = parsed((await client.lindex(guildKeys(g).playlist, 1)) ?? '');
    assert.equal(second.startMs, 42_000);
    assert.notEqual(second.id, tracks[3]!.id);
    assert.equal(second.url, tracks[3]!.url);
  });

  it('refuses without a channel, over max_queue, and reports a corrupt entry without dropping it', async () => {
    const g = newGuild();
    await store.enqueue(g, [track(1), track(2)]);
    await store.skipIfHead(g, (await store.snapshot(g)).snapshot.playlist[0]!.id);
    assert.equal((await store.previous(g)).kind, 'no-channel');
    await store.setSettings(g, { max_queue: 1 });
    await store.setChannel(g, VOICE);
    assert.deepEqual(await store.previous(g), { kind: 'queue-full', limit: 1 });
    assert.equal(await client.llen(historyKey(g)), 1, 'nothing was taken');
    await client.lpush(historyKey(g), '{"playedAt":"never"}');
    const r = await store.previous(g);
    assert.equal(r.kind, 'corrupt');
    assert.equal(await client.llen(historyKey(g)), 2, 'left in place');
    assert.equal((await store.quarantineHistoryEntry(g, '{"playedAt":"never"}', 'bad')).kind, 'quarantined');
    assert.equal(await client.llen(historyKey(g)), 1);
    const [q] = (await store.listQuarantine(g)).entries;
    assert.equal(q?.entry.source, 'history');
    assert.equal(q?.entry.raw, '{"playedAt":"never"}');
  });

  it('the script is fenced: a history entry or head that changed since the read is refused', async () => {
    const { g } = await played();
    const k = guildKeys(g);
    const top = (await client.lindex(historyKey(g), 0)) ?? '';
    const before = await client.lrange(k.playlist, 0, -1);
    const stale = await client.hiqtyPrevious(historyKey(g), k.playlist, GUILDS_KEY, k.settings, k.channel, k.text_channel, k.state, `${top} `, JSON.stringify(track(9)), '', '', g, '', '-', '', '');
    assert.deepEqual(stale, ['changed', 0]);
    const staleHead = await client.hiqtyPrevious(historyKey(g), k.playlist, GUILDS_KEY, k.settings, k.channel, k.text_channel, k.state, top, JSON.stringify(track(9)), 'not the head', '{}', g, '', '-', '', '');
    assert.deepEqual(staleHead, ['changed', 0]);
    const staleLimit = await client.hiqtyPrevious(historyKey(g), k.playlist, GUILDS_KEY, k.settings, k.channel, k.text_channel, k.state, top, JSON.stringify(track(9)), '', '', g, '', '=5', '', '');
    assert.deepEqual(staleLimit, ['changed', 0]);
    assert.deepEqual(await client.lrange(k.playlist, 0, -1), before);
    assert.equal(await client.lindex(historyKey(g), 0), top);
  });

  it('/skipto makes an entry the head; only the head goes to the history, the ones between are dropped', async () => {
    const g = newGuild();
    const tracks = [1, 2, 3, 4, 5].map((n) => track(n));
    await store.enqueue(g, tracks);
    await clock.advance(5000);
    const r = await store.skipTo(g, 3);
    assert.ok(r.kind === 'skipped');
    assert.equal(r.to.id, tracks[3]!.id);
    assert.equal(r.from.id, tracks[0]!.id);
    assert.equal(r.dropped, 3);
    assert.equal(r.requeued, false);
    assert.deepEqual((await client.lrange(guildKeys(g).playlist, 0, -1)).map((raw) => parsed(raw).id), [tracks[3]!.id, tracks[4]!.id]);
    const h = await store.history(g);
    assert.deepEqual(h.entries.map((e) => [e.entry.track.id, e.entry.playedAt]), [[tracks[0]!.id, clock.now()]]);
    assert.deepEqual(await store.skipTo(g, 2), { kind: 'out-of-range', length: 2 });
    assert.deepEqual(await store.skipTo(g, 0), { kind: 'out-of-range', length: 2 });
  });

  it('/skipto with loop queue puts everything skipped over at the back, in order, the head under a new id', async () => {
    const g = newGuild();
    const tracks = [1, 2, 3, 4].map((n) => track(n));
    await store.enqueue(g, tracks);
    await store.setSettings(g, { loop: 'queue' });
    const r = await store.skipTo(g, 2);
    assert.ok(r.kind === 'skipped' && r.requeued);
    const ids = (await client.lrange(guildKeys(g).playlist, 0, -1)).map((raw) => String(parsed(raw).id));
    assert.equal(ids.length, 4);
    assert.deepEqual([ids[0], ids[1], ids[3]], [tracks[2]!.id, tracks[3]!.id, tracks[1]!.id]);
    assert.notEqual(ids[2], tracks[0]!.id);
    assert.equal(parsed((await client.lindex(guildKeys(g).playlist, 2)) ?? '').url, tracks[0]!.url);
  });

  it('/skipto is fenced on the head and the target', async () => {
    const g = newGuild();
    const tracks = [1, 2, 3].map((n) => track(n));
    await store.enqueue(g, tracks);
    const k = guildKeys(g);
    const head = (await client.lindex(k.playlist, 0)) ?? '';
    const target = (await client.lindex(k.playlist, 2)) ?? '';
    assert.deepEqual(await client.hiqtySkipTo(k.playlist, historyKey(g), k.settings, 2, head, 'other', '{}', 1, 100), ['changed', 0]);
    assert.deepEqual(await client.hiqtySkipTo(k.playlist, historyKey(g), k.settings, 2, 'other', target, '{}', 1, 100), ['changed', 0]);
    assert.equal(await client.llen(k.playlist), 3);
    assert.equal(await client.llen(historyKey(g)), 0);
  });
});
