/**
 * The messages across a voice worker's port: every engine command and event decodes as itself (so
 * a contract field missing from the codecs fails here), bad messages are described by the fields of
 * the kind they claim, dropped and logged once per kind; the worker's adapter proxy; the restart
 * backoff and the counters kept over a worker's lives.
 */
import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import type { DiscordGatewayAdapterLibraryMethods } from '@discordjs/voice';
import pino from 'pino';
import type { EngineCommand, EngineEvent } from '../../src/voice/engine/contract';
import { EMPTY_STATS } from '../../src/voice/engine/host';
import { adapterProxy } from '../../src/voice/worker/adapter-proxy';
import { EngineCommandCodec, EngineEventCodec } from '../../src/voice/worker/engine-codecs';
import { LifetimeStats } from '../../src/voice/worker/lifetime-stats';
import { FromWorkerCodec, MessageDrops, ToWorkerCodec, type FromWorker } from '../../src/voice/worker/messages';
import { RestartBackoff } from '../../src/voice/worker/restart-backoff';
import { originsText } from '../../src/voice/worker/worker-data';
import { parseOriginOverrides } from '../../src/media/origins';

const request = { url: 'https://example.com/a.ogg', startMs: 1500, volumePercent: 100, isLive: false, planned: true, durationMs: 5000 };

const COMMANDS: readonly EngineCommand[] = [
  { type: 'join', guild: '1', join: 3, channelId: '2' },
  { type: 'play', guild: '1', play: 4, request },
  { type: 'play', guild: '1', play: 5, request: { url: 'https://example.com/b', startMs: 0, volumePercent: 50, isLive: true, planned: false } },
  // A play with filters (issue 16): typed values cross to the worker, which builds the -af chain there.
  { type: 'play', guild: '1', play: 6, request: { ...request, filters: { bassboost: 'high', nightcore: true, equalizer: [1, 0, 0, 0, 0, 0, 0, 0, 0, -1], speed: 1.5 } } },
  { type: 'stop', guild: '1', play: 4 },
  { type: 'drop', guild: '1' },
  { type: 'leave', guild: '1' },
  { type: 'close', guild: '1' },
  { type: 'plan-answer', id: 1, outcome: { kind: 'plan', plan: { kind: 'file', url: 'https://x/y', headers: { 'user-agent': 'u' }, live: false, durationMs: 1, contentLength: 2 } } },
  {
    type: 'plan-answer',
    id: 2,
    outcome: {
      kind: 'plan',
      plan: { kind: 'ranged', url: 'https://g/v', contentLength: 9, container: 'webm', codec: 'opus', durationMs: 3, chunkBytes: 4, rangeParam: true, initRange: { start: 0, end: 5 }, indexRange: { start: 6, end: 8 } },
    },
  },
  { type: 'plan-answer', id: 3, outcome: { kind: 'plan', plan: { kind: 'hls', url: 'https://h/m.m3u8', live: true } } },
  { type: 'plan-answer', id: 7, outcome: { kind: 'plan', plan: { kind: 'hls', url: 'https://u/c.m3u8', live: true, rendition: 'audio_only', expiresAt: 1_700_000_060_000 } } },
  { type: 'plan-answer', id: 4, outcome: { kind: 'unplayable', reason: 'private' } },
  { type: 'plan-answer', id: 5, outcome: { kind: 'failed', reason: 'down' } },
  { type: 'plan-answer', id: 6, outcome: { kind: 'cancelled' } },
];

const EVENTS: readonly EngineEvent[] = [
  { type: 'link', guild: '1', join: 3, channelId: '2', state: 'joining' },
  { type: 'link', guild: '1', join: 3, channelId: '2', state: 'gone' },
  { type: 'opened', guild: '1', play: 4, result: { kind: 'playing', path: 'passthrough' } },
  { type: 'opened', guild: '1', play: 4, result: { kind: 'unplayable', reason: 'no data' } },
  { type: 'opened', guild: '1', play: 4, result: { kind: 'cancelled' } },
  { type: 'first-packet', guild: '1', play: 4 },
  { type: 'ended', guild: '1', play: 4, end: { kind: 'finished' } },
  { type: 'ended', guild: '1', play: 4, end: { kind: 'finished', streamEnded: 'the stream ended' } },
  { type: 'ended', guild: '1', play: 4, end: { kind: 'failed', reason: 'truncated' } },
  { type: 'ended', guild: '1', play: 4, end: { kind: 'interrupted' } },
  { type: 'positions', entries: [{ guild: '1', play: 4, positionMs: 1200 }] },
  { type: 'plan', id: 1, guild: '1', play: 4, attempt: 0 },
  { type: 'stats', stats: { ...EMPTY_STATS, framesSent: 7 } },
];

