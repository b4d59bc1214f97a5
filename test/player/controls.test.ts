import { strict as assert } from 'node:assert';
import { guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

describe('player: controls through Redis', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let stage: Stage;
  before(async () => {
    stage = await Stage.start(redis.current);
    await stage.startBot({ HIQTY_IDLE_TIMEOUT_MS: '1000' });
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);
  const keys = () => guildKeys(stage.guild.id);

  /** Empties the guild's desired state and the sandbox's ears between tests. */
  afterEach(async () => {
    await stage.db.del(keys().playlist, keys().state);
    await waitFor('silence', () => stage.sandbox.botVoice(stage.guild.id) === undefined || stage.bots[0]?.ffmpegs().length === 0);
    stage.sandbox.resetVoiceStats(stage.guild.id);
  });

  // How fast a skip or a stop takes effect is a figure for `make bench`; these check that they do.
  it('a skip (removing the head) cuts the track short and brings the next tone', async () => {
    await stage.play([await stage.tone(440, 10_000), await stage.tone(660, 2000)]);
    await waitFor('a second of 440 Hz', () => framesOf(stage.segments(), 440) >= 50, { timeoutMs: 15_000 });
    const skippedAt = performance.now();
    await stage.db.lpop(keys().playlist);
    const [skipped, next] = await stage.heard([440, 660], 15_000);
    assert.ok(skipped && next);
    await waitFor('the next track to finish', async () => (await stage.db.llen(keys().playlist)) === 0, { timeoutMs: 15_000 });
    const final = stage.sandbox.voiceStats(stage.guild.id).segments;
    // The skipped 10 s track (500 frames) was cut well short; the next one played whole, after it. The
    // 200 ms window where one track gives way to the other is heard as one of the two: ± a window and a half.
    assert.ok(framesOf(final, 440) < 400, `the skipped track went on: ${framesOf(final, 440)} of 500 frames`);
    assert.ok(Math.abs(framesOf(final, 660) - 100) <= 15, `the next track: ${framesOf(final, 660)} of 100 frames`);
    assert.ok(next.startMs > skipped.startMs, 'the next tone came after the skipped one');
    assert.equal(stage.sandbox.voiceStats(stage.guild.id, { flush: false }).overlap, 0);
    console.log(`      skip to the next tone: ${Math.round(next.startMs - skippedAt)} ms`);
  });

  it('pausing and resuming through the state key stops the audio and continues from the same position', async () => {
    await stage.play([await stage.tone(440, 4000)]);
    await waitFor('a second of 440 Hz', () => framesOf(stage.segments(), 440) >= 50, { timeoutMs: 15_000 });
    await stage.db.set(keys().state, 'paused');
    // Audio stops: the frame count settles and stays put for a while.
    const settled = await waitFor('audio to stop', () => {
      const stats = stage.sandbox.voiceStats(stage.guild.id, { flush: false });
      return stats.lastPacketAtMs !== undefined && performance.now() - stats.lastPacketAtMs > 300 ? stats.frames : undefined;
    });
    const status = await waitFor('a paused status', async () => {
      const raw = await stage.db.get(keys().status);
      return raw !== null && raw.includes('"paused"') ? raw : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a pause has to last to be a pause
    assert.equal(stage.sandbox.voiceStats(stage.guild.id, { flush: false }).frames, settled, 'no audio while paused');
    assert.match(status, /"state":"paused"/);
    await stage.db.set(keys().state, 'playing');
    await waitFor('the track to finish', async () => (await stage.db.llen(keys().playlist)) === 0, { timeoutMs: 10_000 });
    const total = framesOf(stage.sandbox.voiceStats(stage.guild.id).segments, 440);
    // 4 s is 200 frames; continuing from the same position ±200 ms means 200 ± 10 frames in all.
    assert.ok(Math.abs(total - 200) <= 10, `heard ${total} frames of a 200-frame track across the pause`);
  });

  it('`stopped` means silence, and the bot leaves the channel after the idle timeout', async () => {
    const left = new Promise<number>((resolve) =>
      stage.sandbox.events.on('voice-leave', (e: { guildId: string }) => e.guildId === stage.guild.id && resolve(performance.now())),
    );
    await stage.play([await stage.tone(440, 8000)]);
    await waitFor('audio', () => framesOf(stage.segments(), 440) >= 25, { timeoutMs: 15_000 });
    const stoppedAt = performance.now();
    await stage.db.set(keys().state, 'stopped');
    await waitFor('audio to stop', () => {
      const last = stage.sandbox.voiceStats(stage.guild.id, { flush: false }).lastPacketAtMs;
      return last !== undefined && performance.now() - last > 200;
    }, { timeoutMs: 10_000 });
    const lastPacket = stage.sandbox.voiceStats(stage.guild.id, { flush: false }).lastPacketAtMs ?? Infinity;
    // The track had about 7 s left: stopping within 4 s is the stop, not the track's end, even on a loaded machine.
    assert.ok(lastPacket - stoppedAt < 4000, `audio went on ${Math.round(lastPacket - stoppedAt)} ms after stop`);
    console.log(`      stop to silence: ${Math.round(lastPacket - stoppedAt)} ms`);
    const leftAt = await left;
    assert.ok(leftAt - stoppedAt >= 900, 'it waited for the idle timeout before leaving');
    assert.equal(stage.sandbox.botVoice(stage.guild.id)?.channelId ?? null, null);
    assert.equal(await stage.db.llen(keys().playlist), 1, 'stopping keeps the queue');
  });

  it('an Ogg/Opus track starts no ffmpeg; an MP3 track starts exactly one, gone when the track ends', async () => {
    const bot = stage.bots[0];
    assert.ok(bot);
    await stage.play([await stage.tone(440, 2000, 'ogg-opus')]);
    await waitFor('the Ogg track', () => framesOf(stage.segments(), 440) >= 25, { timeoutMs: 15_000 });
    assert.deepEqual(bot.ffmpegs(), [], 'no ffmpeg for passthrough');
    await waitFor('the queue to empty', async () => (await stage.db.llen(keys().playlist)) === 0, { timeoutMs: 10_000 });

    // ffmpeg may finish a short file long before its audio has played, so every ffmpeg seen is recorded.
    const seen = new Set<number>();
    let most = 0;
    const watch = setInterval(() => {
      const now = bot.ffmpegs();
      most = Math.max(most, now.length);
      for (const pid of now) seen.add(pid);
    }, 5);
    try {
      await stage.db.rpush(keys().playlist, JSON.stringify({ id: 'mp3-1', url: await stage.tone(660, 6000, 'mp3') }));
      await waitFor('the MP3 track', () => framesOf(stage.segments(), 660) >= 25, { timeoutMs: 15_000 });
      await waitFor('the queue to empty', async () => (await stage.db.llen(keys().playlist)) === 0, { timeoutMs: 15_000 });
    } finally {
      clearInterval(watch);
    }
    assert.equal(seen.size, 1, `exactly one ffmpeg for the MP3 track, saw ${[...seen].join(', ')}`);
    assert.equal(most, 1);
    await waitFor('ffmpeg to be gone', () => bot.ffmpegs().length === 0, { timeoutMs: 3000 });
    const started = bot.proc.lines.filter((l) => l.msg === 'track started').map((l) => l.path);
    assert.deepEqual(started.slice(-2), ['passthrough', 'transcoded']);
  });
});
