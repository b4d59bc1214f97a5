/**
 * Per-guild listener of the sandbox: counts and times every RTP packet a guild receives and, on a
 * sample of 200 ms windows, decodes the Opus audio to find which tone (track) is playing.
 *
 * The hot path (`onPacket`) runs 10,000 times a second under load, so it allocates nothing except
 * when it records a gap or closes a window, and decoding happens per window, never per packet.
 */
import type { AudioGap, AudioPacketEvent, FrequencyWindow, GuildAudioStats, ToneSegment } from './types';
import type { DecodeRate } from './opus-decoder';
import { toneEngine, type FrameSource, type ToneEngine } from './tone-engine';

export type DecodeEvery = 'all' | 'none' | { readonly windowsOutOf: number };

export interface MonitorOptions {
  /**
   * Which windows are decoded: all, none (counts and timing only) or the first window of every
   * run (a run is the audio between track ends and holes) and then every n-th. Counting and
   * timing always cover every packet.
   */
  readonly decodeEvery?: DecodeEvery;
  /** Inter-arrival time above which a gap is recorded and a run ends. Default 60 ms. */
  readonly gapThresholdMs?: number;
  /** Two sessions' audio this close together counts as overlap. Default 100 ms. */
  readonly overlapWindowMs?: number;
  /** Frames per analysis window. Default 10 (200 ms of 20 ms frames). */
  readonly windowFrames?: number;
  /** A window cut short by a track end or hole is analysed only if it has this many frames. Default 5. */
  readonly minWindowFrames?: number;
  /** Frames decoded before a window so the decoder state has settled. Default 2. */
  readonly warmupFrames?: number;
  /** Consecutive windows within this many hertz form one segment. Default 10. */
  readonly toneToleranceHz?: number;
  /** Opus decodes straight to this rate; 12 kHz covers tones up to 6 kHz at a fraction of the cost. */
  readonly decodeRate?: DecodeRate;
  /** RMS (-1..1) under which a decoded window is silence. Default 0.002. */
  readonly minRms?: number;
  /** Retention caps so a long soak cannot grow memory without bound (oldest entries dropped). */
  readonly maxWindows?: number;
  readonly maxGaps?: number;
}

/** FrequencyWindow plus what the monitor knows about it. */
export interface MonitorWindow extends FrequencyWindow {
  /** Arrival of the last frame plus one frame duration. */
  readonly endMs: number;
  readonly frames: number;
  /** False when sampling skipped it, it was too short, or decoding failed. */
  readonly decoded: boolean;
  readonly rms: number | undefined;
}

/** GuildAudioStats plus the monitor's own diagnostics. */
export interface MonitorStats extends GuildAudioStats {
  readonly windows: readonly MonitorWindow[];
  readonly decodeErrors: number;
  /** Of `frames`, those counted from their RTP header alone (sampled verification): not decrypted, not decoded. */
  readonly unverifiedFrames: number;
  /** Audio frames of the guild sent by sessions already marked stale, per session. */
  readonly staleBySession: Readonly<Record<string, number>>;
  /**
   * When each session's last packet of any kind arrived (audio, silence or stale, monotonic ms): what
   * tests use to prove an instance that lost a guild stopped sending, even into a voice it no longer owns.
   */
  readonly lastPacketBySession: Readonly<Record<string, number>>;
}

const SILENCE_0 = 0xf8;
const SILENCE_1 = 0xff;
const SILENCE_2 = 0xfe;
const SILENCE_BYTES = 3;
/** opusscript's largest accepted packet; frames above it are counted but not decodable. */
const SLOT_BYTES = 3828;
const FRAME_MS = 20;

function isSilenceFrame(opus: Buffer): boolean {
  return opus.length === 3 && opus[0] === SILENCE_0 && opus[1] === SILENCE_1 && opus[2] === SILENCE_2;
}