function capture(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

describe('voice worker messages', () => {
  it('a play whose filters are out of bounds is refused, not turned into an ffmpeg chain', () => {
    const bad = { type: 'play', guild: '1', play: 7, request: { ...request, filters: { speed: 9 } } };
    assert.equal(EngineCommandCodec.decode(bad)._tag, 'Left');
    assert.equal(EngineCommandCodec.decode({ ...bad, request: { ...request, filters: { bassboost: '15; rm -rf /' } } })._tag, 'Left');
  });

  it('every engine command and event decodes as itself, through structured clone', () => {
    for (const command of COMMANDS) {
      assert.deepEqual(new MessageDrops(pino({ level: 'silent' }), 't').decode(EngineCommandCodec, structuredClone(command)), command);
      assert.deepEqual(ToWorkerCodec.decode(command), { _tag: 'Right', right: command });
    }
    for (const event of EVENTS) {
      assert.ok(EngineEventCodec.is(event), JSON.stringify(event));
      assert.ok(FromWorkerCodec.is(structuredClone(event)), JSON.stringify(event));
    }
  });

  it('a bad message is described by the fields of its kind, dropped, and logged once per kind', () => {
    const { log, lines } = capture();
    const drops = new MessageDrops(log, 'worker-3');
    assert.equal(drops.decode(FromWorkerCodec, { type: 'opened', guild: '1', play: 'four', result: { kind: 'playing', path: 'passthrough' } }), undefined);
    assert.equal(drops.decode(FromWorkerCodec, { type: 'opened', guild: '1', play: 1, result: { kind: 'exploded' } }), undefined);
    assert.equal(drops.decode(FromWorkerCodec, { type: 'teleport' }), undefined);
    assert.equal(drops.decode(FromWorkerCodec, null), undefined);
    assert.equal(drops.dropped(), 4);
    assert.deepEqual(
      lines.map((l) => [l.kind, l.from, l.level]),
      [
        ['opened', 'worker-3', 40],
        ['teleport', 'worker-3', 40],
        ['untyped', 'worker-3', 40],
      ],
    );
    assert.deepEqual(lines[0]?.problems, ['play: got "four", expected number']);
    assert.match(String((lines[1]?.problems as string[])[0]), /one of link, opened, first-packet, ended, positions, plan, stats, adapter-open, payload, adapter-close/);
  });

  it('a gateway payload must be a voice state update for its own guild', () => {
    const payload = { op: 4, d: { guild_id: '1', channel_id: '2', self_deaf: true, self_mute: false } };
    assert.ok(FromWorkerCodec.is({ type: 'payload', guild: '1', payload }));
    assert.ok(!FromWorkerCodec.is({ type: 'payload', guild: '9', payload }), 'another guild');
    assert.ok(!FromWorkerCodec.is({ type: 'payload', guild: '1', payload: { op: 8, d: { guild_id: '1', query: '', limit: 0 } } }), 'another opcode');
  });

  it('the worker-side adapter proxies payloads and updates, and closes once', () => {
    const posted: FromWorker[] = [];
    const proxy = adapterProxy((m) => posted.push(m));
    const seen: string[] = [];
    const methods: DiscordGatewayAdapterLibraryMethods = {
      onVoiceStateUpdate: (d) => seen.push(`state ${d.session_id}`),
      onVoiceServerUpdate: (d) => seen.push(`server ${d.endpoint}`),
      destroy: () => seen.push('destroy'),
    };
    const adapter = proxy.adapterFor('1')(methods);
    assert.equal(adapter.sendPayload({ op: 4, d: { guild_id: '1', channel_id: null, self_deaf: true, self_mute: false } }), true);
    assert.equal(adapter.sendPayload({ op: 2, d: {} }), false);
    const state = { channel_id: '2', user_id: '5', session_id: 's', deaf: false, mute: false, self_deaf: true, self_mute: false, self_video: false, suppress: false, request_to_speak_timestamp: null };
    const toWorker = [
      { type: 'voice-state', guild: '1', data: state },
      { type: 'voice-server', guild: '1', data: { token: 't', guild_id: '1', endpoint: '127.0.0.1:1' } },
      { type: 'voice-server', guild: '8', data: { token: 't', guild_id: '8', endpoint: 'elsewhere' } },
    ];
    for (const raw of toWorker) {
      const message = ToWorkerCodec.decode(raw);
      assert.equal(message._tag, 'Right');
      if (message._tag === 'Right' && (message.right.type === 'voice-state' || message.right.type === 'voice-server')) proxy.deliver(message.right);
    }
    proxy.deliver({ type: 'adapter-destroyed', guild: '1' });
    adapter.destroy();
    assert.deepEqual(seen, ['state s', 'server 127.0.0.1:1', 'destroy']);
    assert.deepEqual(
      posted.map((m) => m.type),
      ['adapter-open', 'payload'],
      'no adapter-close after the main thread destroyed it',
    );
    const second = proxy.adapterFor('1')(methods);
    second.destroy();
    second.destroy();
    assert.deepEqual(posted.slice(2).map((m) => m.type), ['adapter-open', 'adapter-close']);
  });

  it('the restart wait doubles while workers die young and resets after a long life', () => {
    const backoff = new RestartBackoff({ firstDelayMs: 100, maxDelayMs: 500, stableLifeMs: 5000 });
    assert.deepEqual([10, 10, 10, 10, 10, 9000, 10].map((life) => backoff.next(life)), [100, 200, 400, 500, 500, 100, 200]);
  });

  it('counters add up over lives; gauges are the living worker’s', () => {
    const stats = new LifetimeStats();
    stats.report({ ...EMPTY_STATS, framesSent: 10, ticks: 5, guilds: 2, longestGapMs: 30 });
    stats.died();
    assert.deepEqual(stats.current(), { ...EMPTY_STATS, framesSent: 10, ticks: 5 });
    stats.report({ ...EMPTY_STATS, framesSent: 3, guilds: 1 });
    assert.deepEqual(stats.current(), { ...EMPTY_STATS, framesSent: 13, ticks: 5, guilds: 1 });
  });

  it('service origins cross as text and come back the same', () => {
    const parsed = parseOriginOverrides('www.youtube.com=http://127.0.0.1:9000,*.googlevideo.com=https://mirror.example');
    assert.ok('ok' in parsed);
    const back = parseOriginOverrides(originsText(parsed.ok));
    assert.ok('ok' in back);
    assert.deepEqual(back.ok.map((o) => [o.host, o.origin.href]), parsed.ok.map((o) => [o.host, o.origin.href]));
  });
});
