import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import * as path from 'node:path';
import { StreamType } from '@discordjs/voice';
import OpusScript from 'opusscript';
import pino from 'pino';
import { dnsLookup } from '../../src/media/dns-lookup';
import { OpenGate } from '../../src/media/open-gate';
import { startFixtureServer as startSandboxFixtures, type FixtureServer as SandboxFixtures } from '../../src/sandbox/fixtures/server';
import { startFakeDns, type FakeDns } from './fake-dns';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack, type OpenOutcome, type OpenTrackDeps, type TrackRequest } from '../../src/media/open-track';
import { opusPacketDurationMs } from '../../src/media/passthrough';
import { FFMPEG_NICENESS, FfmpegProcesses } from '../../src/media/transcode';
import { silentLogger } from '../../src/log';
import { makeTone, type ToneFormat } from '../../src/sandbox/fixtures/tones';
import { waitFor } from '../support/wait';
import { collect, ffmpegChildren, serveBytes, serveFile, serveLive, serveTruncated, startFixtureServer, startRecorder, type FixtureServer } from './support';

type Playing = Extract<OpenOutcome, { kind: 'playing' }>;

const CONTENT_TYPE: Readonly<Record<ToneFormat, string>> = {
  'ogg-opus': 'audio/ogg',
  'webm-opus': 'audio/webm',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  'm4a-aac': 'audio/mp4',
};

function assertPlaying(outcome: OpenOutcome): asserts outcome is Playing {
  assert.equal(outcome.kind, 'playing', outcome.kind === 'unplayable' ? `unplayable: ${outcome.reason}` : outcome.kind);
}

function assertUnplayable(outcome: OpenOutcome, reason: RegExp): void {
  assert.equal(outcome.kind, 'unplayable', 'expected unplayable');
  if (outcome.kind === 'unplayable') assert.match(outcome.reason, reason);
}

function totalMs(packets: readonly Buffer[]): number {
  return packets.reduce((sum, p) => sum + opusPacketDurationMs(p), 0);
}

/** Within 2 % of the expected duration, with one 20 ms packet of slack for encoder delay on short clips. */
function assertDuration(packets: readonly Buffer[], expectedMs: number): void {
  const ms = totalMs(packets);
  const slack = Math.max(expectedMs * 0.02, 20);
  assert.ok(Math.abs(ms - expectedMs) <= slack + 20, `expected about ${expectedMs} ms of audio, got ${ms} ms (${packets.length} packets)`);
}