interface SegmentState {
  hzSum: number;
  decodedWindows: number;
  readonly sessionId: string;
  startMs: number;
  endMs: number;
  frames: number;
  /** The run of the last window added; pending windows of a later run may belong to a new track. */
  lastRunId: number;
}

interface PendingWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly frames: number;
  readonly runId: number;
}

/** What the monitor tracks per bot session sending into the guild. */
class SessionTrack implements FrameSource {
  frames = 0;
  silence = 0;
  stale = 0;
  lastAudioAtMs: number | undefined;
  lastPacketAtMs: number | undefined;
  ssrc: number | undefined;

  readonly store: Buffer;
  readonly slotBytes = SLOT_BYTES;
  readonly lengths: Uint16Array;
  private readonly slots: number;
  /** Frames written to the ring since it was created. */
  written = 0;
  /** How many of the latest frames are in the ring, unbroken: warm-up may only use those. */
  kept = 0;
  /** Where the current decode burst starts, as a `written` count. */
  private burstStart = 0;

  runId = 0;
  runWindowIndex = 0;
  winFrames = 0;
  /** Frames of the open window that were not decrypted: such a window is never decoded. */
  winUnverified = 0;
  winStartMs = 0;
  winLastMs = 0;

  open: SegmentState | undefined;
  pending: PendingWindow[] = [];

  constructor(
    readonly sessionId: string,
    slots: number,
  ) {
    this.slots = slots;
    this.store = Buffer.alloc(slots * SLOT_BYTES);
    this.lengths = new Uint16Array(slots);
  }

  keep(opus: Buffer): void {
    const slot = this.written % this.slots;
    if (opus.length <= SLOT_BYTES) {
      opus.copy(this.store, slot * SLOT_BYTES);
      this.lengths[slot] = opus.length;
    } else {
      this.lengths[slot] = 0;
    }
    this.written += 1;
    this.kept += 1;
  }

  skip(): void {
    this.written += 1;
    this.kept = 0;
  }

  /** Points the burst at the last `count` frames written. */
  beginBurst(count: number): void {
    this.burstStart = this.written - count;
  }

  slot(i: number): number {
    return (this.burstStart + i) % this.slots;
  }
}

export class GuildAudioMonitor {
  private readonly decodeEvery: DecodeEvery;
  private readonly gapThresholdMs: number;
  private readonly overlapWindowMs: number;
  private readonly windowFrames: number;
  private readonly minWindowFrames: number;
  private readonly warmupFrames: number;
  private readonly toneToleranceHz: number;
  private readonly decodeRate: DecodeRate;
  private readonly minRms: number;
  private readonly maxWindows: number;
  private readonly maxGaps: number;

  private engine: ToneEngine | undefined;
  private decoderAcquired = false;

  private frames = 0;
  private silenceFrames = 0;
  private stalePackets = 0;
  private decryptFailures = 0;
  private unverified = 0;
  private decodeErrors = 0;
  private overlap = 0;
  /** The current run of overlapping packets (first and last packet time) and the longest run so far. */
  private overlapRun: { startMs: number; lastMs: number } | undefined;
  private longestOverlapMs = 0;
  private firstAtMs: number | undefined;
  private lastAtMs: number | undefined;
  private gaps: AudioGap[] = [];
  private windows: MonitorWindow[] = [];
  private segments: SegmentState[] = [];
  private readonly sessions = new Map<string, SessionTrack>();
  /** Same objects as `sessions`, as an array so the per-packet overlap scan needs no iterator. */
  private sessionList: SessionTrack[] = [];

