/**
 * Filters end to end: /filter through the sandbox's interactions, a hiqty child process with the real
 * ffmpeg, and what the sandbox's listener hears (tracks are told apart by their tone's frequency).
 * Nightcore plays a 440 Hz tone at 1.25 times its rate, so it is heard at 550 Hz; with no filter an
 * Ogg Opus tone passes straight through, with no ffmpeg running at all.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runFfmpegOk } from '../../src/sandbox/fixtures/run-ffmpeg';
import { guildKeys } from '../../src/state';
import type { OptionValue } from '../../src/sandbox/interactions';
import { useRedis } from '../support/redis';
import { framesOf, Stage, type Bot } from '../support/stage';
import { waitFor } from '../support/wait';
import { assertEphemeralError, assertPublic, responderGuild } from '../responder/support';

const TTL_MS = 2000;
const near = (hz: number, want: number): boolean => Math.abs(hz - want) <= 10;

describe('filters end to end: /filter, what the listener hears, passthrough', function () {
  this.timeout(120_000);
  const redis = useRedis();
  const g = responderGuild(7);
  const keys = guildKeys(g.spec.id);
  let stage: Stage;
  let bot: Bot;
  const cmd = (user: string, name: string, options: Record<string, OptionValue> = {}) => stage.sandbox.command(g.spec.id, user, name, options);

  before(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    bot = await stage.startBot();
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('changes the settings field, refuses what is out of range in words, keeps the DJ rule, shows what is on', async () => {
    assertPublic(await cmd(g.alice, 'filter preset', { name: 'bassboost', level: 'high' }), /Filters now: bass boost \(high\)/);
    assertPublic(await cmd(g.alice, 'filter equalizer', { bands: '3 0 0 0 0 -2' }), /bass boost \(high\), equalizer \(31 Hz \+3 dB, 1 kHz -2 dB\)/);
    assertPublic(await cmd(g.alice, 'filter speed', { value: 1.5 }), /speed ×1\.5/);
    assert.equal(await stage.db.hget(keys.settings, 'filters'), '{"bassboost":"high","equalizer":[3,0,0,0,0,-2,0,0,0,0],"speed":1.5}');
    // Discord's form keeps values in bounds; the handler does not count on it.
    assertEphemeralError(await cmd(g.alice, 'filter speed', { value: 3 }), /The speed must be from 0\.5 to 2 \(1 is normal\), not 3\./);
    assertEphemeralError(await cmd(g.alice, 'filter equalizer', { band: 12, gain: 3 }), /The band must be from 1 to 10/);
    assertEphemeralError(await cmd(g.alice, 'filter equalizer', { bands: '3 loud' }), /`loud` is not a number/);
    assertEphemeralError(await cmd(g.alice, 'filter equalizer', {}), /Give a band and a gain/);
    const shown = await cmd(g.bob, 'filter show');
    assert.equal(shown.ephemeral, true);
    assert.match(shown.content, /Filters: bass boost \(high\), equalizer .*, speed ×1\.5\./);
    await stage.db.hset(keys.settings, 'dj_role', g.djRole);
    stage.sandbox.joinVoice(g.spec.id, g.bob, g.music);
    assertEphemeralError(await cmd(g.bob, 'filter off'), new RegExp(`Only members with the DJ role <@&${g.djRole}>`));
    stage.sandbox.joinVoice(g.spec.id, g.dave, g.music);
    assertPublic(await cmd(g.dave, 'filter off', { name: 'speed' }), /Filters now: bass boost \(high\), equalizer/);
    assertPublic(await cmd(g.dave, 'filter off'), /Filters are off/);
    assert.equal(await stage.db.hexists(keys.settings, 'filters'), 0);
    await stage.db.hdel(keys.settings, 'dj_role');
  });

  it('no filter: passthrough (no ffmpeg); nightcore mid-track: 440 Hz heard as 550 Hz through one ffmpeg; off: 440 Hz and passthrough again', async () => {
    await stage.play([await stage.tone(440, 60_000)]);
    await waitFor('440 Hz heard', () => framesOf(stage.segments(), 440) >= 25, { timeoutMs: 20_000 });
    assert.deepEqual(bot.ffmpegs(), [], 'an Ogg Opus track at 100 % with no filter runs no ffmpeg');

    assertPublic(await cmd(g.alice, 'filter preset', { name: 'nightcore' }), /Filters now: nightcore/);
    await waitFor('550 Hz heard', () => framesOf(stage.segments(), 550) >= 25, { timeoutMs: 20_000 });
    assert.equal(bot.ffmpegs().length, 1, 'the filtered track plays through one ffmpeg');

    assertPublic(await cmd(g.alice, 'filter off'), /Filters are off/);
    const before = framesOf(stage.segments(), 440);
    await waitFor('440 Hz again', () => framesOf(stage.segments(), 440) >= before + 25, { timeoutMs: 20_000 });
    await waitFor('no ffmpeg left', () => bot.ffmpegs().length === 0, { timeoutMs: 10_000 });
    await stage.db.del(keys.playlist);
  });

  it('bass boost and the equalizer change the spectrum: on a two-tone track (2 kHz 6 dB over 120 Hz) 120 Hz becomes the loudest', async () => {
    // The listener hears the loudest tone of each window: 2000 Hz, until 120 Hz gains more than 6 dB.
    const name = 'two-tone-120-2000.ogg';
    await runFfmpegOk(['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=120:sample_rate=48000:duration=60,volume=0.5[a];sine=frequency=2000:sample_rate=48000:duration=60[b];[a][b]amix=inputs=2', '-ac', '2', '-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg', path.join(stage.dir, 'tracks', name)]);
    await stage.play([stage.fixtures.url(name)]);
    const more = async (hz: number, what: string): Promise<void> => {
      const before = framesOf(stage.segments(), hz);
      await waitFor(what, () => framesOf(stage.segments(), hz) >= before + 25, { timeoutMs: 20_000 });
    };
    await more(2000, '2000 Hz the loudest with no filter');
    assertPublic(await cmd(g.alice, 'filter preset', { name: 'bassboost', level: 'high' }), /bass boost \(high\)/);
    await more(120, '120 Hz the loudest with bass boost high');
    assertPublic(await cmd(g.alice, 'filter off'), /Filters are off/);
    await more(2000, '2000 Hz the loudest again');
    assertPublic(await cmd(g.alice, 'filter equalizer', { band: 3, gain: 12 }), /equalizer \(125 Hz \+12 dB\)/);
    await more(120, '120 Hz the loudest with +12 dB at 125 Hz');
    assertPublic(await cmd(g.alice, 'filter off'), /Filters are off/);
    await stage.db.del(keys.playlist);
  });
});

describe('filters end to end: a failover keeps the filter', function () {
  this.timeout(120_000);
  const redis = useRedis();
  let stage: Stage;
  beforeEach(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { env: { HIQTY_LOCK_TTL_MS: String(TTL_MS) } });
  });
  afterEach(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('after a SIGKILL the other instance plays on with nightcore (550 Hz), at the track position (track time, not time heard)', async () => {
    const keys = guildKeys(stage.guild.id);
    // Another interface writing the setting straight into Redis, as the schema allows.
    await stage.db.hset(keys.settings, 'filters', '{"nightcore":true}');
    await stage.startBot();
    await stage.startBot();
    // 16 s of track is 12.8 s heard at 1.25: 640 frames.
    await stage.play([await stage.tone(440, 16_000)]);
    // 8 s heard is 10 s of track. Counting heard time as track time would resume at 8 s and replay 2 s
    // of track (1.6 s, 80 frames): outside the ±50 frames below.
    await waitFor('8 s heard at 550 Hz', () => framesOf(stage.segments(), 550) >= 400, { timeoutMs: 30_000 });
    const victim = await stage.owner();
    victim.proc.kill('SIGKILL');
    const resumed = await waitFor(
      'the track on another session',
      () => {
        const segments = stage.segments();
        const first = segments[0];
        return segments.find((s) => first !== undefined && s.sessionId !== first.sessionId && s.frames >= 5);
      },
      { timeoutMs: TTL_MS + 20_000 },
    );
    assert.ok(near(resumed.hz, 550), `the new owner plays at ${Math.round(resumed.hz)} Hz, not with the filter`);
    await waitFor('the track to finish', async () => (await stage.db.llen(keys.playlist)) === 0, { timeoutMs: 30_000 });
    const stats = stage.sandbox.voiceStats(stage.guild.id, { flush: true });
    assert.equal(framesOf(stats.segments, 440), 0, 'never heard unfiltered');
    const total = framesOf(stats.segments, 550);
    assert.ok(Math.abs(total - 640) <= 50, `heard ${total} frames of a 640-frame play: resumed more than 1 s off`);
    assert.equal(stats.overlap, 0);
    console.log(`      position error after the failover: ${(total - 640) * 20} ms of listening`);
  });
});
