/**
 * Issue 16, autoplay end to end: the real bot, the sandbox and the YouTube fake. With autoplay on and the
 * queue run out, a track from the fake's radio mix of the last one is heard (never one of the last 50
 * played) and announced as added by autoplay; with autoplay off nothing is queued until /autoplay turns
 * it on; with nobody left in the voice channel nothing is queued.
 */
import { strict as assert } from 'node:assert';
import { decodeJson } from '../../src/codecs';
import { VIDEOS, type FakeVideo } from '../../src/sandbox/services/youtube';
import { autoplayKey, GUILDS_KEY, historyKey, HistoryEntry, Status } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { BOT_ENV, ServiceScene, watchUrl } from './support';

describe('services: autoplay when the queue runs out', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;

  const trackOf = (video: FakeVideo, id: string) => ({ id, url: watchUrl(video.id), source: 'youtube', sourceId: video.id, title: video.title, artist: video.artist, durationMs: video.durationMs });

  /** A YouTube track of the fake queued as /play would have, written straight into Redis (the public contract). */
  async function queue(video: FakeVideo, id: string): Promise<void> {
    const k = scene.keys;
    await stage.db.multi().rpush(k.playlist, JSON.stringify(trackOf(video, id))).set(k.channel, stage.voiceChannel(stage.guild)).set(k.text_channel, scene.textChannel).set(k.state, 'playing').sadd(GUILDS_KEY, scene.guildId).exec();
  }

  /** Played earlier (older than anything played in the test): autoplay must pass over them. */
  async function playedBefore(videos: readonly FakeVideo[]): Promise<void> {
    for (const [i, video] of videos.entries()) await stage.db.rpush(historyKey(scene.guildId), JSON.stringify({ playedAt: i + 1, track: trackOf(video, `earlier-${i}`) }));
  }

  async function history(): Promise<HistoryEntry[]> {
    return (await stage.db.lrange(historyKey(scene.guildId), 0, -1)).map((raw) => {
      const decoded = decodeJson(HistoryEntry, raw);
      assert.ok(decoded._tag === 'Right', raw);
      return decoded.right;
    });
  }

  async function status(): Promise<Status | undefined> {
    const raw = await stage.db.get(scene.keys.status);
    const decoded = raw === null ? undefined : decodeJson(Status, raw);
    return decoded?._tag === 'Right' ? decoded.right : undefined;
  }

  const autoplayLines = (outcome: string) => stage.bots.flatMap((b) => b.proc.lines).filter((l) => l.component === 'autoplay' && l.outcome === outcome && l.guild === scene.guildId);

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    // A short idle timeout: a guild with nothing to play is let go at once, so an empty queue is met by a fresh claim too.
    await stage.startBot({ ...BOT_ENV, HIQTY_IDLE_TIMEOUT_MS: '1000' });
  });
  after(() => stage.stop());
  beforeEach(async () => {
    await scene.reset();
    await stage.db.del(historyKey(scene.guildId), autoplayKey(scene.guildId));
  });
  afterEach(async () => {
    await stage.db.hset(scene.keys.settings, 'autoplay', '0');
    if (!stage.sandbox.voiceStates(scene.guildId).some((vs) => vs.userId === scene.member && vs.channelId !== null)) stage.sandbox.joinVoice(scene.guildId, scene.member, stage.voiceChannel(stage.guild));
  });
  Stage.dumpOnFailure(() => stage);

  it('on: the radio mix of the last track is heard, never one of the last 50 played, announced as added by autoplay', async () => {
    // The fake relates the C4 tone to the other "hiqty tones" videos first: Four Minutes of A5, Only in AAC, E4, G4.
    await playedBefore([VIDEOS.fourMinutes, VIDEOS.aacOnly]);
    await stage.db.hset(scene.keys.settings, 'autoplay', '1');
    const mark = scene.mark();
    await queue(VIDEOS.toneC, 'autoplay-seed');
    // C4 ends; autoplay passes over the two played before and queues E4; E4 ends and G4 follows (C4 and E4 now played too).
    await scene.heardAfter(mark, [VIDEOS.toneC.hz, VIDEOS.toneE.hz, VIDEOS.toneG.hz], 45_000);
    await waitFor('the announcements', () => {
      const first = scene.channelMessages(/^🎲 Autoplay added \*\*E4 tone\*\* from YouTube, related to \*\*C4 tone\*\*\.$/);
      const second = scene.channelMessages(/^🎲 Autoplay added \*\*G4 tone\*\* from YouTube, related to \*\*E4 tone\*\*\.$/);
      return first.length === 1 && second.length === 1 ? true : undefined;
    });
    await stage.db.hset(scene.keys.settings, 'autoplay', '0');
    const played = await waitFor('E4 in the history', async () => {
      const entries = await history();
      return entries.some((e) => e.track.sourceId === VIDEOS.toneE.id) ? entries : undefined;
    });
    const e4 = played.find((e) => e.track.sourceId === VIDEOS.toneE.id)?.track;
    assert.deepEqual(e4?.requester, { id: 'autoplay', name: 'Autoplay' }, 'queued as requested by Autoplay');
    assert.equal(e4?.url, watchUrl(VIDEOS.toneE.id));
    const heard = stage.sandbox.voiceStats(scene.guildId, { flush: false }).windows.filter((w) => w.startMs >= mark && w.hz !== undefined);
    for (const skipped of [VIDEOS.fourMinutes, VIDEOS.aacOnly]) assert.ok(!heard.some((w) => Math.abs((w.hz ?? 0) - skipped.hz) <= 4), `${skipped.title} (played before) was not heard`);
    assert.equal(autoplayLines('queued').length >= 2, true, 'each queued track logged');
  });

  it('off: nothing is queued when the queue runs out, until /autoplay on', async () => {
    await queue(VIDEOS.toneE, 'autoplay-off');
    const mark = scene.mark();
    await scene.heardAfter(mark, [VIDEOS.toneE.hz], 30_000);
    await waitFor('the guild stopped with the track in its history', async () => ((await status())?.state === 'stopped' && (await history())[0]?.track.id === 'autoplay-off') || undefined);
    assert.deepEqual(await scene.queue(), [], 'nothing queued');
    assert.equal(await stage.db.get(autoplayKey(scene.guildId)), null, 'autoplay did not follow the track');
    assert.deepEqual(autoplayLines('queued').filter((l) => l.followed === 'autoplay-off'), []);

    const reply = await stage.sandbox.command(scene.guildId, scene.member, 'autoplay', { mode: 'on' });
    assert.equal(reply.content, '🎲 Autoplay is on: when the queue runs out, I queue a related track.');
    assert.equal(await stage.db.hget(scene.keys.settings, 'autoplay'), '1');
    // The setting itself brings the guild back: the first of E4's mix (Four Minutes of A5) plays.
    const on = scene.mark();
    await scene.heardAfter(on, [VIDEOS.fourMinutes.hz], 30_000);
    await waitFor('the announcement', () => scene.channelMessages(/^🎲 Autoplay added \*\*Four Minutes of A5\*\* from YouTube, related to \*\*E4 tone\*\*\.$/).length === 1 || undefined);
    await stage.sandbox.command(scene.guildId, scene.member, 'stop', {});
  });

  it('after a crash between the end of a track and autoplay: the Redis state alone brings an instance to follow it', async () => {
    // No instance holds the guild: what the next owner sees comes from Redis only (through isIdle and a claim).
    await stage.sandbox.command(scene.guildId, scene.member, 'leave', {});
    await waitFor('the guild let go', async () => (await stage.db.get(scene.keys.player_lock)) === null || undefined, { timeoutMs: 15_000 });
    const announcements = /^🎲 Autoplay added \*\*E4 tone\*\* from YouTube, related to \*\*C4 tone\*\*\.$/;
    const before = scene.channelMessages(announcements).length;
    // What a crashed owner leaves: the track ended (it is the newest history entry), the queue is empty, no lock.
    await playedBefore([VIDEOS.fourMinutes, VIDEOS.aacOnly]);
    const k = scene.keys;
    const mark = scene.mark();
    await stage.db
      .multi()
      .lpush(historyKey(scene.guildId), JSON.stringify({ playedAt: Date.now(), track: trackOf(VIDEOS.toneC, 'crashed-owner') }))
      .hset(k.settings, 'autoplay', '1')
      .set(k.channel, stage.voiceChannel(stage.guild))
      .set(k.text_channel, scene.textChannel)
      .set(k.state, 'playing')
      .sadd(GUILDS_KEY, scene.guildId)
      .exec();
    await scene.heardAfter(mark, [VIDEOS.toneE.hz], 30_000);
    await waitFor('the announcement', () => scene.channelMessages(announcements).length === before + 1 || undefined);
    assert.equal(await stage.db.get(autoplayKey(scene.guildId)), 'crashed-owner');
    await stage.db.hset(k.settings, 'autoplay', '0');
  });

  it('nobody left in the voice channel: nothing is queued, and the outcome is logged', async () => {
    await stage.db.hset(scene.keys.settings, 'autoplay', '1');
    const mark = scene.mark();
    await queue(VIDEOS.toneG, 'autoplay-alone');
    await scene.heardAfter(mark, [VIDEOS.toneG.hz], 30_000, 5);
    stage.sandbox.leaveVoice(scene.guildId, scene.member);
    const [line] = await waitFor('the no-listeners outcome', () => {
      const lines = autoplayLines('no-listeners').filter((l) => l.followed === 'autoplay-alone');
      return lines.length > 0 ? lines : undefined;
    });
    assert.ok(line !== undefined);
    assert.deepEqual(await scene.queue(), [], 'nothing queued');
    assert.equal(await stage.db.get(autoplayKey(scene.guildId)), null, 'not recorded as followed: a listener coming back gets the next track');
  });
});