  constructor(
    readonly guildId: string,
    options: MonitorOptions = {},
  ) {
    this.decodeEvery = options.decodeEvery ?? 'all';
    if (typeof this.decodeEvery === 'object' && !(Number.isInteger(this.decodeEvery.windowsOutOf) && this.decodeEvery.windowsOutOf >= 1)) {
      throw new RangeError(`decodeEvery.windowsOutOf must be a positive integer, got ${this.decodeEvery.windowsOutOf}`);
    }
    this.gapThresholdMs = options.gapThresholdMs ?? 60;
    this.overlapWindowMs = options.overlapWindowMs ?? 100;
    this.windowFrames = options.windowFrames ?? 10;
    this.minWindowFrames = Math.min(options.minWindowFrames ?? 5, this.windowFrames);
    this.warmupFrames = options.warmupFrames ?? 2;
    this.toneToleranceHz = options.toneToleranceHz ?? 10;
    this.decodeRate = options.decodeRate ?? 12000;
    this.minRms = options.minRms ?? 0.002;
    this.maxWindows = options.maxWindows ?? 20_000;
    this.maxGaps = options.maxGaps ?? 10_000;
  }

  onPacket(e: AudioPacketEvent): void {
    const opus = e.opus;
    const unverified = opus === undefined && e.unverifiedBytes !== undefined;
    if (opus === undefined && !unverified) {
      this.decryptFailures += 1;
      return;
    }
    const s = this.session(e.sessionId);
    s.lastPacketAtMs = e.receivedAtMs;
    if (e.stale) {
      this.stalePackets += 1;
      s.stale += 1;
      return;
    }
    const t = e.receivedAtMs;
    if (opus === undefined ? e.unverifiedBytes === SILENCE_BYTES : isSilenceFrame(opus)) {
      this.silenceFrames += 1;
      s.silence += 1;
      // @discordjs/voice sends silence when a track ends or pauses: the next audio is a new run.
      this.endRun(s);
      return;
    }

    this.frames += 1;
    s.frames += 1;
    if (opus === undefined) this.unverified += 1;
    if (this.lastAtMs !== undefined && t - this.lastAtMs > this.gapThresholdMs) {
      this.gaps.push({ atMs: t, ms: t - this.lastAtMs, sessionId: e.sessionId });
      if (this.gaps.length > this.maxGaps) this.gaps.shift();
    }
    this.firstAtMs ??= t;
    this.lastAtMs = t;

    const list = this.sessionList;
    for (let i = 0; i < list.length; i++) {
      const other = list[i];
      if (other === undefined || other === s || other.lastAudioAtMs === undefined) continue;
      if (Math.abs(t - other.lastAudioAtMs) <= this.overlapWindowMs) {
        this.overlap += 1;
        this.extendOverlapRun(t);
        break;
      }
    }

    if ((s.lastAudioAtMs !== undefined && t - s.lastAudioAtMs > this.gapThresholdMs) || (s.ssrc !== undefined && s.ssrc !== e.ssrc)) {
      this.endRun(s);
    }
    s.lastAudioAtMs = t;
    s.ssrc = e.ssrc;
    this.addToWindow(s, opus, t);
  }

  /**
   * Overlapping packets no further apart than the overlap window are one stretch of two sessions
   * sending at once; its length runs from its first to its last packet, plus one 20 ms frame.
   */
  private extendOverlapRun(t: number): void {
    const run = this.overlapRun;
    if (run === undefined || t - run.lastMs > this.overlapWindowMs) this.overlapRun = { startMs: t, lastMs: t };
    else run.lastMs = t;
    const current = this.overlapRun;
    if (current !== undefined) this.longestOverlapMs = Math.max(this.longestOverlapMs, current.lastMs - current.startMs + 20);
  }

  /** Closes every session's partial window so that `stats()` covers the last frames too. */
  flush(): void {
    for (const s of this.sessionList) this.closeWindow(s);
  }

