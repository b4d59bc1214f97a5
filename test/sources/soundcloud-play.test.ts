/**
 * SoundCloud tracks played end to end through the media layer: the source's plan, the HLS reader (or
 * the file reader for progressive MP3) fetching through safeFetch with the overrides, and ffmpeg. The
 * tone heard tells the tracks apart.
 */
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack } from '../../src/media/open-track';
import { TRACK_HLS, TRACK_MP3, TRACK_TS, trackUrl, type FakeTrack, type SoundcloudFake } from '../../src/sandbox/services/soundcloud';
import type { Source } from '../../src/sources/types';
import { whilePlaying } from '../media/plan-support';
import { useRedis } from '../support/redis';
import { assertHears } from './play-support';
import { overridesOf, sourceFor, startFake } from './soundcloud-support';

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
      await whilePlaying(outcome, (playing) => assertHears(playing.stream, track.hz));
    });
  }
});
