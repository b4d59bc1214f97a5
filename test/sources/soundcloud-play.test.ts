/**
 * SoundCloud tracks played end to end through the media layer: the source's plan, the HLS reader (or
 * the file reader for progressive MP3) fetching through safeFetch with the overrides, and ffmpeg. The
 * tone heard tells the tracks apart.
 */
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack } from '../../src/media/open-track';
import { dominantFrequency } from '../../src/sandbox/audio/fft';
import { sharedDecoder } from '../../src/sandbox/audio/opus-decoder';
import { TRACK_HLS, TRACK_MP3, TRACK_TS, trackUrl, type FakeTrack, type SoundcloudFake } from '../../src/sandbox/services/soundcloud';
import type { Source } from '../../src/sources/types';
import { useRedis } from '../support/redis';
import { overridesOf, sourceFor, startFake } from './soundcloud-support';

/** Decodes Opus packets 10 to 60 (past the encoder's start) to 48 kHz PCM (the shared decoder downmixes to mono). */
async function heardHz(stream: Readable): Promise<number> {
  const decoder = sharedDecoder(48000);
  const pcm: Buffer[] = [];
  let n = 0;
  for await (const packet of stream) {
    n++;
    if (n > 10 && Buffer.isBuffer(packet)) pcm.push(decoder.decode(packet));
    if (n >= 60) break;
  }
  const all = Buffer.concat(pcm);
  const samples = new Int16Array(all.buffer, all.byteOffset, Math.floor(all.length / 2));
  return dominantFrequency(samples, 48000).hz ?? Number.NaN;
}

describe('SoundCloud tracks play through the media layer', function () {
  this.timeout(60_000);
  const redisHolder = useRedis();
  let fake: SoundcloudFake;
  let source: Source;

  before(async () => {
    fake = await startFake();
    source = sourceFor(fake, redisHolder.current.client());
  });
  after(async () => {
    await fake.stop();
  });

  const cases: [string, FakeTrack][] = [
    ['HLS AAC (fMP4 with EXT-X-MAP)', TRACK_HLS],
    ['HLS with MPEG-TS segments', TRACK_TS],
    ['progressive MP3', TRACK_MP3],
  ];
  for (const [what, track] of cases) {
    it(`plays ${what}: the ${track.hz} Hz tone`, async () => {
      const outcome = await openTrack(
        { url: trackUrl(track), plan: (attempt, signal) => source.open({ url: trackUrl(track), sourceId: String(track.id) }, { attempt, signal }) },
        { allow: fake.allow, overrides: overridesOf(fake), ffmpegPath: resolveFfmpeg(process.env).path, log: silentLogger },
      );
      assert.equal(outcome.kind, 'playing', JSON.stringify(outcome));
      if (outcome.kind !== 'playing') return;
      try {
        const hz = await heardHz(outcome.stream);
        assert.ok(Math.abs(hz - track.hz) < 5, `heard ${hz} Hz`);
      } finally {
        outcome.close();
        await outcome.done;
      }
    });
  }
});
