/**
 * One play's audio, frame by frame: what the frame clock prepares and sends for it. Its state is one
 * discriminated union changed in one place (`to`):
 *
 *   opening → playing ⇄ holding → silence → ended
 *
 * - holding: voice is not ready (no sink, or a sink that cannot send): no packet is read, so the
 *   position does not advance, and the audio goes on where it stopped once voice is back.
 * - silence: five Opus silence frames (F8 FF FE), as Discord asks after audio, then speaking off.
 *   Sent at the end of a track and on stop; skipped when voice is not ready to send them.
 *
 * Position: 20 ms per audio packet sent, counted from the request's startMs (offset 0).
 */
import type { Clock } from '../../clock';
import type { AudioSink } from './contract';
import type { FrameSubscriber } from './frame-clock';

/** A frame sent this long after the previous frame of its play counts as late (two frame periods). */
export const LATE_FRAME_MS = 40;

/** Frames of silence sent when audio ends or stops. */
export const SILENCE_FRAMES = 5;

/** One Opus silence frame. Shared and never written to. */
export const SILENCE_FRAME: Buffer = Buffer.from([0xf8, 0xff, 0xfe]);

const PACKET_MS = 20;

/** What the audio is read from: an object-mode Readable of Opus packets (OpenOutcome.stream). */
export interface PacketSource {
  read(): unknown;
  readonly readableEnded: boolean;
  readonly destroyed: boolean;
}

/** Why the audio left the speaker: it ran out, or it was stopped. */
export type AudioEnd = 'exhausted' | 'stopped';

/** Counters shared by every play of an engine: plain numbers, read at scrape time. */
export interface AudioCounters {
  framesSent: number;
  framesLate: number;
  /** Ticks where a play had no packet yet although its stream had not ended. */
  underruns: number;
  /** The longest gap between two frames of one play since the engine last reset it. */
  longestGapMs: number;
}

export function newAudioCounters(): AudioCounters {
  return { framesSent: 0, framesLate: 0, underruns: 0, longestGapMs: 0 };
}

export interface TrackAudioEvents {
  /** The first audio packet of the play left. */
  firstPacket(): void;
  /** The play is off the speaker (after its silence frames, where voice could take them). Called once. */
  ended(how: AudioEnd): void;
}

export type TrackAudioState =
  | { readonly kind: 'opening' }
  | { readonly kind: 'playing'; readonly source: PacketSource }
  | { readonly kind: 'holding'; readonly source: PacketSource }
  | { readonly kind: 'silence'; readonly left: number; readonly how: AudioEnd }
  | { readonly kind: 'ended'; readonly how: AudioEnd };

/** What is prepared for the next dispatch. */
type Prepared = 'none' | 'audio' | 'silence';

export class TrackAudio implements FrameSubscriber {
  private current: TrackAudioState = { kind: 'opening' };
  private sink: AudioSink | undefined;
  private prepared: Prepared = 'none';
  private sentPackets = 0;
  private firstSent = false;
  /** When the last frame of this play left; undefined after opening or holding (the next is never late). Kept out of the state so a frame allocates nothing. */
  private lastSentAt: number | undefined;
  private speakingOn = false;

  constructor(
    private readonly clock: Clock,
    private readonly counters: AudioCounters,
    private readonly events: TrackAudioEvents,
  ) {}

  get state(): TrackAudioState {
    return this.current;
  }

  /** Milliseconds of audio sent, from the play's startMs. */
  positionMs(): number {
    return this.sentPackets * PACKET_MS;
  }

  /** Sending audio now (not opening, holding or ending). */
  sending(): boolean {
    return this.current.kind === 'playing';
  }

  /** The open succeeded: audio starts with the next tick where voice is ready. */
  start(source: PacketSource): void {
    if (this.current.kind === 'opening') this.to({ kind: 'holding', source });
  }

  /** The sink to send through (undefined: no voice now). Anything prepared for the old one is dropped. */
  attach(sink: AudioSink | undefined): void {
    this.sink = sink;
    this.prepared = 'none';
    this.speakingOn = false;
  }

