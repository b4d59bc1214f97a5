/**
 * Bandcamp tracks played through the media layer: the source's file plan (a signed MP3 on
 * t4.bcbits.com, read through safeFetch with the overrides) transcoded by ffmpeg. The tone heard tells
 * the tracks apart; a resume starts from a byte estimate (a Range) instead of downloading the past.
 */
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack } from '../../src/media/open-track';
import { FIRST_PARTIAL, LONE_OSCILLATOR, STREAM_HOST, THIRD_PARTIAL, trackUrl, type BandcampFake, type FakeBandcampTrack } from '../../src/sandbox/services/bandcamp';
import type { Source } from '../../src/sources/types';
import { whilePlaying } from '../media/plan-support';
import { assertHears } from './play-support';
import { overridesOf, sourceFor, startFake } from './bandcamp-support';

describe('Bandcamp tracks play through the media layer', function () {
  this.timeout(60_000);
  let fake: BandcampFake;
  let source: Source;

  before(async () => {
    // Long enough that a resume's byte estimate lies past the first 64 KiB the file reader looks at.
    fake = await startFake(12_000);
    source = sourceFor(fake);
  });
  after(async () => {
    await fake.stop();
  });

  function play(track: FakeBandcampTrack, startMs = 0) {
    const playable = { url: trackUrl(track), sourceId: String(track.id) };
    return openTrack(
      { url: playable.url, startMs, plan: (attempt, signal) => source.open(playable, { attempt, signal }) },
      { allow: fake.allow, overrides: overridesOf(fake), ffmpegPath: resolveFfmpeg(process.env).path, log: silentLogger },
    );
  }

  for (const track of [FIRST_PARTIAL, THIRD_PARTIAL, LONE_OSCILLATOR]) {
    it(`plays "${track.title}": the ${track.hz} Hz tone`, async () => {
      await whilePlaying(await play(track), (playing) => assertHears(playing.stream, track.hz));
    });
  }

  it('a resume mid-track asks the stream for a byte range, not the whole file', async () => {
    const mark = fake.requests.length;
    await whilePlaying(await play(LONE_OSCILLATOR, 8000), (playing) => assertHears(playing.stream, LONE_OSCILLATOR.hz));
    const ranges = fake.requests
      .slice(mark)
      .filter((r) => r.host === STREAM_HOST)
      .map((r) => r.range);
    assert.ok(
      ranges.some((r) => r !== undefined && /^bytes=[1-9]\d*-$/.test(r)),
      `a Range from past the start (requests: ${JSON.stringify(ranges)})`,
    );
  });
});
