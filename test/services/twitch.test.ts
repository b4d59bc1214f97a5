/**
 * Issue 15, Twitch end to end: /play with a live channel through the real bot (a hiqty child process),
 * the sandbox's Discord, Redis, ffmpeg and the Twitch fake. The bot plays the channel's audio-only
 * rendition across several playback-token refreshes (tokens live 6 s here), then the broadcast ends: the
 * track finishes (advanced, not quarantined) and the members are told the stream went offline.
 *
 * The "about 20 s" of a stream: through a voice connection, stream time is wall-clock time (the
 * bot sends a 20 ms frame every 20 ms), so this test hears about 10 s without a break, over two or more
 * refreshes; the 30 s of stream time across token refreshes are in test/sources/twitch-play.test.ts, on a
 * ManualClock, byte for byte.
 */
import { strict as assert } from 'node:assert';
import { CHANNEL_ASLEEP, CHANNEL_TONES, channelUrl, DEFAULT_TOKEN_LIFETIME_MS, type TwitchFake } from '../../src/sandbox/services/twitch';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { BOT_ENV, ServiceScene } from './support';

const LOGIN = CHANNEL_TONES.login;

describe('services: a Twitch live channel, heard through the real bot', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;
  let twitch: TwitchFake;

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    twitch = stage.services.twitch;
    await stage.startBot(BOT_ENV);
  });
  after(() => stage.stop());
  beforeEach(async () => {
    await scene.reset();
    twitch.setTokenLifetime(DEFAULT_TOKEN_LIFETIME_MS);
    twitch.goLive(LOGIN);
  });
  Stage.dumpOnFailure(() => stage);

  it('plays the channel without a break across token refreshes; when the broadcast ends the track finishes and the members are told', async () => {
    twitch.setTokenLifetime(6000);
    const tokensBefore = twitch.tokensIssued(LOGIN);
    const refusedBefore = twitch.refusals();
    const servedBefore = twitch.segmentsServed.length;
    const mark = scene.mark();

    const reply = await scene.play(channelUrl(CHANNEL_TONES));
    assert.equal(reply.ephemeral, false, reply.content);
    assert.match(reply.content, /Playing \*\*Sine waves all day\*\* — HiqtyTones/);
    const [track] = await scene.queue();
    assert.deepEqual([track?.source, track?.sourceId, track?.live, track?.url], ['twitch', LOGIN, true, 'https://www.twitch.tv/hiqtytones']);

    // 50 windows of 200 ms in a row: 10 s of the audio-only tone with no gap and no other tone.
    await scene.heardWindows(mark, [CHANNEL_TONES.hz], 40_000, { windows: 50 });
    const tokens = twitch.tokensIssued(LOGIN) - tokensBefore;
    assert.ok(tokens >= 3, `the open's token and at least two refreshes, got ${tokens}`);
    assert.equal(twitch.refusals(), refusedBefore, 'each token was replaced before it expired: nothing was refused');
    const served = twitch.segmentsServed.slice(servedBefore).filter((s) => s.login === LOGIN);
    assert.deepEqual([...new Set(served.map((s) => s.rendition))], ['audio_only']);
    const sequences = served.map((s) => s.sequence);
    assert.deepEqual(sequences, Array.from({ length: sequences.length }, (_, i) => (sequences[0] ?? 0) + i), 'every segment once, in order, across the refreshes');

    twitch.goOffline(LOGIN);
    await waitFor('the live track to leave the queue', async () => (await scene.queue()).length === 0, { timeoutMs: 30_000 });
    const told = await waitFor('the announcement', () => scene.channelMessages(/went offline/)[0], { timeoutMs: 10_000 });
    assert.match(told, /^📴 \*\*HiqtyTones\*\* went offline: the live stream \*\*Sine waves all day\*\* is over \((the broadcast ended|hiqtytones is not live right now)\)\. The queue goes on\.$/);
    assert.deepEqual(await scene.quarantine(), [], 'a stream that ended is finished, not failed');
    assert.deepEqual(scene.channelMessages(/Skipped/), []);
  });

  it('a channel that is not broadcasting is refused at /play, privately, and nothing is queued', async () => {
    const reply = await scene.play(channelUrl(CHANNEL_ASLEEP));
    assert.equal(reply.ephemeral, true, reply.content);
    assert.match(reply.content, /sleepysines is not live right now/);
    assert.deepEqual(await scene.queue(), []);
  });
});
