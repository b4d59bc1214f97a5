/**
 * Issue 12, end to end: a YouTube track survives the crash of the instance playing it. The other
 * instance resolves it again (signed media URLs are tied to the instance that asked), and resumes at
 * the position from a byte offset found in the WebM Cues, not by downloading from 0.
 */
import { strict as assert } from 'node:assert';
import { VIDEOS } from '../../src/sandbox/services/youtube';
import { useRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { BOT_ENV, mediaRequests, ServiceScene, watchUrl } from './support';

describe('services: failover mid-way through a YouTube track', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    await Promise.all([stage.startBot(BOT_ENV), stage.startBot(BOT_ENV)]);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  // Not 2-3 s in: ffmpeg writes the fake's WebM in clusters of about 5 s, so any position in the first
  // five seconds resumes from the first cluster, right after the header. Past it, the Cues point further in.
  it('after a SIGKILL 6-7 s into the 4-minute track, the other instance resumes at the position ±1 s, fetching media from a byte offset', async () => {
    const video = VIDEOS.fourMinutes;
    const view = await scene.play(watchUrl(video.id));
    assert.equal(view.ephemeral, false, view.content);
    const [track] = await scene.queue();
    assert.ok(track !== undefined);
    // 6.5 s in: a restart from 0 would be 6.5 s off, far outside the ±1 s asked.
    await waitFor('6.5 s of the track', () => framesOf(stage.segments(), video.hz) >= 325, { timeoutMs: 30_000, intervalMs: 20 });
    const victim = await stage.owner();
    const survivor = stage.bots.find((b) => b !== victim);
    assert.ok(survivor !== undefined);
    victim.proc.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.proc.exited;
    const firstSession = stage.segments()[0]?.sessionId;
    const before = framesOf(stage.segments().filter((s) => s.sessionId === firstSession), video.hz);
    const resumed = await waitFor(
      'the track on the other instance, heard for a second',
      () => stage.segments().find((s) => s.sessionId !== firstSession && Math.abs(s.hz - video.hz) <= 10 && s.frames >= 50),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    assert.ok(resumed);
    const started = await waitFor('the survivor to start the track', () => survivor.proc.lines.find((l) => l.msg === 'track started' && l.trackId === track.id));
    const startMs = Number(started.startMs);
    // Heard before the crash, in 20 ms frames, against where the survivor started.
    const heardMs = before * 20;
    assert.ok(Math.abs(startMs - heardMs) <= 1000, `resumed at ${startMs} ms after ${heardMs} ms were heard`);
    // The survivor resolved the video again and read the header and the Cues (small reads), then the
    // media from the cluster holding the position: at or before it, by less than a cluster (5 s).
    const asked = mediaRequests(stage.services.youtube.requests, video.id).filter((r) => r.atMs >= killedAt);
    const media = asked.filter((r) => r.end === undefined || r.end - r.start >= 16 * 1024);
    const first = media[0];
    assert.ok(first !== undefined, `a media read by the survivor: ${JSON.stringify(asked)}`);
    const bytesPerMs = first.size / video.durationMs;
    assert.ok(first.start > (startMs - 5500) * bytesPerMs, `the first media read starts at byte ${first.start}, far before the position's ~${Math.round(startMs * bytesPerMs)}`);
    assert.ok(first.start <= (startMs + 1000) * bytesPerMs, `the first media read starts at byte ${first.start}, after the position's ~${Math.round(startMs * bytesPerMs)}`);
    assert.ok(media.every((r) => r.start >= first.start), `nothing read from before the resume point: ${JSON.stringify(media)}`);
    await scene.reset();
  });
});
