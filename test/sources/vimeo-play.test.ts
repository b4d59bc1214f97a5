/**
 * Vimeo videos played end to end through the media layer: the source's plan, the file reader (a
 * progressive MP4) or hiqty's HLS reader (a master with separate audio and video) fetching through
 * safeFetch with the overrides, and ffmpeg. The tone heard tells the videos apart; the fake's request
 * log tells which rendition was fetched.
 */
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack } from '../../src/media/open-track';
import { PROGRESSIVE_HOST, VIMEO_VIDEOS, vimeoUrl, type FakeVimeoVideo, type VimeoFake } from '../../src/sandbox/services/vimeo';
import type { Source } from '../../src/sources/types';
import { whilePlaying } from '../media/plan-support';
import { assertHears } from './play-support';
import { overridesOf, sourceFor, startFake } from './vimeo-support';

describe('Vimeo videos play through the media layer', function () {
  this.timeout(60_000);
  let fake: VimeoFake;
  let source: Source;

  before(async () => {
    fake = await startFake();
    source = sourceFor(fake);
  });
  after(async () => {
    await fake.stop();
  });

  /** Plays a video and checks its tone; answers the media paths fetched meanwhile. */
  async function play(video: FakeVimeoVideo): Promise<string[]> {
    const before = fake.requests.length;
    const track = { url: vimeoUrl(video), source: 'vimeo', sourceId: String(video.id) };
    const outcome = await openTrack(
      { url: track.url, plan: (attempt, signal) => source.open(track, { attempt, signal }) },
      { allow: fake.allow, overrides: overridesOf(fake), ffmpegPath: resolveFfmpeg(process.env).path, log: silentLogger },
    );
    await whilePlaying(outcome, (playing) => assertHears(playing.stream, video.hz));
    return fake.requests.slice(before).filter((r) => r.host !== 'player.vimeo.com').map((r) => `${r.host}${r.path.replace(/^\/exp=[^/]+/, '')}`);
  }

  it(`plays the progressive video from its smallest MP4, video dropped: the ${VIMEO_VIDEOS.progressive.hz} Hz tone`, async () => {
    const fetched = await play(VIMEO_VIDEOS.progressive);
    assert.ok(fetched.length > 0 && fetched.every((p) => p.startsWith(`${PROGRESSIVE_HOST}/`) && p.endsWith('/240p.mp4')), fetched.join('\n'));
  });

  for (const video of [VIMEO_VIDEOS.hls, VIMEO_VIDEOS.unlisted]) {
    it(`plays ${video.title} from the HLS master's high audio rendition, no video segment fetched: the ${video.hz} Hz tone`, async () => {
      const fetched = await play(video);
      const paths = fetched.map((p) => p.replace(/^[^/]+/, ''));
      assert.equal(paths[0], `/${video.id}/sep/playlist.m3u8`, fetched.join('\n'));
      assert.equal(paths[1], `/${video.id}/audio/high/playlist.m3u8`, fetched.join('\n'));
      assert.ok(paths.includes(`/${video.id}/audio/high/init.mp4`), fetched.join('\n'));
      assert.ok(paths.some((p) => p.endsWith('/audio/high/seg000.m4s')), fetched.join('\n'));
      assert.deepEqual(paths.filter((p) => p.includes('/video/') || p.includes('/audio/low/')), [], 'neither video nor the low audio');
    });
  }
});