describe('media/openTrack', function () {
  this.timeout(20_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-media-'));
  const ffmpegPath = resolveFfmpeg(process.env).path;
  const tones = new Map<ToneFormat, string>();
  let longMp3: Buffer;
  let longOgg: Buffer;
  let server: FixtureServer;
  let ffmpeg: FfmpegProcesses;
  let deps: OpenTrackDeps;
  const opened: Playing[] = [];

  const open = async (request: TrackRequest, extra: Partial<OpenTrackDeps> = {}): Promise<OpenOutcome> => {
    const outcome = await openTrack(request, { ...deps, ...extra });
    if (outcome.kind === 'playing') opened.push(outcome);
    return outcome;
  };

  before(async function () {
    this.timeout(60_000);
    for (const format of ['ogg-opus', 'webm-opus', 'mp3', 'wav'] as const) {
      tones.set(format, await makeTone({ hz: 440, durationMs: 2000, format, dir }));
    }
    longMp3 = readFileSync(await makeTone({ hz: 330, durationMs: 10_000, format: 'mp3', dir }));
    longOgg = readFileSync(await makeTone({ hz: 550, durationMs: 30_000, format: 'ogg-opus', dir }));
    server = await startFixtureServer();
    for (const [format, file] of tones) server.route(`/tone/${format}`, serveFile(file, CONTENT_TYPE[format]));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ffmpeg = new FfmpegProcesses();
    deps = { allow: [server.hostPort], ffmpegPath, log: silentLogger, ffmpeg };
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) o.close();
    await waitFor('no ffmpeg left running', () => ffmpeg.count === 0 && ffmpegChildren().length === 0);
  });

  describe('passthrough', () => {
    for (const format of ['ogg-opus', 'webm-opus'] as const) {
      it(`${format} plays without decoding and without any ffmpeg`, async () => {
        const outcome = await open({ url: server.url(`/tone/${format}`) });
        assertPlaying(outcome);
        assert.equal(outcome.path, 'passthrough');
        assert.equal(outcome.streamType, StreamType.Opus);
        assert.deepEqual(ffmpegChildren(), []);
        const packets = await collect(outcome.stream);
        assert.deepEqual(await outcome.done, { kind: 'finished' });
        assertDuration(packets, 2000);
        assert.equal(ffmpeg.started, 0, 'an ffmpeg was started');
        assert.deepEqual(ffmpegChildren(), []);
      });

      it(`${format} seeks by dropping packets`, async () => {
        const outcome = await open({ url: server.url(`/tone/${format}`), startMs: 1200 });
        assertPlaying(outcome);
        assert.equal(outcome.path, 'passthrough');
        assertDuration(await collect(outcome.stream), 800);
        assert.equal(ffmpeg.started, 0);
      });
    }

    it('a position past the end plays nothing and finishes, rather than blaming the track', async () => {
      const outcome = await open({ url: server.url('/tone/ogg-opus'), startMs: 60_000 });
      assertPlaying(outcome);
      assert.deepEqual(await collect(outcome.stream), []);
      assert.deepEqual(await outcome.done, { kind: 'finished' });
    });

    it('a volume other than 100 % goes through ffmpeg', async () => {
      const outcome = await open({ url: server.url('/tone/ogg-opus'), volumePercent: 50 });
      assertPlaying(outcome);
      assert.equal(outcome.path, 'transcoded');
      assert.equal(ffmpeg.count, 1);
      assertDuration(await collect(outcome.stream), 2000);
      assert.deepEqual(await outcome.done, { kind: 'finished' });
      assert.equal(ffmpeg.started, 1);
    });

    it('a filter goes through ffmpeg (nightcore: 2 s of track in 1.6 s); neutral filters keep passthrough', async () => {
      const neutral = await open({ url: server.url('/tone/ogg-opus'), filters: { speed: 1, equalizer: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] } });
      assertPlaying(neutral);
      assert.equal(neutral.path, 'passthrough');
      await collect(neutral.stream);
      assert.equal(ffmpeg.started, 0);
      const outcome = await open({ url: server.url('/tone/ogg-opus'), filters: { nightcore: true } });
      assertPlaying(outcome);
      assert.equal(outcome.path, 'transcoded');
      assertDuration(await collect(outcome.stream), 1600);
      assert.deepEqual(await outcome.done, { kind: 'finished' });
      assert.equal(ffmpeg.started, 1);
    });
  });

  describe('transcode', () => {
    for (const format of ['mp3', 'wav'] as const) {
      it(`${format} runs exactly one ffmpeg, outputs valid Opus, and the ffmpeg is gone at the end`, async () => {
        const outcome = await open({ url: server.url(`/tone/${format}`) });
        assertPlaying(outcome);
        assert.equal(outcome.path, 'transcoded');
        assert.equal(ffmpeg.started, 1);
        // A short file's ffmpeg may already have written everything and exited (a zombie has no cmdline).
        assert.ok(ffmpegChildren().every((pid) => ffmpeg.pids().includes(pid)));
        const packets = await collect(outcome.stream);
        assert.deepEqual(await outcome.done, { kind: 'finished' });
        assertDuration(packets, 2000);
        // Valid Opus, not just bytes: every packet decodes to 20 ms of 48 kHz stereo.
        const decoder = new OpusScript(48000, 2);
        try {
          for (const p of packets) assert.equal(decoder.decode(p).length, 960 * 2 * 2);
        } finally {
          decoder.delete();
        }
        assert.equal(ffmpeg.started, 1);
        assert.equal(ffmpeg.count, 0);
        assert.deepEqual(ffmpegChildren(), []);
      });
    }

    it('seeks with ffmpeg', async () => {
      const outcome = await open({ url: server.url('/tone/mp3'), startMs: 500 });
      assertPlaying(outcome);
      assertDuration(await collect(outcome.stream), 1500);
    });

    it('ffmpeg runs at a lower priority than the bot, so its start-up burst yields to the audio cycle', async () => {
      // 30 s of audio at volume 50: ffmpeg is still writing (the stream is not read) when we look.
      server.route('/long.ogg', serveBytes(longOgg, 'audio/ogg'));
      const outcome = await open({ url: server.url('/long.ogg'), volumePercent: 50 });
      assertPlaying(outcome);
      const [pid] = ffmpeg.pids();
      assert.ok(pid !== undefined, 'an ffmpeg is running');
      assert.equal(getPriority(pid), FFMPEG_NICENESS);
      assert.equal(getPriority(), 0);
      outcome.close();
    });

    it('close() mid-track kills the ffmpeg', async () => {
      const outcome = await open({ url: server.url('/tone/wav') });
      assertPlaying(outcome);
      const [pid] = ffmpeg.pids();
      assert.ok(pid !== undefined);
      outcome.close();
      assert.deepEqual(await outcome.done, { kind: 'closed' });
      assert.equal(ffmpeg.count, 0);
      assert.ok(!ffmpegChildren().includes(pid));
    });

    it('the consumer destroying the stream counts as close()', async () => {
      const outcome = await open({ url: server.url('/tone/mp3') });
      assertPlaying(outcome);
      outcome.stream.destroy();
      assert.deepEqual(await outcome.done, { kind: 'closed' });
      assert.equal(ffmpeg.count, 0);
    });
  });

  describe('unplayable tracks', () => {
    it('404', async () => {
      assertUnplayable(await open({ url: server.url('/nothing-here.mp3') }), /^the server answered 404$/);
    });

    it('a refused address, with nothing connected to', async () => {
      const recorder = await startRecorder('127.0.0.1');
      assert.ok(recorder);
      try {
        assertUnplayable(await open({ url: `http://127.0.0.1:${recorder.port}/a.mp3` }), /^refused: 127\.0\.0\.1 is a loopback address$/);
        assertUnplayable(await open({ url: 'file:///etc/passwd' }), /^refused: the scheme file: is not allowed/);
        assert.equal(recorder.connections, 0);
      } finally {
        await recorder.close();
      }
    });

    it('random bytes: ffmpeg says why', async () => {
      server.route('/random.mp3', serveBytes(randomBytes(64 * 1024), 'audio/mpeg'));
      assertUnplayable(await open({ url: server.url('/random.mp3') }), /^ffmpeg could not decode it: .+/);
      assert.equal(ffmpeg.started, 1);
    });

    it('an empty file', async () => {
      server.route('/empty.mp3', serveBytes(Buffer.alloc(0), 'audio/mpeg'));
      assertUnplayable(await open({ url: server.url('/empty.mp3') }), /^the file is empty$/);
      assert.equal(ffmpeg.started, 0);
    });

    it('an HTML page served as mp3, without starting ffmpeg', async () => {
      server.route('/page.mp3', serveBytes(Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'), 'audio/mpeg'));
      assertUnplayable(await open({ url: server.url('/page.mp3') }), /^not an audio file \(it looks like an HTML page\)$/);
      server.route('/page', serveBytes(Buffer.from('<html><body>hello</body></html>'), 'text/html; charset=utf-8'));
      assertUnplayable(await open({ url: server.url('/page') }), /^not an audio file \(text\/html\)$/);
      assert.equal(ffmpeg.started, 0);
    });

    for (const format of ['mp3', 'ogg-opus'] as const) {
      it(`a truncated ${format} file`, async () => {
        const bytes = readFileSync(tones.get(format) ?? '');
        server.route(`/truncated/${format}`, serveTruncated(bytes, Math.floor(bytes.length / 3), CONTENT_TYPE[format]));
        const outcome = await open({ url: server.url(`/truncated/${format}`) });
        // Either it is caught before the first packet, or the packets received play and `done` says why it stopped.
        if (outcome.kind === 'unplayable') {
          assert.match(outcome.reason, /truncated/);
        } else {
          assertPlaying(outcome);
          const packets = await collect(outcome.stream);
          assert.ok(totalMs(packets) < 1500);
          assert.deepEqual(await outcome.done, { kind: 'failed', reason: 'the download stopped before the end (truncated)' });
        }
      });
    }

    it('a server that stops sending: no data for the idle timeout', async () => {
      const bytes = longOgg;
      server.route('/stalls', (_req, res) => {
        res.writeHead(200, { 'content-type': 'audio/ogg' });
        res.write(bytes.subarray(0, 30_000));
      });
      server.route('/silent', (_req, res) => res.writeHead(200, { 'content-type': 'audio/mpeg' }).write(''));
      const outcome = await open({ url: server.url('/stalls') }, { idleTimeoutMs: 300 });
      assertPlaying(outcome);
      await collect(outcome.stream);
      assert.deepEqual(await outcome.done, { kind: 'failed', reason: 'no data for 300 ms' });
      assertUnplayable(await open({ url: server.url('/silent') }, { idleTimeoutMs: 300 }), /^no data for 300 ms$/);
    });
  });

  describe('live streams', () => {
    it('an endless MP3 stream plays, and close() hangs up and stops ffmpeg', async () => {
      const open1 = { count: 0 };
      server.route('/live.mp3', serveLive(longMp3, 16_000, 'audio/mpeg', open1));
      const outcome = await open({ url: server.url('/live.mp3'), isLive: true });
      assertPlaying(outcome);
      assert.equal(outcome.path, 'transcoded');
      assert.equal(ffmpeg.count, 1);
      assert.deepEqual(ffmpegChildren(), ffmpeg.pids());
      const packets: Buffer[] = [];
      for await (const p of outcome.stream) {
        if (Buffer.isBuffer(p)) packets.push(p);
        if (totalMs(packets) >= 1000) break; // breaking out destroys the stream, as a stopping player does
      }
      assert.deepEqual(await outcome.done, { kind: 'closed' });
      assert.equal(ffmpeg.count, 0);
      await waitFor('the live connection to close', () => open1.count === 0);
    });

    it('an endless Ogg/Opus stream passes through and closes cleanly', async () => {
      const open2 = { count: 0 };
      server.route('/live.ogg', serveLive(longOgg, 12_000, 'audio/ogg', open2));
      const outcome = await open({ url: server.url('/live.ogg'), isLive: true });
      assertPlaying(outcome);
      assert.equal(outcome.path, 'passthrough');
      let ms = 0;
      await new Promise<void>((resolve) => {
        outcome.stream.on('data', (p: Buffer) => {
          ms += opusPacketDurationMs(p);
          if (ms >= 1000) resolve();
        });
      });
      outcome.close();
      assert.deepEqual(await outcome.done, { kind: 'closed' });
      await waitFor('the live connection to close', () => open2.count === 0);
      assert.equal(ffmpeg.started, 0);
    });
  });
  describe('cancellation: an abort in every phase leaves no socket and no ffmpeg within 1 s', () => {
    let fixtures: SandboxFixtures;
    let dns: FakeDns;
    let lines: Array<Record<string, unknown>>;
    const captured = (): OpenTrackDeps['log'] =>
      pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const name = (format: ToneFormat): string => path.basename(tones.get(format) ?? '');
    const requested = (route: string): boolean => fixtures.requests.some((r) => r.path.startsWith(route));
    const cancelledIn = (phase: RegExp): boolean => lines.some((l) => typeof l.msg === 'string' && phase.test(l.msg));
    const released = async (): Promise<void> => {
      await waitFor('no connection left open', () => fixtures.openConnections() === 0 && server.openConnections() === 0, { timeoutMs: 1000 });
      await waitFor('no ffmpeg child left', () => ffmpeg.count === 0 && ffmpegChildren().length === 0, { timeoutMs: 1000 });
    };

    before(async () => {
      // 2000 bytes: past the probe of an MP3 (ffmpeg starts) but short of its first second of audio.
      fixtures = await startSandboxFixtures({ dir, trickleBytes: 2000 });
      dns = await startFakeDns();
    });
    after(async () => {
      await fixtures.stop();
      await dns.close();
    });
    beforeEach(() => {
      lines = [];
      deps = { ...deps, allow: [server.hostPort, new URL(fixtures.origin).host], log: captured() };
    });

    it('while waiting for a gate slot, after the probe: the connection closes and no ffmpeg starts', async () => {
      const gate = new OpenGate({ limit: 1, maxHoldMs: 60_000 });
      const first = new AbortController();
      // Probed, ffmpeg running, no audio yet: it holds the only slot.
      const holder = open({ url: fixtures.url(`trickle/${name('mp3')}`), signal: first.signal }, { gate });
      await waitFor('the first open to hold the slot with its ffmpeg', () => gate.inFlight === 1 && ffmpeg.count === 1);
      const second = new AbortController();
      const queued = open({ url: fixtures.url(`trickle/${name('wav')}`), signal: second.signal }, { gate });
      // DNS, the request and the probe run without a slot; only then does it queue.
      await waitFor('the second open to queue after its probe', () => gate.waiting === 1);
      assert.equal(fixtures.openConnections(), 2);
      second.abort();
      assert.deepEqual(await queued, { kind: 'cancelled' });
      assert.ok(cancelledIn(/cancelled while waiting for a slot/));
      assert.equal(gate.waiting, 0);
      assert.equal(ffmpeg.started, 1, 'the queued open started no ffmpeg');
      await waitFor('its connection to close', () => fixtures.openConnections() === 1, { timeoutMs: 1000 });
      first.abort();
      assert.deepEqual(await holder, { kind: 'cancelled' });
      assert.equal(gate.inFlight, 0);
      await released();
    });

    it('a queued open goes on when the slot is given back', async () => {
      const gate = new OpenGate({ limit: 1, maxHoldMs: 60_000 });
      const first = new AbortController();
      const holder = open({ url: fixtures.url(`trickle/${name('mp3')}`), signal: first.signal }, { gate });
      await waitFor('the first open to hold the slot', () => gate.inFlight === 1 && ffmpeg.count === 1);
      const queued = open({ url: server.url('/tone/ogg-opus') }, { gate });
      await waitFor('the second open to queue', () => gate.waiting === 1);
      first.abort();
      assert.deepEqual(await holder, { kind: 'cancelled' });
      const outcome = await queued;
      assertPlaying(outcome);
      assert.equal(gate.inFlight, 0, 'the slot is given back once the track plays');
      assertDuration(await collect(outcome.stream), 2000);
    });

    it('during DNS: the resolver is cancelled and nothing is connected', async () => {
      dns.silent.add('slow-dns.test');
      const before = fixtures.requests.length;
      const abort = new AbortController();
      const pending = open(
        { url: `http://slow-dns.test:${fixtures.port}/${name('mp3')}`, signal: abort.signal },
        { allow: [`slow-dns.test:${fixtures.port}`], lookup: dnsLookup({ servers: [dns.server], tryTimeoutMs: 5000, timeoutMs: 10_000 }) },
      );
      await waitFor('the DNS queries', () => dns.queries.some((q) => q.startsWith('slow-dns.test')));
      abort.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
      assert.equal(fixtures.requests.length, before);
      await released();
    });

    it('connected, before the response headers', async () => {
      const abort = new AbortController();
      const pending = open({ url: fixtures.url(`slow/${name('mp3')}`), signal: abort.signal });
      await waitFor('the request to arrive', () => requested('/slow/') && fixtures.openConnections() === 1);
      abort.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
      assert.ok(cancelledIn(/cancelled before the response/));
      await released();
    });

    it('during a slow response body, while the probe waits for bytes', async () => {
      const head = readFileSync(tones.get('ogg-opus') ?? '').subarray(0, 10);
      let sent = false;
      server.route('/slow-body', (_req, res) => {
        res.writeHead(200, { 'content-type': 'audio/ogg', 'content-length': '100000' });
        res.write(head, () => void (sent = true));
      });
      const abort = new AbortController();
      const pending = open({ url: server.url('/slow-body'), signal: abort.signal });
      await waitFor('the first bytes to be sent', () => sent && server.openConnections() === 1);
      abort.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
      assert.ok(cancelledIn(/cancelled during the probe/));
      assert.equal(ffmpeg.started, 0);
      await released();
    });

    it('after ffmpeg spawned, before its first audio', async () => {
      const abort = new AbortController();
      const pending = open({ url: fixtures.url(`trickle/${name('mp3')}`), signal: abort.signal });
      await waitFor('ffmpeg to run', () => ffmpeg.count === 1 && ffmpegChildren().length === 1);
      abort.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
      assert.ok(cancelledIn(/cancelled before the first audio/));
      await released();
    });

    it('passthrough, while the demuxer waits for its first packet', async () => {
      const abort = new AbortController();
      const pending = open({ url: fixtures.url(`trickle/${name('ogg-opus')}`), signal: abort.signal });
      await waitFor('the demuxer to be set up', () => lines.some((l) => l.msg === 'passing through'));
      assert.equal(fixtures.openConnections(), 1);
      abort.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
      assert.ok(cancelledIn(/cancelled before the first audio/));
      assert.equal(ffmpeg.started, 0);
      await released();
    });

    it('an aborted signal opens nothing, and an abort after `playing` leaves the track to close()', async () => {
      const aborted = new AbortController();
      aborted.abort();
      const before = fixtures.requests.length;
      assert.deepEqual(await open({ url: fixtures.url(name('mp3')), signal: aborted.signal }), { kind: 'cancelled' });
      assert.equal(fixtures.requests.length, before);

      const later = new AbortController();
      const outcome = await open({ url: server.url('/tone/ogg-opus'), signal: later.signal });
      assertPlaying(outcome);
      later.abort();
      assertDuration(await collect(outcome.stream), 2000);
      assert.deepEqual(await outcome.done, { kind: 'finished' });
    });
  });
});
