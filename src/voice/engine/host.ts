/**
 * Where an engine runs, as the main thread sees it: a place to send commands and hear events from.
 * src/voice/local-host.ts runs an engine in this thread (HIQTY_VOICE_WORKERS=0); src/voice/worker runs
 * one per voice worker and restarts a worker that dies. src/voice/hosted-port.ts implements the
 * Player's VoicePort over a set of hosts, each guild on the least-loaded one.
 */
import type { EngineCommand, EngineEvent, EngineStats } from './contract';

export interface EngineHost {
  /** Names the host in logs and metrics ("main", "worker-0"). */
  readonly name: string;
  /** Commands sent while the engine restarts are dropped: the guilds they are about were reported lost. */
  send(command: EngineCommand): void;
  /** Events arrive in order, always asynchronously (never inside `send`). */
  onEvent(listener: (event: EngineEvent) => void): void;
  /**
   * The engine died and a new one took its place, holding nothing: every guild this host held is gone
   * (its connection and its play). Called once per death, after the death was logged and counted.
   */
  onRestart(listener: () => void): void;
  /** The engine's last reported counters, summed over its lives (a restart does not reset a counter). */
  stats(): EngineStats;
  /** Engine restarts so far. */
  restarts(): number;
  /** Closes the engine (every guild dropped without a leave payload). */
  close(): Promise<void>;
}

export const EMPTY_STATS: EngineStats = {
  guilds: 0,
  playing: 0,
  framesSent: 0,
  framesLate: 0,
  ticks: 0,
  ticksMissed: 0,
  packetsPrepared: 0,
  prepareMicros: 0,
  dispatchMicros: 0,
  longestGapMs: 0,
  ffmpegProcesses: 0,
};