  stats(): MonitorStats {
    const framesBySession: Record<string, number> = {};
    const staleBySession: Record<string, number> = {};
    const lastPacketBySession: Record<string, number> = {};
    for (const s of this.sessionList) {
      if (s.frames > 0) framesBySession[s.sessionId] = s.frames;
      if (s.stale > 0) staleBySession[s.sessionId] = s.stale;
      if (s.lastPacketAtMs !== undefined) lastPacketBySession[s.sessionId] = s.lastPacketAtMs;
    }
    const span = this.firstAtMs !== undefined && this.lastAtMs !== undefined ? this.lastAtMs - this.firstAtMs : 0;
    return {
      guildId: this.guildId,
      frames: this.frames,
      silenceFrames: this.silenceFrames,
      packetsPerSecond: span > 0 ? ((this.frames - 1) * 1000) / span : 0,
      firstPacketAtMs: this.firstAtMs,
      lastPacketAtMs: this.lastAtMs,
      gaps: this.gaps.slice(),
      windows: this.windows.slice(),
      segments: this.segmentView(),
      overlap: this.overlap,
      longestOverlapMs: this.longestOverlapMs,
      stalePackets: this.stalePackets,
      decryptFailures: this.decryptFailures,
      unverifiedFrames: this.unverified,
      decodeErrors: this.decodeErrors,
      framesBySession,
      staleBySession,
      lastPacketBySession,
    };
  }

  /** Forgets everything and frees the decoder share; the monitor can be used again afterwards. */
  reset(): void {
    this.frames = 0;
    this.silenceFrames = 0;
    this.stalePackets = 0;
    this.decryptFailures = 0;
    this.unverified = 0;
    this.decodeErrors = 0;
    this.overlap = 0;
    this.overlapRun = undefined;
    this.longestOverlapMs = 0;
    this.firstAtMs = undefined;
    this.lastAtMs = undefined;
    this.gaps = [];
    this.windows = [];
    this.segments = [];
    this.sessions.clear();
    this.sessionList = [];
    if (this.decoderAcquired && this.engine !== undefined) this.engine.decoder.release();
    this.decoderAcquired = false;
  }

  dispose(): void {
    this.reset();
  }

  private session(sessionId: string): SessionTrack {
    let s = this.sessions.get(sessionId);
    if (s === undefined) {
      s = new SessionTrack(sessionId, this.warmupFrames + this.windowFrames);
      this.sessions.set(sessionId, s);
      this.sessionList.push(s);
      if (this.decodeEvery !== 'none') this.toneEngine();
    }
    return s;
  }

  private selected(runWindowIndex: number): boolean {
    const every = this.decodeEvery;
    if (every === 'all') return true;
    if (every === 'none') return false;
    return runWindowIndex % every.windowsOutOf === 0;
  }

  private addToWindow(s: SessionTrack, opus: Buffer | undefined, t: number): void {
    if (s.winFrames === 0) {
      s.winStartMs = t;
      s.winUnverified = 0;
    }
    s.winLastMs = t;
    // Only frames of a window to be decoded, or the warm-up tail just before one, are copied.
    const inWindow = this.selected(s.runWindowIndex);
    const warmup = s.winFrames >= this.windowFrames - this.warmupFrames && this.selected(s.runWindowIndex + 1);
    if (opus === undefined) {
      // Not decrypted (sampled verification): the window cannot be decoded, the ring's run is broken.
      s.winUnverified += 1;
      s.skip();
    } else if (inWindow || warmup) s.keep(opus);
    else s.skip();
    s.winFrames += 1;
    if (s.winFrames >= this.windowFrames) this.closeWindow(s);
  }

  private endRun(s: SessionTrack): void {
    this.closeWindow(s);
    s.runId += 1;
    s.kept = 0;
    s.runWindowIndex = 0;
  }

