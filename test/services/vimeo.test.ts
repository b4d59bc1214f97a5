/**
 * Issue 15, Vimeo end to end: /play with Vimeo links through the real bot (a hiqty child process),
 * the sandbox's Discord, Redis, ffmpeg and the Vimeo fake. A progressive-MP4 video and an HLS-only
 * video are heard, each by its tone; a private video is refused in the reply.
 */
import { strict as assert } from 'node:assert';
import { PLAYER_HOST, VIMEO_VIDEOS, fakeVimeoVideo, vimeoPlayerUrl, vimeoUrl } from '../../src/sandbox/services/vimeo';
import { useRedis } from '../support/redis';
import { Stage, type Bot } from '../support/stage';
import { BOT_ENV, startedPath, ServiceScene } from './support';

describe('services: Vimeo links, heard through the real bot', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;
  let bot: Bot;

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    bot = await stage.startBot(BOT_ENV);
  });
  after(() => stage.stop());
  beforeEach(() => scene.reset());
  Stage.dumpOnFailure(() => stage);

  it('a progressive-MP4 video and an HLS-only video (as its embed link) play their tones in order, both through ffmpeg', async () => {
    const { progressive, hls } = VIMEO_VIDEOS;
    const mark = scene.mark();
    const first = await scene.play(vimeoUrl(progressive));
    assert.equal(first.ephemeral, false, first.content);
    assert.match(first.content, new RegExp(`Playing \\*\\*${escape(progressive.title)}\\*\\* — ${escape(progressive.owner.name)}`));
    const second = await scene.play(vimeoPlayerUrl(hls));
    assert.equal(second.ephemeral, false, second.content);
    assert.match(second.content, new RegExp(`Queued \\*\\*${escape(hls.title)}\\*\\*`));

    const queue = await scene.queue();
    assert.deepEqual(
      queue.map((t) => [t.source, t.url, fakeVimeoVideo(t.sourceId ?? '')?.hz]),
      [
        ['vimeo', vimeoUrl(progressive), progressive.hz],
        ['vimeo', vimeoUrl(hls), hls.hz],
      ],
    );
    await scene.heardAfter(mark, [progressive.hz], 30_000, 50);
    assert.match((await scene.skip()).content, /Skipped/);
    await scene.heardAfter(mark, [progressive.hz, hls.hz], 30_000, 50);
    const paths = await Promise.all(queue.map((t) => startedPath(bot, t.id)));
    assert.deepEqual(paths, ['transcoded', 'transcoded']);
    // The HLS video was read from its audio rendition alone.
    const media = stage.services.vimeo.requests.filter((r) => r.host !== PLAYER_HOST && r.path.includes(`/${hls.id}/`));
    assert.ok(media.some((r) => r.path.includes('/audio/high/seg')), 'audio segments fetched');
    assert.equal(media.filter((r) => r.path.includes('/video/')).length, 0, 'no video rendition fetched');
  });

  it('a private video is refused at /play, privately, with Vimeo\'s reason, and nothing is queued', async () => {
    const view = await scene.play(vimeoUrl(VIMEO_VIDEOS.private));
    assert.equal(view.ephemeral, true, view.content);
    assert.match(view.content, /^Vimeo says this .* is not available: this video is private .*privacy settings/);
    assert.deepEqual(await scene.queue(), []);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
