/** Every voice join (op 4 with a channel) the bot's sessions send to the sandbox, with its arrival time. */
import type { Sandbox } from '../../src/sandbox';

export interface VoiceJoin {
  readonly guildId: string;
  readonly sessionId: string;
  readonly channelId: string;
  /** Monotonic ms (performance.now()), the clock of the sandbox's audio monitor. */
  readonly atMs: number;
}

export interface VoiceJoinLog {
  readonly all: readonly VoiceJoin[];
  /** Joins for a guild after a moment, optionally only from some sessions. */
  since(guildId: string, afterMs: number, sessions?: ReadonlySet<string>): VoiceJoin[];
}

export function recordVoiceJoins(sandbox: Sandbox, onJoin: (join: VoiceJoin) => void = () => {}): VoiceJoinLog {
  const all: VoiceJoin[] = [];
  sandbox.events.on('voice-join', (e) => {
    const join = { ...e, atMs: performance.now() };
    all.push(join);
    onJoin(join);
  });
  return {
    all,
    since: (guildId, afterMs, sessions) => all.filter((j) => j.guildId === guildId && j.atMs > afterMs && (sessions === undefined || sessions.has(j.sessionId))),
  };
}
