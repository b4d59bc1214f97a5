/**
 * Issue 15, end to end: a track whose own source refuses it plays from the next source in
 * HIQTY_FALLBACK_SOURCES (the same song, found by ISRC or by title, artist and length), and the members are
 * told; refused everywhere, it is quarantined with every source's reason. The real bot, the YouTube and
 * SoundCloud fakes: YouTube answers every play "Sign in to confirm you're not a bot", SoundCloud blocks
 * every stream in this region.
 */
import { strict as assert } from 'node:assert';
import { BLOCKED_REASON } from '../../src/sources/soundcloud';
import { TRACK_RICK } from '../../src/sandbox/services/soundcloud';
import { VIDEOS } from '../../src/sandbox/services/youtube';
import { GUILDS_KEY, Status } from '../../src/state';
import { decodeJson } from '../../src/codecs';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { BOT_ENV, ServiceScene, watchUrl } from './support';

describe('services: a refused track plays from another source (HIQTY_FALLBACK_SOURCES)', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;

  /** The rickroll as /play would have queued it from YouTube, written straight into Redis (the public contract). */
  async function queueRickroll(id: string): Promise<void> {
    const track = { id, url: watchUrl(VIDEOS.rickroll.id), source: 'youtube', sourceId: VIDEOS.rickroll.id, title: VIDEOS.rickroll.title, artist: VIDEOS.rickroll.artist, durationMs: VIDEOS.rickroll.durationMs };
    const k = scene.keys;
    await stage.db.multi().rpush(k.playlist, JSON.stringify(track)).set(k.channel, stage.voiceChannel(stage.guild)).set(k.text_channel, scene.textChannel).set(k.state, 'playing').sadd(GUILDS_KEY, scene.guildId).exec();
  }

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    await stage.startBot(BOT_ENV);
  });
  after(() => stage.stop());
  beforeEach(() => scene.reset());
  afterEach(() => {
    stage.services.youtube.refuseEveryPlay(false);
    stage.services.soundcloud.blockEveryStream(false);
  });
  Stage.dumpOnFailure(() => stage);

  it('YouTube refusing every play: its track is heard from SoundCloud, the members are told why, and the now-playing message names SoundCloud', async () => {
    stage.services.youtube.refuseEveryPlay(true);
    const mark = scene.mark();
    await queueRickroll('fallback-1');
    await scene.heardAfter(mark, [TRACK_RICK.hz], 30_000, 25);
    await waitFor('the announcement', () => scene.channelMessages(/🔁 \*\*Rick Astley - Never Gonna Give You Up \(Official Video\)\*\*: YouTube refused it \(.*not a bot.*\); playing it from SoundCloud\./).length === 1 || undefined);
    const raw = await stage.db.get(scene.keys.status);
    const status = raw === null ? undefined : decodeJson(Status, raw);
    assert.ok(status !== undefined && status._tag === 'Right', `a status: ${raw}`);
    assert.deepEqual(status.right.playedFrom, { source: 'soundcloud', label: 'SoundCloud' });
    await waitFor('the now-playing message naming SoundCloud', () => scene.channelMessages(/Now playing:.*\nRequested by .* · YouTube, played from SoundCloud/).length > 0 || undefined);
    assert.deepEqual(await scene.quarantine(), [], 'nothing quarantined');
  });

  it('refused by YouTube and blocked by SoundCloud: quarantined with both reasons, and announced', async () => {
    stage.services.youtube.refuseEveryPlay(true);
    stage.services.soundcloud.blockEveryStream(true);
    await queueRickroll('fallback-2');
    const [entry] = await waitFor('the quarantine', async () => {
      const q = await scene.quarantine();
      return q.length > 0 ? q : undefined;
    });
    assert.equal(entry?.url, watchUrl(VIDEOS.rickroll.id));
    assert.match(entry?.reason ?? '', /^YouTube: .*not a bot.*; SoundCloud: /);
    assert.ok(entry?.reason.includes(BLOCKED_REASON), entry?.reason);
    await waitFor('the announcement', () => scene.channelMessages(/⚠️ Skipped \*\*Rick Astley - Never Gonna Give You Up \(Official Video\)\*\*: YouTube: .*; SoundCloud: /).length === 1 || undefined);
  });
});
