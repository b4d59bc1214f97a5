/**
 * Issue 16: the now-playing message's lyric line survives the crash of the instance playing the guild.
 * The survivor takes the lease over, resumes the track at the checkpointed position, and its own
 * now-playing loop goes on showing the line sung at that position: the mark (`lyrics_shown`), the
 * lyrics (the fleet's cache) and the position (the status) all live in Redis.
 */
import { strict as assert } from 'node:assert';
import { lineIndexAt, parseLrc } from '../../src/lyrics/lrc';
import { FOUR_MINUTES_LINES, FOUR_MINUTES_LRC } from '../../src/sandbox/services/lrclib';
import { VIDEOS } from '../../src/sandbox/services/youtube';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { BOT_ENV, ServiceScene, watchUrl } from './support';

describe('services: the lyric line after a failover', function () {
  this.timeout(120_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;

  const words = FOUR_MINUTES_LINES.map(([, w]) => `🎤 *${w}*`);
  /** The line indexes the now-playing messages showed, oldest first. */
  const shown = (): number[] =>
    stage.sandbox
      .messages(scene.textChannel)
      .filter((m) => m.source === 'channel')
      .flatMap((m) => [...m.history, m])
      .flatMap((v) => (v.content ?? '').split('\n'))
      .map((l) => words.indexOf(l))
      .filter((i) => i >= 0);

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    // One after the other: two compiling at once on a busy machine can miss the start-up deadline.
    await stage.startBot(BOT_ENV);
    await stage.startBot(BOT_ENV);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('after a SIGKILL of the lease holder, the survivor\'s now-playing message goes on with the lines from where the track was', async () => {
    await stage.db.set(scene.keys.text_channel, scene.textChannel);
    assert.equal((await scene.play(watchUrl(VIDEOS.fourMinutes.id))).ephemeral, false);
    await waitFor('the now-playing message', () => scene.channelMessages(/Now playing:\*\* Four Minutes of A5/).length > 0 || undefined, { timeoutMs: 20_000 });
    assert.equal((await stage.sandbox.command(scene.guildId, scene.member, 'lyrics', {})).ephemeral, false);
    await waitFor(`two lines in the message (seen ${JSON.stringify(shown())})`, () => new Set(shown()).size >= 2, { timeoutMs: 20_000 });

    const [track] = await scene.queue();
    assert.ok(track !== undefined);
    const victim = await stage.owner();
    const survivor = stage.bots.find((b) => b !== victim);
    assert.ok(survivor !== undefined);
    victim.proc.kill('SIGKILL');
    await victim.proc.exited;
    const lastBefore = Math.max(...shown());
    const seenBefore = shown().length;
    const started = await waitFor('the survivor to resume the track', () => survivor.proc.lines.find((l) => l.msg === 'track started' && l.trackId === track.id), { timeoutMs: 30_000 });
    // The line sung where the survivor resumed (the player resumes at its last checkpoint, at most a second back).
    const resumedLine = lineIndexAt(parseLrc(FOUR_MINUTES_LRC), Number(started.startMs)) ?? 0;
    assert.ok(resumedLine >= 1, `resumed ${String(started.startMs)} ms in, after the first line`);
    // Lines later in the song than the last one shown before the crash, shown by the survivor.
    await waitFor(`two later lines after the failover (before: up to ${lastBefore}; since: ${JSON.stringify(shown().slice(seenBefore))})`, () => shown().slice(seenBefore).filter((i) => i > lastBefore).length >= 2, { timeoutMs: 30_000 });
    const after = shown().slice(seenBefore);
    // Never the lyrics started over: every line shown since the crash is at or after where the track resumed.
    assert.ok(after.every((i) => i >= resumedLine), `lines ${JSON.stringify(after)} since the crash; the track resumed at line ${resumedLine}`);
    await scene.reset();
  });
});