  /** Ends the audio with five silence frames (or at once without voice, or while opening). Idempotent. */
  stop(): void {
    switch (this.current.kind) {
      case 'opening':
        this.to({ kind: 'ended', how: 'stopped' });
        return;
      case 'playing':
      case 'holding':
        this.to(this.voiceReady() ? { kind: 'silence', left: SILENCE_FRAMES, how: 'stopped' } : { kind: 'ended', how: 'stopped' });
        return;
      case 'silence':
      case 'ended':
        return;
    }
  }

  /** Ends the audio at once, without silence frames (the connection goes too). Idempotent. */
  stopNow(): void {
    const s = this.current;
    if (s.kind === 'ended') return;
    this.to({ kind: 'ended', how: s.kind === 'silence' ? s.how : 'stopped' });
  }

  dispatch(): void {
    const what = this.prepared;
    if (what === 'none') return;
    this.prepared = 'none';
    const sink = this.sink;
    if (sink === undefined) return;
    const s = this.current;
    if (what === 'audio' && s.kind === 'playing') {
      if (!this.speakingOn) {
        this.speakingOn = true;
        sink.speaking(true);
      }
      if (!sink.dispatch()) return;
      const at = this.clock.monotonic();
      this.sentPackets++;
      this.counters.framesSent++;
      if (this.lastSentAt !== undefined) {
        const gap = at - this.lastSentAt;
        if (gap > LATE_FRAME_MS) this.counters.framesLate++;
        if (gap > this.counters.longestGapMs) this.counters.longestGapMs = gap;
      }
      this.lastSentAt = at;
      if (!this.firstSent) {
        this.firstSent = true;
        this.events.firstPacket();
      }
      return;
    }
    if (what === 'silence' && s.kind === 'silence') {
      sink.dispatch();
      if (s.left <= 0) {
        this.speakingOn = false;
        sink.speaking(false);
        this.to({ kind: 'ended', how: s.how });
      }
    }
  }

  prepare(): boolean {
    if (this.prepared !== 'none') return false;
    const s = this.current;
    switch (s.kind) {
      case 'opening':
      case 'ended':
        return false;
      case 'holding':
        if (!this.voiceReady()) return false;
        this.to({ kind: 'playing', source: s.source });
        return this.prepare();
      case 'playing':
        return this.preparePlaying(s);
      case 'silence':
        if (!this.voiceReady()) {
          this.to({ kind: 'ended', how: s.how });
          return false;
        }
        this.sink?.prepare(SILENCE_FRAME);
        this.prepared = 'silence';
        this.current = { kind: 'silence', left: s.left - 1, how: s.how };
        return true;
    }
  }

  private preparePlaying(s: Extract<TrackAudioState, { kind: 'playing' }>): boolean {
    const sink = this.sink;
    if (sink === undefined || !sink.ready()) {
      this.to({ kind: 'holding', source: s.source });
      return false;
    }
    const packet = s.source.read();
    if (Buffer.isBuffer(packet)) {
      sink.prepare(packet);
      this.prepared = 'audio';
      return true;
    }
    if (s.source.readableEnded || s.source.destroyed) {
      this.to({ kind: 'silence', left: SILENCE_FRAMES, how: 'exhausted' });
      return this.prepare();
    }
    // An underrun: nothing to send this tick, and the stream has more to come.
    // Known limit: a Readable says it ended (readableEnded) only once a read() found it empty, in the
    // next turn, so the end of every track counts one underrun and its silence starts a tick later.
    this.counters.underruns++;
    return false;
  }

  private voiceReady(): boolean {
    return this.sink !== undefined && this.sink.ready();
  }

  /** The one transition point. */
  private to(next: TrackAudioState): void {
    const was = this.current;
    if (was.kind === 'ended') return;
    this.current = next;
    if (next.kind === 'playing') this.lastSentAt = undefined;
    if (next.kind === 'ended') {
      this.prepared = 'none';
      this.events.ended(next.how);
    }
  }
}
