/**
 * Helpers for the tests of planned tracks: a fixture server with the hooks around it, plan providers that count
 * their attempts, outcome and tone checks, request ranges.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import OpusScript from 'opusscript';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { openTrack, type OpenOutcome, type OpenTrackDeps } from '../../src/media/open-track';
import type { PlanProvider, StreamPlan } from '../../src/media/plan';
import { opusPacketDurationMs } from '../../src/media/passthrough';
import { FfmpegProcesses } from '../../src/media/transcode';
import { silentLogger } from '../../src/log';
import { dominantFrequency } from '../../src/sandbox/audio/fft';
import { startFixtureServer, type FixtureRequest, type FixtureServer } from '../../src/sandbox/fixtures/server';
import { waitFor } from '../support/wait';
import { ffmpegChildren } from './support';

export type Playing = Extract<OpenOutcome, { kind: 'playing' }>;

export function assertPlaying(outcome: OpenOutcome): asserts outcome is Playing {
  assert.equal(outcome.kind, 'playing', outcome.kind === 'unplayable' ? `unplayable: ${outcome.reason}` : outcome.kind);
}

/** Runs `check` on an outcome that must be playing, then closes the track and waits for its end, whatever `check` did. */
export async function whilePlaying(outcome: OpenOutcome, check: (playing: Playing) => Promise<void>): Promise<void> {
  assertPlaying(outcome);
  try {
    await check(outcome);
  } finally {
    outcome.close();
    await outcome.done;
  }
}

/** ±1 s: the position a resume must hit. */
export function assertAbout(ms: number, expectedMs: number, what: string): void {
  assert.ok(Math.abs(ms - expectedMs) <= 1000, `${what}: expected about ${expectedMs} ms, got ${ms} ms`);
}

export interface PlanStage {
  /** The fixture server of the describe block, started once in its `before`. */
  readonly server: FixtureServer;
  /** The running test's deps: a fresh FfmpegProcesses, the server's host allowed. */
  readonly deps: OpenTrackDeps;
  readonly ffmpeg: FfmpegProcesses;
  /** Requests of the running test only: the log is the server's, from its start. */
  recent(): FixtureRequest[];
  /** openTrack with the running test's deps (and `extra` over them); a playing outcome is closed after the test. */
  open(request: Parameters<typeof openTrack>[0], extra?: Partial<OpenTrackDeps>): Promise<OpenOutcome>;
}

export interface PlanStageOptions {
  /** Makes the fixture files in the describe block's temporary folder, before the server starts on it. */
  fixtures(dir: string): Promise<void>;
  /** After each test, also wait until the server has no connection open. Default: false. */
  noConnectionsLeft?: boolean;
}

/**
 * Registers the hooks of a describe block that plays planned tracks from a fixture server: the fixtures and the
 * server once, fresh deps per test, and after each test every opened track closed and no ffmpeg left running.
 */
export function usePlanStage(name: string, options: PlanStageOptions): PlanStage {
  const dir = mkdtempSync(path.join(tmpdir(), `hiqty-${name}-`));
  const ffmpegPath = resolveFfmpeg(process.env).path;
  let server: FixtureServer | undefined;
  let ffmpeg = new FfmpegProcesses();
  let deps: OpenTrackDeps | undefined;
  let seen = 0;
  const opened: Playing[] = [];
  const started = (): FixtureServer => {
    if (server === undefined) throw new Error('the fixture server is not started (used outside a test?)');
    return server;
  };
  const currentDeps = (): OpenTrackDeps => {
    if (deps === undefined) throw new Error('no deps outside a test');
    return deps;
  };

  before(async function () {
    this.timeout(120_000);
    await options.fixtures(dir);
    server = await startFixtureServer({ dir });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    const s = started();
    ffmpeg = new FfmpegProcesses();
    deps = { allow: [new URL(s.origin).host], ffmpegPath, log: silentLogger, ffmpeg };
    seen = s.requests.length;
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) o.close();
    await waitFor('no ffmpeg left running', () => ffmpeg.count === 0 && ffmpegChildren().length === 0);
    if (options.noConnectionsLeft === true) await waitFor('no connection left open', () => started().openConnections() === 0);
  });

  return {
    get server() {
      return started();
    },
    get deps() {
      return currentDeps();
    },
    get ffmpeg() {
      return ffmpeg;
    },
    recent: () => started().requests.slice(seen),
    open: async (request, extra = {}) => {
      const outcome = await openTrack(request, { ...currentDeps(), ...extra });
      if (outcome.kind === 'playing') opened.push(outcome);
      return outcome;
    },
  };
}

export interface CountingProvider {
  readonly provide: PlanProvider;
  readonly attempts: number[];
}

/** Answers attempt n with plans[n] (the last one for any later attempt). */
export function providerOf(...plans: StreamPlan[]): CountingProvider {
  const attempts: number[] = [];
  return {
    attempts,
    provide: (attempt) => {
      attempts.push(attempt);
      const plan = plans[Math.min(attempt, plans.length - 1)];
      return Promise.resolve(plan === undefined ? { kind: 'failed', reason: 'no plan' } : { kind: 'plan', plan });
    },
  };
}

export function totalMs(packets: readonly Buffer[]): number {
  return packets.reduce((sum, p) => sum + opusPacketDurationMs(p), 0);
}

/** The dominant frequency of the first `ms` of the packets (48 kHz stereo Opus), decoded. */
export function toneOf(packets: readonly Buffer[], ms = 600): number | undefined {
  const decoder = new OpusScript(48000, 2);
  try {
    const pcm: Int16Array[] = [];
    let seen = 0;
    // The first packets after a cut carry the decoder's ramp-up: skip 100 ms.
    for (const p of packets) {
      const decoded = decoder.decode(p);
      seen += opusPacketDurationMs(p);
      if (seen <= 100) continue;
      const samples = new Int16Array(decoded.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = decoded.readInt16LE(i * 2);
      pcm.push(samples);
      if (seen >= ms + 100) break;
    }
    const all = new Int16Array(pcm.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of pcm) {
      all.set(a, at);
      at += a.length;
    }
    return dominantFrequency(all, 48000, { channels: 2 }).hz;
  } finally {
    decoder.delete();
  }
}

/** The first byte a logged request asked for (Range header or range= parameter); 0 without either. */
export function firstByte(request: FixtureRequest): number {
  const param = /[?&]range=(\d+)-/.exec(request.path);
  if (param !== null) return Number(param[1]);
  const header = /^bytes=(\d+)-/.exec(request.range ?? '');
  return header === null ? 0 : Number(header[1]);
}

/** The last byte asked for, inclusive; undefined for an open-ended request. */
export function lastByte(request: FixtureRequest): number | undefined {
  const m = /[?&]range=\d+-(\d+)/.exec(request.path) ?? /^bytes=\d+-(\d+)/.exec(request.range ?? '');
  return m === null ? undefined : Number(m[1]);
}