  private closeWindow(s: SessionTrack): void {
    const count = s.winFrames;
    if (count === 0) return;
    let hz: number | undefined;
    let rms: number | undefined;
    let decoded = false;
    if (this.selected(s.runWindowIndex) && count >= this.minWindowFrames && s.winUnverified === 0) {
      const engine = this.toneEngine();
      const warmup = Math.max(0, Math.min(this.warmupFrames, s.kept - count));
      s.beginBurst(count + warmup);
      const verdict = engine.analyze(s, warmup, count);
      if (verdict.error !== undefined) this.decodeErrors += 1;
      decoded = verdict.decoded;
      hz = verdict.hz;
      rms = verdict.decoded ? verdict.rms : undefined;
    }
    const window: MonitorWindow = {
      startMs: s.winStartMs,
      endMs: s.winLastMs + FRAME_MS,
      hz,
      sessionId: s.sessionId,
      frames: count,
      decoded,
      rms,
    };
    this.windows.push(window);
    if (this.windows.length > this.maxWindows) this.windows.shift();
    this.updateSegments(s, window);
    s.winFrames = 0;
    s.runWindowIndex += 1;
  }

  private toneEngine(): ToneEngine {
    this.engine ??= toneEngine(this.decodeRate, this.windowFrames, this.minRms);
    if (!this.decoderAcquired) {
      this.engine.decoder.acquire();
      this.decoderAcquired = true;
    }
    return this.engine;
  }

  /**
   * Windows that were not decoded wait in `pending` until a decoded window tells which tone they
   * most likely carried: the open segment's if they are in the same run (no track end or hole in
   * between), otherwise the next segment's.
   */
  private updateSegments(s: SessionTrack, w: MonitorWindow): void {
    const runId = s.runId;
    if (!w.decoded) {
      s.pending.push({ startMs: w.startMs, endMs: w.endMs, frames: w.frames, runId });
      return;
    }
    const open = s.open;
    if (w.hz === undefined) {
      if (open !== undefined) this.absorbPending(s, open, (p) => p.runId === open.lastRunId);
      s.pending = [];
      s.open = undefined;
      return;
    }
    const hz = w.hz;
    if (open !== undefined && Math.abs(hz - open.hzSum / open.decodedWindows) <= this.toneToleranceHz) {
      this.absorbPending(s, open, () => true);
      extend(open, w.startMs, w.endMs, w.frames, runId);
      open.hzSum += hz;
      open.decodedWindows += 1;
      return;
    }
    if (open !== undefined) {
      this.absorbPending(s, open, (p) => p.runId === open.lastRunId);
    }
    const next: SegmentState = {
      hzSum: hz,
      decodedWindows: 1,
      sessionId: s.sessionId,
      startMs: w.startMs,
      endMs: w.endMs,
      frames: w.frames,
      lastRunId: runId,
    };
    for (const p of s.pending) extend(next, p.startMs, p.endMs, p.frames, runId);
    s.pending = [];
    s.open = next;
    this.segments.push(next);
  }

  private absorbPending(s: SessionTrack, into: SegmentState, belongs: (p: PendingWindow) => boolean): void {
    const rest: PendingWindow[] = [];
    for (const p of s.pending) {
      if (belongs(p)) extend(into, p.startMs, p.endMs, p.frames, p.runId);
      else rest.push(p);
    }
    s.pending = rest;
  }

  private segmentView(): ToneSegment[] {
    const view = this.segments.map((seg) => {
      let { startMs, endMs, frames } = seg;
      const s = this.sessions.get(seg.sessionId);
      if (s !== undefined && s.open === seg) {
        // Undecoded windows after the last decoded one, still in the same run, are this track's tail.
        for (const p of s.pending) {
          if (p.runId !== seg.lastRunId) continue;
          startMs = Math.min(startMs, p.startMs);
          endMs = Math.max(endMs, p.endMs);
          frames += p.frames;
        }
      }
      return { hz: seg.hzSum / seg.decodedWindows, sessionId: seg.sessionId, startMs, endMs, frames };
    });
    return view.sort((a, b) => a.startMs - b.startMs);
  }
}

function extend(seg: SegmentState, startMs: number, endMs: number, frames: number, runId: number): void {
  seg.startMs = Math.min(seg.startMs, startMs);
  seg.endMs = Math.max(seg.endMs, endMs);
  seg.frames += frames;
  seg.lastRunId = Math.max(seg.lastRunId, runId);
}
