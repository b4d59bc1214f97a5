/**
 * The voice engine end to end, in this thread: a real discord.js client logged into the sandbox with
 * DAVE required, the real media opener reading tone files from the fixture server, and the library
 * sink (@discordjs/voice's own packet path). The sandbox's listener decrypts what the engine sends.
 */
import { strict as assert } from 'node:assert';
import type { Client } from 'discord.js';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media';
import { trackOpener } from '../../src/media/open-track';
import { ffmpegProcesses } from '../../src/media/transcode';
import type { Sandbox } from '../../src/sandbox';
import type { FixtureServer } from '../../src/sandbox/fixtures/server';
import type { Engine, EngineEvent, EnginePlayRequest } from '../../src/voice/engine/contract';
import { createVoiceEngine, librarySinks } from '../../src/voice/engine';
import { waitFor } from '../support/wait';
import { lastPosition, startVoiceStage, type EventOf, type VoiceStage } from './voice-stage';


describe('voice engine with a real client, DAVE required', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let client: Client;
  let fixtures: FixtureServer;
  let stage: VoiceStage | undefined;
  let short: string;
  let long: string;
  let engine: Engine | undefined;
  let events: EngineEvent[] = [];
  let guildId: string;
  let channelId: string;
  let joins = 0;
  let plays = 0;

  const ofType = <T extends EngineEvent['type']>(type: T): EventOf<T>[] => events.filter((e): e is EventOf<T> => e.type === type);
  const find = <T extends EngineEvent['type']>(type: T, match: (e: EventOf<T>) => boolean = () => true): EventOf<T> | undefined => ofType(type).find(match);
  const positionOf = (play: number): number => lastPosition(events, play);
  const request = (url: string, extra: Partial<EnginePlayRequest> = {}): EnginePlayRequest => ({ url, startMs: 0, volumePercent: 100, isLive: false, planned: false, ...extra });

  before(async () => {
    stage = await startVoiceStage('hiqty-engine-', [{ hz: 440, durationMs: 1000 }, { hz: 660, durationMs: 4000 }]);
    ({ sb, client, fixtures, guildId, channelId } = stage);
    const [first, second] = stage.tones;
    assert.ok(first !== undefined && second !== undefined);
    [short, long] = [first, second];
  });

  beforeEach(() => {
    events = [];
    const allow = [new URL(fixtures.origin).host];
    engine = createVoiceEngine({
      adapterFor: (guild) => {
        const g = client.guilds.cache.get(guild);
        if (g === undefined) throw new Error(`guild ${guild} is not visible`);
        return g.voiceAdapterCreator;
      },
      openTrack: trackOpener({ allow, ffmpegPath: resolveFfmpeg().path, log: silentLogger, maxOpening: 4, ffmpeg: ffmpegProcesses }),
      ffmpeg: ffmpegProcesses,
      sinks: librarySinks,
      clock: systemClock,
      log: silentLogger,
      emit: (e) => events.push(e),
    });
  });

  afterEach(async () => {
    engine?.close();
    engine = undefined;
    // The connection is destroyed in the next turn (see guild-link.ts): wait until the sandbox saw it go.
    await waitFor('the voice connection closed', () => !sb.voiceConnections().some((c) => c.guildId === guildId && c.open && !c.stale), { timeoutMs: 10_000 });
  });

  after(() => stage?.stop());

  const joinAndWait = async (): Promise<number> => {
    const join = ++joins;
    engine?.handle({ type: 'join', guild: guildId, join, channelId });
    await waitFor('the link ready', () => find('link', (e) => e.join === join && e.state === 'ready'), { timeoutMs: 15_000 });
    return join;
  };

  it('joins (joining → ready), plays a short tone passthrough to its end, heard through DAVE', async () => {
    sb.voiceStats(guildId); // starts this test's counts from zero
    const join = await joinAndWait();
    assert.deepEqual(
      ofType('link').filter((e) => e.join === join).map((e) => e.state),
      ['joining', 'ready'],
    );
    const play = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play, request: request(fixtures.url(short)) });
    const opened = await waitFor('opened', () => find('opened', (e) => e.play === play), { timeoutMs: 15_000 });
    assert.deepEqual(opened.result, { kind: 'playing', path: 'passthrough' });
    await waitFor('the first packet', () => find('first-packet', (e) => e.play === play), { timeoutMs: 10_000 });
    const ended = await waitFor('ended', () => find('ended', (e) => e.play === play), { timeoutMs: 15_000 });
    assert.deepEqual(ended.end, { kind: 'finished' });
    await waitFor('the trailing silence frames', () => sb.voiceStats(guildId, { flush: false }).silenceFrames > 0, { timeoutMs: 5000 });

    const positions = ofType('positions').flatMap((e) => e.entries.filter((p) => p.play === play).map((p) => p.positionMs));
    assert.ok(positions.length >= 2, `positions reported: ${positions.join(', ')}`);
    for (let i = 1; i < positions.length; i++) assert.ok((positions[i] ?? 0) >= (positions[i - 1] ?? 0), `positions never go back: ${positions.join(', ')}`);
    assert.ok(Math.abs(positionOf(play) - 1000) <= 60, `final position ${positionOf(play)} of a 1 s tone`);

    const stats = sb.voiceStats(guildId);
    assert.ok((stats.dave?.e2eeFrames ?? 0) > 0, 'the listener decrypted DAVE frames');
    assert.equal(stats.unencrypted, 0);
    assert.equal(stats.e2eeFailures, 0);
    assert.ok(Math.abs(stats.frames - 50) <= 3, `frames heard ${stats.frames}`);
    const engineStats = engine?.stats();
    assert.ok(engineStats && engineStats.framesSent >= 48 && engineStats.ticks > 0 && engineStats.packetsPrepared >= engineStats.framesSent);
  });

  it('a stop mid-track ends the play `stopped` with five silence frames; a new play replaces an old one', async () => {
    await joinAndWait();
    const first = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play: first, request: request(fixtures.url(long)) });
    await waitFor('half a second played', () => positionOf(first) >= 500, { timeoutMs: 15_000 });
    sb.voiceStats(guildId);
    engine?.handle({ type: 'stop', guild: guildId, play: first });
    const ended = await waitFor('ended', () => find('ended', (e) => e.play === first), { timeoutMs: 5000 });
    assert.deepEqual(ended.end, { kind: 'stopped' });
    assert.ok(positionOf(first) < 3000, `stopped at ${positionOf(first)}`);
    await waitFor('the silence frames', () => sb.voiceStats(guildId, { flush: false }).silenceFrames >= 5, { timeoutMs: 5000 });

    const second = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play: second, request: request(fixtures.url(long)) });
    await waitFor('the second play sending', () => positionOf(second) >= 200, { timeoutMs: 15_000 });
    const third = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play: third, request: request(fixtures.url(short)) });
    const replaced = await waitFor('the replaced play ended', () => find('ended', (e) => e.play === second), { timeoutMs: 5000 });
    assert.deepEqual(replaced.end, { kind: 'stopped' });
    const done = await waitFor('the replacing play ended', () => find('ended', (e) => e.play === third), { timeoutMs: 15_000 });
    assert.deepEqual(done.end, { kind: 'finished' });
    const index = (match: (e: EngineEvent) => boolean): number => events.findIndex(match);
    assert.ok(
      index((e) => e.type === 'ended' && e.play === second) < index((e) => e.type === 'first-packet' && e.play === third),
      'the new play speaks only after the old one sent its silence',
    );
    const stats = sb.voiceStats(guildId);
    assert.equal(stats.overlap, 0);
    assert.equal(stats.unencrypted, 0);
    assert.equal(stats.e2eeFailures, 0);
  });

  it('a planned request asks the main thread for its plan and plays the answered plan', async () => {
    await joinAndWait();
    const play = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play, request: request('https://www.youtube.com/watch?v=planned', { planned: true }) });
    const asked = await waitFor('the plan asked', () => find('plan', (e) => e.play === play), { timeoutMs: 5000 });
    assert.equal(asked.guild, guildId);
    assert.equal(asked.attempt, 0);
    engine?.handle({ type: 'plan-answer', id: asked.id, outcome: { kind: 'plan', plan: { kind: 'file', url: fixtures.url(short) } } });
    const opened = await waitFor('opened', () => find('opened', (e) => e.play === play), { timeoutMs: 15_000 });
    assert.deepEqual(opened.result, { kind: 'playing', path: 'passthrough' });
    const ended = await waitFor('ended', () => find('ended', (e) => e.play === play), { timeoutMs: 15_000 });
    assert.deepEqual(ended.end, { kind: 'finished' });
    assert.ok(Math.abs(positionOf(play) - 1000) <= 60, `final position ${positionOf(play)}`);
  });

  it('a stop while the plan is awaited cancels the open: `opened` cancelled and no `ended`', async () => {
    await joinAndWait();
    const play = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play, request: request('https://www.youtube.com/watch?v=never', { planned: true }) });
    const asked = await waitFor('the plan asked', () => find('plan', (e) => e.play === play), { timeoutMs: 5000 });
    engine?.handle({ type: 'stop', guild: guildId, play });
    const opened = await waitFor('opened', () => find('opened', (e) => e.play === play), { timeoutMs: 5000 });
    assert.deepEqual(opened.result, { kind: 'cancelled' });
    // A late answer is ignored.
    engine?.handle({ type: 'plan-answer', id: asked.id, outcome: { kind: 'plan', plan: { kind: 'file', url: fixtures.url(short) } } });
    assert.equal(find('ended', (e) => e.play === play), undefined);
  });

  it('drop keeps the play holding; a later join gives it the new connection and it plays on', async () => {
    const join = await joinAndWait();
    const play = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play, request: request(fixtures.url(long)) });
    await waitFor('some audio', () => positionOf(play) >= 300, { timeoutMs: 15_000 });
    engine?.handle({ type: 'drop', guild: guildId });
    await waitFor('the link gone', () => find('link', (e) => e.join === join && e.state === 'gone'), { timeoutMs: 5000 });
    const held = positionOf(play);
    assert.equal(find('ended', (e) => e.play === play), undefined, 'the play goes on holding');
    await joinAndWait();
    await waitFor('the play advancing again', () => positionOf(play) >= held + 400, { timeoutMs: 15_000 });
    engine?.handle({ type: 'stop', guild: guildId, play });
    const ended = await waitFor('ended', () => find('ended', (e) => e.play === play), { timeoutMs: 5000 });
    assert.deepEqual(ended.end, { kind: 'stopped' });
  });

  it('a live MP3 plays through one ffmpeg; close stops it at once, drops the link and leaves no ffmpeg', async () => {
    const join = await joinAndWait();
    const play = ++plays;
    engine?.handle({ type: 'play', guild: guildId, play, request: request(fixtures.url('live.mp3'), { isLive: true }) });
    const opened = await waitFor('opened', () => find('opened', (e) => e.play === play), { timeoutMs: 15_000 });
    assert.deepEqual(opened.result, { kind: 'playing', path: 'transcoded' });
    await waitFor('some audio', () => positionOf(play) >= 200, { timeoutMs: 15_000 });
    assert.equal(engine?.stats().ffmpegProcesses, 1);
    assert.equal(engine?.stats().playing, 1);
    engine?.handle({ type: 'close', guild: guildId });
    const ended = await waitFor('ended', () => find('ended', (e) => e.play === play), { timeoutMs: 5000 });
    assert.deepEqual(ended.end, { kind: 'stopped' });
    await waitFor('the link gone', () => find('link', (e) => e.join === join && e.state === 'gone'), { timeoutMs: 5000 });
    assert.equal(engine?.stats().guilds, 0);
    await waitFor('no ffmpeg left', () => engine?.stats().ffmpegProcesses === 0, { timeoutMs: 5000 });
  });
});
