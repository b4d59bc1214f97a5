/**
 * The voice engine's contract: what runs the audio of a set of guilds in one thread (the main thread
 * when HIQTY_VOICE_WORKERS=0, else one voice worker each). The main thread speaks to an engine only in
 * commands and hears from it only in events, both plain data, so the same engine runs behind a direct
 * call or behind a MessagePort (src/voice/worker). No audio packet ever crosses threads: the engine
 * fetches, demuxes (or runs the one ffmpeg), packetizes, encrypts and sends by itself.
 *
 * Ids: `join` counts a guild's joins and `play` its plays, both chosen by the main thread and
 * increasing. Every event names the join or play it is about, so a late event about an old connection
 * or an old play is recognised and ignored.
 */
import type { DiscordGatewayAdapterCreator, VoiceConnection } from '@discordjs/voice';
import type { Clock } from '../../clock';
import type { Logger } from '../../log';
import type { OpenOutcome, TrackRequest } from '../../media/open-track';
import type { PlanOutcome } from '../../media/plan';
import type { Filters } from '../../filters';
import type { LinkState, OpenResult, PlayEnd } from '../port';

/** A play's media request without its plan provider: `planned` says the main thread holds one (asked with `plan`). */
export interface EnginePlayRequest {
  readonly url: string;
  readonly startMs: number;
  readonly volumePercent: number;
  /** Absent: none. */
  readonly filters?: Filters;
  readonly isLive: boolean;
  readonly durationMs?: number;
  readonly planned: boolean;
}

export type EngineCommand =
  | { readonly type: 'join'; readonly guild: string; readonly join: number; readonly channelId: string }
  | { readonly type: 'play'; readonly guild: string; readonly play: number; readonly request: EnginePlayRequest }
  /** Stops a play: cancels its open, or ends it with five silence frames. A stop of an older play is ignored. */
  | { readonly type: 'stop'; readonly guild: string; readonly play: number }
  /** Destroys the connection without a leave payload. The play (if any) holds until a connection is ready again. */
  | { readonly type: 'drop'; readonly guild: string }
  /** Destroys the connection with the leave payload. */
  | { readonly type: 'leave'; readonly guild: string }
  /** Stops the play at once and drops the connection; the engine forgets the guild. */
  | { readonly type: 'close'; readonly guild: string }
  /** The main thread's answer to a `plan` event. */
  | { readonly type: 'plan-answer'; readonly id: number; readonly outcome: PlanOutcome };

/** Counters since the engine started, read (not pushed per frame) by the metrics at scrape time. */
export interface EngineStats {
  /** Guilds the engine holds, and plays sending audio now. */
  readonly guilds: number;
  readonly playing: number;
  readonly framesSent: number;
  /** Frames sent more than LATE_FRAME_MS after the previous one of their play. */
  readonly framesLate: number;
  /** 20 ms ticks run, and ticks whose deadline passed before they could run (skipped, not piled up). */
  readonly ticks: number;
  readonly ticksMissed: number;
  /** Packets prepared (read, DAVE-encrypted, transport-encrypted) and the time that took, in µs. */
  readonly packetsPrepared: number;
  readonly prepareMicros: number;
  /** Time spent sending prepared packets, in µs. */
  readonly dispatchMicros: number;
  /** The longest gap between two frames of any play within the last STATS_REPORT_MS, in ms (a gauge, not a counter). */
  readonly longestGapMs: number;
  /** ffmpeg processes alive in this engine's thread. */
  readonly ffmpegProcesses: number;
}

export type EngineEvent =
  /** A join's connection changed. `gone`: destroyed (dropped, left, or failed for good). */
  | { readonly type: 'link'; readonly guild: string; readonly join: number; readonly channelId: string; readonly state: LinkState | 'gone' }
  | { readonly type: 'opened'; readonly guild: string; readonly play: number; readonly result: OpenResult }
  | { readonly type: 'first-packet'; readonly guild: string; readonly play: number }
  | { readonly type: 'ended'; readonly guild: string; readonly play: number; readonly end: PlayEnd }
  /** Where every play stands, sent every POSITION_REPORT_MS while any play sends audio. */
  | { readonly type: 'positions'; readonly entries: ReadonlyArray<{ readonly guild: string; readonly play: number; readonly positionMs: number }> }
  /** Asks the main thread for a play's stream plan (the source's API calls and tokens live there). Answered with `plan-answer`. */
  | { readonly type: 'plan'; readonly id: number; readonly guild: string; readonly play: number; readonly attempt: number }
  /** Answers a stats request of the host (src/voice/engine/host.ts), and comes every STATS_REPORT_MS from a worker. */
  | { readonly type: 'stats'; readonly stats: EngineStats };

/** Default period of `positions` events: well inside the 500 ms checkpoint period. */
export const POSITION_REPORT_MS = 200;
/** Default period of `stats` events from a voice worker. */
export const STATS_REPORT_MS = 1000;

/** What an engine needs from the thread it runs in. */
export interface EngineDeps {
  /**
   * The gateway adapter of a guild: discord.js's own in the main thread, a proxy over the worker's
   * port in a worker. The engine wraps it in the voice gate (src/discord/voice-gate.ts), so
   * @discordjs/voice never joins or leaves on its own initiative.
   */
  adapterFor(guild: string): DiscordGatewayAdapterCreator;
  /** Opens a track's media (src/media trackOpener, with this thread's gate of HIQTY_MAX_OPENING). */
  openTrack(request: TrackRequest): Promise<OpenOutcome>;
  /** The ffmpeg processes openTrack runs (the registry given to it), counted in the engine's stats. */
  readonly ffmpeg: { readonly count: number };
  /** Makes the sink that packetizes and sends for one ready connection (src/voice/engine/sink.ts). */
  readonly sinks: SinkFactory;
  readonly clock: Clock;
  readonly log: Logger;
  /** Receives every event; must not throw. */
  emit(event: EngineEvent): void;
}

export interface Engine {
  handle(command: EngineCommand): void;
  stats(): EngineStats;
  /** Closes every guild (no leave payloads) and stops the frame clock. */
  close(): void;
}

/**
 * Where one ready connection's packets are built and sent. `prepare` builds the packet for the next
 * frame (RTP header, DAVE, transport encryption); `dispatch` sends what was prepared. The frame clock
 * dispatches every prepared packet first and prepares the next ones after, so a tick's sends are never
 * behind the preparing of the others.
 */
export interface AudioSink {
  /** The connection can send (its networking is ready). */
  ready(): boolean;
  /** Builds the packet for the next frame; replaces one prepared and not yet dispatched. */
  prepare(opus: Buffer): void;
  /** Sends the prepared packet; false when there was none or the connection could not send. */
  dispatch(): boolean;
  /** The speaking flag (op 5), sent only when it changes. */
  speaking(on: boolean): void;
}

export type SinkFactory = (connection: VoiceConnection) => AudioSink;
