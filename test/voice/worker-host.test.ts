/**
 * The voice engine in a voice worker, end to end: a real discord.js client in this thread logged into
 * the sandbox with DAVE required, a WorkerEngineHost whose worker runs the engine, the real media
 * opener and the engine's own packet path, its gateway adapter proxied over the port. The sandbox's
 * listener decrypts what the worker sends. A worker killed mid-track is restarted, and a new join and
 * a play from the last reported position are heard from there, with nothing from the dead worker.
 */
import { strict as assert } from 'node:assert';
import type { Client } from 'discord.js';
import { silentLogger } from '../../src/log';
import { resolveFfmpeg } from '../../src/media';
import type { Sandbox } from '../../src/sandbox';
import type { FixtureServer } from '../../src/sandbox/fixtures/server';
import type { EngineEvent, EnginePlayRequest } from '../../src/voice/engine/contract';
import { WorkerEngineHost } from '../../src/voice/worker';
import { waitFor } from '../support/wait';
import { lastPosition, startVoiceStage, type EventOf, type VoiceStage } from './voice-stage';


const TRACK_MS = 5000;

describe('voice worker host with a real client, DAVE required', function () {
  this.timeout(90_000);
  let sb: Sandbox;
  let client: Client;
  let fixtures: FixtureServer;
  let stage: VoiceStage | undefined;
  let tone: string;
  let host: WorkerEngineHost | undefined;
  let events: EngineEvent[] = [];
  let guildId: string;
  let channelId: string;

  const ofType = <T extends EngineEvent['type']>(type: T): EventOf<T>[] => events.filter((e): e is EventOf<T> => e.type === type);
  const find = <T extends EngineEvent['type']>(type: T, match: (e: EventOf<T>) => boolean = () => true): EventOf<T> | undefined => ofType(type).find(match);
  const positionOf = (play: number): number => lastPosition(events, play);
  const request = (url: string, startMs = 0): EnginePlayRequest => ({ url, startMs, volumePercent: 100, isLive: false, planned: false, durationMs: TRACK_MS });
  const liveConnections = (): number => sb.voiceConnections().filter((c) => c.guildId === guildId && c.open && !c.stale).length;

  before(async () => {
    stage = await startVoiceStage('hiqty-worker-host-', [{ hz: 440, durationMs: TRACK_MS }]);
    ({ sb, client, fixtures, guildId, channelId } = stage);
    const [first] = stage.tones;
    assert.ok(first !== undefined);
    tone = first;
  });

  beforeEach(() => {
    events = [];
    host = new WorkerEngineHost({
      index: 0,
      client,
      log: silentLogger,
      logLevel: 'silent',
      sinks: 'packet',
      media: { allow: [new URL(fixtures.origin).host], serviceOrigins: [], ffmpegPath: resolveFfmpeg().path, maxOpening: 2 },
    });
    host.onEvent((e) => events.push(e));
  });

  afterEach(async () => {
    await host?.close();
    host = undefined;
    await waitFor('the voice connection closed', () => liveConnections() === 0, { timeoutMs: 10_000 });
  });

  after(() => stage?.stop());

  const joinAndWait = async (join: number): Promise<void> => {
    host?.send({ type: 'join', guild: guildId, join, channelId });
    await waitFor(`join ${join} ready`, () => find('link', (e) => e.join === join && e.state === 'ready'), { timeoutMs: 20_000 });
  };

  it('joins through the proxied adapter, plays a tone passthrough, heard through DAVE, with positions and stats', async () => {
    sb.resetVoiceStats(guildId);
    await joinAndWait(1);
    assert.deepEqual(
      ofType('link').filter((e) => e.join === 1).map((e) => e.state),
      ['joining', 'ready'],
    );
    host?.send({ type: 'play', guild: guildId, play: 1, request: request(fixtures.url(tone)) });
    const opened = await waitFor('opened', () => find('opened', (e) => e.play === 1), { timeoutMs: 15_000 });
    assert.deepEqual(opened.result, { kind: 'playing', path: 'passthrough' });
    await waitFor('the first packet', () => find('first-packet', (e) => e.play === 1), { timeoutMs: 10_000 });
    await waitFor('a second played', () => positionOf(1) >= 1000, { timeoutMs: 15_000 });
    await waitFor('frames heard', () => (sb.voiceStats(guildId, { flush: false }).dave?.e2eeFrames ?? 0) >= 25, { timeoutMs: 5000 });
    await waitFor('stats from the worker', () => (host?.stats().framesSent ?? 0) > 0 && host?.stats().playing === 1, { timeoutMs: 5000 });

    host?.send({ type: 'stop', guild: guildId, play: 1 });
    const ended = await waitFor('ended', () => find('ended', (e) => e.play === 1), { timeoutMs: 5000 });
    assert.deepEqual(ended.end, { kind: 'stopped' });
    const stats = sb.voiceStats(guildId);
    assert.ok((stats.dave?.e2eeFrames ?? 0) >= 25, `DAVE frames ${stats.dave?.e2eeFrames}`);
    assert.equal(stats.unencrypted, 0);
    assert.equal(stats.e2eeFailures, 0);
    assert.equal(stats.decryptFailures, 0);
    assert.equal(host?.restarts(), 0);
    assert.equal(host?.messagesDropped(), 0);
  });

  it('a worker killed mid-track restarts; a new join and a play from the last position are heard from there, nothing overlapping', async () => {
    const h = host;
    assert.ok(h);
    let restarted = 0;
    h.onRestart(() => (restarted += 1));
    await joinAndWait(1);
    h.send({ type: 'play', guild: guildId, play: 1, request: request(fixtures.url(tone)) });
    await waitFor('1.5 s played', () => positionOf(1) >= 1500, { timeoutMs: 15_000 });
    const firstLife = await waitFor('a stats report with frames', () => (h.stats().framesSent > 0 ? h.stats().framesSent : undefined), { timeoutMs: 5000 });

    await h.kill();
    const lastMs = positionOf(1);
    sb.resetVoiceStats(guildId);
    assert.equal(h.restarts(), 1);
    await waitFor('onRestart', () => restarted === 1, { timeoutMs: 10_000 });
    assert.equal(find('ended', (e) => e.play === 1), undefined, 'a dead worker reports nothing: onRestart says its guilds are gone');
    await waitFor('the dead connection closed', () => liveConnections() === 0, { timeoutMs: 10_000 });
    // At most a datagram or two sent just before the kill may still be read after it.
    const whileDead = sb.voiceStats(guildId, { flush: false }).frames;
    assert.ok(whileDead <= 2, `${whileDead} frames heard while the worker was dead`);
    sb.resetVoiceStats(guildId);

    await joinAndWait(2);
    h.send({ type: 'play', guild: guildId, play: 2, request: request(fixtures.url(tone), lastMs) });
    const opened = await waitFor('opened', () => find('opened', (e) => e.play === 2), { timeoutMs: 15_000 });
    assert.deepEqual(opened.result, { kind: 'playing', path: 'passthrough' });
    const ended = await waitFor('the rest played', () => find('ended', (e) => e.play === 2), { timeoutMs: 20_000 });
    assert.deepEqual(ended.end, { kind: 'finished' });
    await waitFor('the trailing silence frames', () => sb.voiceStats(guildId, { flush: false }).silenceFrames > 0, { timeoutMs: 5000 });

    const stats = sb.voiceStats(guildId);
    const heardMs = stats.frames * 20;
    console.log(`      killed at ${lastMs} ms; heard ${heardMs} ms after the restart of a ${TRACK_MS} ms track; played ${positionOf(2)} ms from ${lastMs}`);
    assert.ok(Math.abs(heardMs - (TRACK_MS - lastMs)) <= 1000, `resumed within 1 s of ${lastMs} ms: heard ${heardMs} ms of the remaining ${TRACK_MS - lastMs} ms`);
    assert.equal(stats.overlap, 0);
    assert.equal(stats.unencrypted, 0);
    assert.equal(stats.e2eeFailures, 0);
    assert.ok((stats.dave?.e2eeFrames ?? 0) > 0);
    await waitFor(`frames counted over both lives (${firstLife} in the first, ${stats.frames} heard after)`, () => h.stats().framesSent >= firstLife + stats.frames, { timeoutMs: 5000 });
  });
});
