/**
 * YouTube tracks played end to end through the media layer: the source's plan, the ranged reader
 * (or the HLS reader) fetching through safeFetch with the overrides, passthrough or ffmpeg. The tone
 * heard tells the tracks apart.
 */
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack, type OpenOutcome } from '../../src/media/open-track';
import { FORBIDDEN_AFTER_BYTES, VIDEOS, type FakeVideo, type YoutubeFake } from '../../src/sandbox/services/youtube';
import type { Source } from '../../src/sources/types';
import { youtubeSource } from '../../src/sources/youtube';
import { whilePlaying } from '../media/plan-support';
import { useRedis } from '../support/redis';
import { assertHears } from './play-support';
import { mediaRequests, overridesOf, sessionFor, startFake } from './youtube-support';

/** Every packet until the stream ends. */
async function allPackets(stream: Readable): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const packet of stream) if (Buffer.isBuffer(packet)) out.push(packet);
  return out;
}

function firstByte(url: URL): number {
  return Number(/^(\d+)-/.exec(url.searchParams.get('range') ?? '0-')?.[1] ?? 0);
}

describe('YouTube tracks play through the media layer', function () {
  this.timeout(60_000);
  const redisHolder = useRedis();
  let fake: YoutubeFake;
  let source: Source;

  before(async () => {
    fake = await startFake();
    source = youtubeSource(sessionFor(fake, redisHolder.current.client()));
  });
  after(async () => {
    await fake?.stop();
  });

  function play(video: FakeVideo, startMs = 0): Promise<OpenOutcome> {
    const url = `https://www.youtube.com/watch?v=${video.id}`;
    return openTrack(
      { url, startMs, durationMs: video.durationMs, plan: (attempt, signal) => source.open({ url, sourceId: video.id }, { attempt, signal }) },
      { allow: fake.allow, overrides: overridesOf(fake), ffmpegPath: resolveFfmpeg(process.env).path, log: silentLogger },
    );
  }

  it('passes itag 251 straight through (no ffmpeg): the 440 Hz rickroll', async () => {
    await whilePlaying(await play(VIDEOS.rickroll), async (outcome) => {
      assert.equal(outcome.path, 'passthrough');
      await assertHears(outcome.stream, VIDEOS.rickroll.hz);
    });
  });

  it('transcodes itag 140 when there is no Opus: the 550 Hz tone', async () => {
    await whilePlaying(await play(VIDEOS.aacOnly), async (outcome) => {
      assert.equal(outcome.path, 'transcoded');
      await assertHears(outcome.stream, VIDEOS.aacOnly.hz);
    });
  });

  it('resumes at 3:00 into a 4-minute track from a byte offset, not from 0', async () => {
    const before = mediaRequests(fake, VIDEOS.fourMinutes.id).length;
    await whilePlaying(await play(VIDEOS.fourMinutes, 180_000), async (outcome) => {
      await assertHears(outcome.stream, VIDEOS.fourMinutes.hz);
      const asked = mediaRequests(fake, VIDEOS.fourMinutes.id).slice(before);
      const clen = Number(asked[0]?.searchParams.get('clen'));
      // The header and the Cues may be read from where they are; the audio itself starts about 3/4 in.
      assert.ok(asked.some((u) => firstByte(u) > clen * 0.7), `media asked from ${asked.map((u) => u.searchParams.get('range')).join(', ')} of ${clen}`);
    });
  });

  it('recovers from a 403 mid-stream by asking the next client, and plays to the end', async () => {
    await whilePlaying(await play(VIDEOS.forbiddenMidstream), async (outcome) => {
      const all = await allPackets(outcome.stream);
      const end = await outcome.done;
      assert.equal(end.kind, 'finished', JSON.stringify(end));
      const ms = all.length * 20;
      assert.ok(ms > VIDEOS.forbiddenMidstream.durationMs - 1000, `played ${ms} ms of ${VIDEOS.forbiddenMidstream.durationMs}`);
      const clients = mediaRequests(fake, VIDEOS.forbiddenMidstream.id).map((u) => u.searchParams.get('c'));
      assert.ok(clients.includes('ANDROID_VR') && clients.includes('iOS'), clients.join(','));
      const resumed = mediaRequests(fake, VIDEOS.forbiddenMidstream.id).filter((u) => u.searchParams.get('c') === 'iOS');
      assert.ok(resumed.some((u) => firstByte(u) >= FORBIDDEN_AFTER_BYTES / 2), 'the next client resumes where the first stopped');
    });
  });

  it('plays a live stream through HLS: the 740 Hz tone', async () => {
    await whilePlaying(await play(VIDEOS.live), async (outcome) => {
      await assertHears(outcome.stream, VIDEOS.live.hz);
    });
  });

  it('answers an unplayable video before anything is fetched from googlevideo', async () => {
    const before = fake.requests.filter((r) => r.path.startsWith('/videoplayback')).length;
    const outcome = await play(VIDEOS.loginRequired);
    assert.equal(outcome.kind, 'unplayable');
    assert.equal(fake.requests.filter((r) => r.path.startsWith('/videoplayback')).length, before);
  });
});
