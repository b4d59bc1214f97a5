import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack, type OpenOutcome, type OpenTrackDeps } from '../../src/media/open-track';
import { parseOriginOverrides } from '../../src/media/origins';
import { FfmpegProcesses } from '../../src/media/transcode';
import { silentLogger } from '../../src/log';
import { startFixtureServer, type FixtureRequest, type FixtureServer } from '../../src/sandbox/fixtures/server';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { waitFor } from '../support/wait';
import { collect, ffmpegChildren } from './support';
import { firstByte, providerOf, toneOf, totalMs } from './plan-support';

type Playing = Extract<OpenOutcome, { kind: 'playing' }>;

function assertPlaying(outcome: OpenOutcome): asserts outcome is Playing {
  assert.equal(outcome.kind, 'playing', outcome.kind === 'unplayable' ? `unplayable: ${outcome.reason}` : outcome.kind);
}

function assertAbout(ms: number, expectedMs: number, what: string): void {
  assert.ok(Math.abs(ms - expectedMs) <= 1000, `${what}: expected about ${expectedMs} ms, got ${ms} ms`);
}

describe('media/openTrack with file plans', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-file-plan-'));
  const ffmpegPath = resolveFfmpeg(process.env).path;
  let mp3: string;
  let wav: string;
  let server: FixtureServer;
  let ffmpeg: FfmpegProcesses;
  // Requests of the running test only: the log is the server's, from its start.
  let seen = 0;
  const recent = (): FixtureRequest[] => server.requests.slice(seen);
  let deps: OpenTrackDeps;
  const opened: Playing[] = [];
  const open = async (...args: Parameters<typeof openTrack>): Promise<OpenOutcome> => {
    const outcome = await openTrack(...args);
    if (outcome.kind === 'playing') opened.push(outcome);
    return outcome;
  };

  before(async function () {
    this.timeout(120_000);
    mp3 = await makeTone({ hz: 330, durationMs: 60_000, format: 'mp3', dir });
    wav = await makeTone({ hz: 330, durationMs: 10_000, format: 'wav', dir });
    server = await startFixtureServer({ dir });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ffmpeg = new FfmpegProcesses();
    deps = { allow: [new URL(server.origin).host], ffmpegPath, log: silentLogger, ffmpeg };
    seen = server.requests.length;
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) o.close();
    await waitFor('no ffmpeg left running', () => ffmpeg.count === 0 && ffmpegChildren().length === 0);
  });

  it('an MP3 resumed at 45 s of 60 s reads its head, then a Range from the TOC estimate, and plays from the position', async () => {
    const size = statSync(mp3).size;
    const plan = providerOf({ kind: 'file', url: server.url(path.basename(mp3)), durationMs: 60_000, contentLength: size });
    const outcome = await open({ url: 'u', plan: plan.provide, startMs: 45_000 }, deps);
    assertPlaying(outcome);
    const packets = await collect(outcome.stream);
    assertAbout(totalMs(packets), 15_000, 'audio from 45 s');
    assert.equal(Math.round(toneOf(packets) ?? 0), 330);
    const asked = recent().map(firstByte);
    assert.equal(asked.length, 2);
    assert.equal(asked[0], 0, 'the head');
    assert.ok((asked[1] ?? 0) > size * 0.7, `the rest from byte ${asked[1]} of ${size}`);
  });

  it('a plain link with a known duration seeks the same way, its size taken from Content-Range', async () => {
    const outcome = await open({ url: server.url(path.basename(mp3)), durationMs: 60_000, startMs: 30_000 }, deps);
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 30_000, 'audio from 30 s');
    const rest = recent()[1];
    assert.ok(rest !== undefined && firstByte(rest) > 0, 'the rest is a Range from past the start');
  });

  it('a WAV (no estimate) downloads from the start and ffmpeg drops the past', async () => {
    const outcome = await open({ url: 'u', plan: providerOf({ kind: 'file', url: server.url(path.basename(wav)), durationMs: 10_000 }).provide, startMs: 4000 }, deps);
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 6000, 'audio from 4 s');
    assert.equal(recent().at(-1)?.range, undefined, 'the last request is the whole file');
  });

  it('HIQTY_SERVICE_ORIGINS reaches every fetch: a service host is sent to the fixture server', async () => {
    const parsed = parseOriginOverrides(`media.example.com=${server.origin}`);
    assert.ok('ok' in parsed);
    const outcome = await open({ url: 'u', plan: providerOf({ kind: 'file', url: `https://media.example.com/${path.basename(mp3)}` }).provide }, { ...deps, overrides: parsed.ok });
    assertPlaying(outcome);
    assertAbout(totalMs(await collect(outcome.stream)), 60_000, 'the whole file');
  });
});
