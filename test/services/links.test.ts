/**
 * Issue 12, end to end: /play with YouTube, YouTube Music and SoundCloud links and words, through the
 * real bot (a hiqty child process), the sandbox's Discord, Redis, ffmpeg and the service fakes.
 * Each fake track is a tone of its own, so what is heard tells the tracks apart.
 */
import { strict as assert } from 'node:assert';
import { SET_TONES, TRACK_HLS, setUrl, trackUrl } from '../../src/sandbox/services/soundcloud';
import { PLAYLISTS, VIDEOS } from '../../src/sandbox/services/youtube';
import { useRedis } from '../support/redis';
import { Stage, type Bot } from '../support/stage';
import { waitFor } from '../support/wait';
import { BOT_ENV, ffmpegSampler, field, startedPath, musicUrl, playlistUrl, ServiceScene, toneOf, watchUrl } from './support';

describe('services: /play links and words, heard through the real bot', function () {
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

  it('a YouTube, a YouTube Music link, a SoundCloud set and an HLS AAC track play their tones in order; Opus passes through, AAC transcodes', async () => {
    const mark = scene.mark();
    const links = [watchUrl(VIDEOS.rickroll.id), musicUrl(VIDEOS.song.id), setUrl(SET_TONES), trackUrl(TRACK_HLS)];
    const replies = [];
    for (const link of links) replies.push(await scene.play(link));
    for (const [i, reply] of replies.entries()) assert.equal(reply.ephemeral, false, `${links[i] ?? ''}: ${reply.content}`);
    assert.match(replies[0]?.content ?? '', /Playing \*\*.*Never Gonna Give You Up.*\*\*/);
    assert.match(replies[1]?.content ?? '', /Queued \*\*.*Sine of the Times.*\*\*/);
    assert.match(replies[2]?.content ?? '', /Queued \*\*3 tracks\*\* from \*\*Three Tones\*\*/);
    assert.match(replies[2]?.content ?? '', /Left out one entry that cannot play: \*\*Go\+ Only Tone\*\* \(.*preview.*\)/);
    assert.match(replies[3]?.content ?? '', /Queued \*\*Tone 440 Hz\*\* — hiqty tones/);
    // The set's preview-only entry is not queued: three of its four tracks, then the lone track.
    const queue = await scene.queue();
    assert.deepEqual(
      queue.map((t) => [t.source, toneOf(t)]),
      [
        ['youtube', 440],
        ['youtube-music', 660],
        ['soundcloud', 440],
        ['soundcloud', 550],
        ['soundcloud', 660],
        ['soundcloud', 440],
      ],
    );
    const tones = queue.map((t) => toneOf(t) ?? 0);
    // Each track is heard for a second, then skipped: the order is the point, not the whole of each.
    const sampler = ffmpegSampler(bot);
    try {
      for (let i = 0; i < tones.length; i++) {
        await scene.heardAfter(mark, tones.slice(0, i + 1), 30_000, 50);
        if (i === 0) {
          assert.deepEqual(bot.ffmpegs(), [], 'the YouTube Opus track plays with no ffmpeg');
          assert.equal(sampler.seen(), false, 'no ffmpeg at all while the YouTube Opus track started and played');
        }
        if (i < tones.length - 1) assert.match((await scene.skip()).content, /Skipped/);
      }
      assert.equal(sampler.seen(), true, 'SoundCloud\'s HLS AAC went through an ffmpeg');
    } finally {
      sampler.stop();
    }
    const paths = await Promise.all(queue.map((t) => startedPath(bot, t.id)));
    assert.deepEqual(paths, ['passthrough', 'passthrough', 'transcoded', 'transcoded', 'transcoded', 'transcoded']);
  });

  it('a YouTube playlist with a continuation queues all 105 entries in order, and plays from the first', async () => {
    const since = performance.now();
    const reply = await scene.play(playlistUrl(PLAYLISTS.long.id));
    assert.equal(reply.ephemeral, false, reply.content);
    assert.match(reply.content, /Queued \*\*105 tracks\*\* from \*\*A long playlist\*\*/);
    const queue = await scene.queue();
    assert.deepEqual(
      queue.map((t) => t.sourceId),
      PLAYLISTS.long.videoIds,
      'every entry, the continuation page included, in the playlist\'s order',
    );
    const [first, second] = [toneOf(queue[0]) ?? 0, toneOf(queue[1]) ?? 0];
    assert.deepEqual([first, second], [200, 210]);
    await scene.heardWindows(since, [first], 30_000);
    assert.match((await scene.skip()).content, /Skipped/);
    await scene.heardWindows(since, [first, second], 30_000);
  });

  it('words play the top result: "never gonna give you up" is the rickroll, at 440 Hz, named in the reply', async () => {
    const mark = scene.mark();
    const reply = await scene.play('never gonna give you up');
    assert.equal(reply.ephemeral, false, reply.content);
    assert.match(reply.content, /Playing \*\*.*Never Gonna Give You Up.*\*\*/);
    const [track] = await scene.queue();
    assert.equal(track?.source, 'youtube', JSON.stringify(track));
    assert.equal(track?.sourceId, VIDEOS.rickroll.id);
    await scene.heardAfter(mark, [VIDEOS.rickroll.hz], 30_000, 25);
  });

  it('yt: and sc: pick one source', async () => {
    const yt = await scene.play('yt:never gonna give you up');
    assert.equal(yt.ephemeral, false, yt.content);
    const sc = await scene.play('sc:never gonna give you up');
    assert.equal(sc.ephemeral, false, sc.content);
    assert.deepEqual(
      (await scene.queue()).map((t) => t.source),
      ['youtube', 'soundcloud'],
    );
    assert.match(yt.content, /Rick Astley - Never Gonna Give You Up \(Official Video\)/);
    assert.match(sc.content, /Queued \*\*Never Gonna Give You Up\*\* — Rick Astley/);
  });

  it('autocomplete answers with results from both sources, within Discord\'s 3 s', async () => {
    // The sandbox, like Discord, refuses an interaction not answered within 3 s: an answer is the deadline kept.
    const view = await stage.sandbox.autocomplete(scene.guildId, scene.member, 'play', { query: 'never gonna give you up' }, 'query');
    const names = (view.choices ?? []).map((c) => String(field(c, 'name')));
    assert.ok(names.length >= 2 && names.length <= 25, JSON.stringify(names));
    assert.ok(names.some((n) => n.endsWith('· YouTube')), `a YouTube result: ${JSON.stringify(names)}`);
    assert.ok(names.some((n) => n.endsWith('· SoundCloud')), `a SoundCloud result: ${JSON.stringify(names)}`);
    await waitFor('nothing queued by typing', async () => (await scene.queue()).length === 0);
  });
});
