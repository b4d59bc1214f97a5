/**
 * The now-playing message's lyric line (issue 16), on a real Redis with a ManualClock, the lines from the
 * LRCLIB fake through the real client: shown only after /lyrics marked the track, following the position
 * the player checkpointed (extrapolated by the clock), edited no sooner than NP_LYRICS_MIN_EDIT_MS after
 * the last edit, and woken by the mark itself.
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { artistLine, RICKROLL_LINES, SONGS, startLrclibFake, type LrclibFake } from '../../src/sandbox/services/lrclib';
import { lrclibFinder, LYRICS_CACHE_TTL_MS } from '../../src/sources/lrclib/client';
import { GuildStore, guildKeys, lyricsShownKey, markLyricsShown, newTrackId, redisSourceCache, type Track } from '../../src/state';
import { NP_LYRICS_MIN_EDIT_MS, npLyrics } from '../../controllers/responder/lyrics-np';
import { NP_REFRESH_MS, NowPlayingReconciler, npHint, type NpChannel } from '../../controllers/responder/now-playing';
import type { Body } from '../../controllers/responder/render';
import { useRedis } from '../support/redis';
import { fetcherFor } from '../sources/metadata-support';

const INSTANCE = 'np-lyrics';
const TEXT = '223456789012345678';
const VOICE = '323456789012345678';

class RecordingChannel implements NpChannel {
  readonly posts: Body[] = [];
  readonly edits: Body[] = [];
  async post(_channelId: string, body: Body): Promise<string> {
    this.posts.push(body);
    return String(this.posts.length);
  }
  async edit(_channelId: string, _messageId: string, body: Body): Promise<'edited'> {
    this.edits.push(body);
    return 'edited';
  }
  async remove(): Promise<void> {}
}

const lyricLine = (b: Body | undefined): string | undefined => b?.content.split('\n').find((l) => l.startsWith('🎤 '));

describe('now-playing: the synced lyric line', function () {
  this.timeout(20_000);
  const redis = useRedis();
  let client: Redis;
  let fake: LrclibFake;
  let clock: ManualClock;
  let store: GuildStore;
  let guildSeq = 700;

  before(async () => {
    fake = await startLrclibFake();
  });
  after(() => fake.stop());
  beforeEach(async () => {
    client = redis.current.client();
    await client.flushall();
    clock = new ManualClock();
    store = new GuildStore(client, clock);
  });

  async function playing(): Promise<{ guild: string; head: Track }> {
    const guild = String(guildSeq++);
    const song = SONGS.rickroll;
    const head: Track = { id: newTrackId(), url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', title: 'Rick Astley - Never Gonna Give You Up (Official Video)', artist: artistLine(song), durationMs: song.durationMs };
    await store.enqueue(guild, [head]);
    await store.setChannel(guild, VOICE);
    await store.setTextChannel(guild, TEXT);
    await store.setState(guild, 'playing');
    await client.set(guildKeys(guild).player_lock, `${INSTANCE}:1`);
    await client.set(guildKeys(guild).status, JSON.stringify({ instance: INSTANCE, epoch: 1, trackId: head.id, positionMs: 0, state: 'playing', updatedAt: clock.now() }));
    return { guild, head };
  }

  function reconciler(channel: NpChannel): NowPlayingReconciler {
    const finder = lrclibFinder({ fetch: fetcherFor(fake), cache: redisSourceCache(client, 'resolve', LYRICS_CACHE_TTL_MS), log: silentLogger });
    return new NowPlayingReconciler({ redis: client, store, channel, instance: INSTANCE, clock, log: silentLogger, locale: () => 'en', lyrics: npLyrics(client, finder, silentLogger) });
  }

  it('the mark wakes the message (a keyspace hint), and expiring does not', () => {
    assert.equal(npHint(lyricsShownKey('42'), 'set'), '42');
    assert.equal(npHint(lyricsShownKey('42'), 'expired'), undefined);
  });

  it('no line and no LRCLIB request until /lyrics marks the track; then each line as the position reaches it, edits at most one per NP_LYRICS_MIN_EDIT_MS', async () => {
    const { guild, head } = await playing();
    const channel = new RecordingChannel();
    const np = reconciler(channel);
    const asked = fake.requests.length;

    assert.deepEqual(await np.reconcile(guild), { requeueAfterMs: NP_REFRESH_MS });
    assert.equal(channel.posts.length, 1);
    assert.equal(lyricLine(channel.posts[0]), undefined, 'no line without /lyrics');
    assert.equal(fake.requests.length, asked, 'and LRCLIB was not asked');

    await markLyricsShown(client, guild, head.id);
    // Just posted: the line waits for the pace.
    assert.deepEqual(await np.reconcile(guild), { requeueAfterMs: NP_LYRICS_MIN_EDIT_MS });
    assert.equal(channel.edits.length, 0);

    await clock.advance(NP_LYRICS_MIN_EDIT_MS); // position 2.5 s: the first line (0.3 s)
    let r = await np.reconcile(guild);
    assert.equal(channel.edits.length, 1);
    assert.equal(lyricLine(channel.edits[0]), `🎤 *${RICKROLL_LINES[0]?.[1]}*`);
    assert.deepEqual(r, { requeueAfterMs: NP_LYRICS_MIN_EDIT_MS }, 'the next line (2.8 s) is due sooner than the pace allows');

    await clock.advance(1000); // 3.5 s: the second line is sung, but the last edit was 1 s ago
    r = await np.reconcile(guild);
    assert.equal(channel.edits.length, 1, 'not edited within the pace');
    assert.deepEqual(r, { requeueAfterMs: NP_LYRICS_MIN_EDIT_MS - 1000 });

    await clock.advance(NP_LYRICS_MIN_EDIT_MS - 1000); // 5.0 s
    r = await np.reconcile(guild);
    assert.equal(channel.edits.length, 2);
    assert.equal(lyricLine(channel.edits[1]), `🎤 *${RICKROLL_LINES[1]?.[1]}*`);

    await clock.advance(NP_LYRICS_MIN_EDIT_MS); // 7.5 s: the last line
    r = await np.reconcile(guild);
    assert.equal(channel.edits.length, 3);
    assert.equal(lyricLine(channel.edits[2]), `🎤 *${RICKROLL_LINES[2]?.[1]}*`);
    assert.equal(fake.requests.length, asked + 1, 'one LRCLIB lookup for the whole track');

    // Nothing more to follow: back to the position bar's pace.
    assert.ok((r.requeueAfterMs ?? 0) > NP_LYRICS_MIN_EDIT_MS, JSON.stringify(r));
  });

  it('a mark for another track (the head changed) shows nothing', async () => {
    const { guild } = await playing();
    await markLyricsShown(client, guild, newTrackId());
    const channel = new RecordingChannel();
    await reconciler(channel).reconcile(guild);
    assert.equal(lyricLine(channel.posts[0]), undefined);
  });

  it('another instance taking the guild over shows the line at the checkpointed position (failover)', async () => {
    const { guild, head } = await playing();
    await markLyricsShown(client, guild, head.id);
    // The old player checkpointed 5.5 s; the new owner's message starts there.
    await client.set(guildKeys(guild).status, JSON.stringify({ instance: INSTANCE, epoch: 1, trackId: head.id, positionMs: 5500, state: 'playing', updatedAt: clock.now() }));
    const channel = new RecordingChannel();
    await reconciler(channel).reconcile(guild);
    assert.equal(lyricLine(channel.posts[0]), `🎤 *${RICKROLL_LINES[2]?.[1]}*`);
  });

  it('while the new lease holder has not resumed yet (the status is the crashed player\'s), the line stays at the checkpoint', async () => {
    const { guild, head } = await playing();
    await markLyricsShown(client, guild, head.id);
    // Checkpointed 2 s in under epoch 1; the lock is now epoch 2 (ours, just claimed).
    await client.set(guildKeys(guild).player_lock, `${INSTANCE}:2`);
    await client.set(guildKeys(guild).status, JSON.stringify({ instance: 'crashed', epoch: 1, trackId: head.id, positionMs: 2000, state: 'playing', updatedAt: clock.now() }));
    await clock.advance(4000);
    const channel = new RecordingChannel();
    await reconciler(channel).reconcile(guild);
    assert.equal(lyricLine(channel.posts[0]), `🎤 *${RICKROLL_LINES[0]?.[1]}*`, 'the line at 2 s, not at 6 s');
  });
});
