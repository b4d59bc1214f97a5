/**
 * Everything DAVE the sandbox keeps per guild: the MLS call, its simulated listeners and the check
 * of what they hear. The voice gateway adds and removes bot connections; the UDP path hands every
 * frame through `receive`.
 */
import type { Logger } from '../../log';
import { snowflake } from '../snowflake';
import { DaveCall, type DaveCallStats, type DaveParticipant } from './call';
import { E2eeCheck, type E2eeCounts } from './e2ee-check';
import { DaveListener, type ListenerStats } from './listener';

export interface DaveTuning {
  /** Simulated human listeners put into each call. Default 1. */
  readonly listeners?: number;
  /** How long a listener waits before sending its commit (so that the bot usually commits first). Default 20 ms. */
  readonly listenerCommitDelayMs?: number;
  /** See DaveCallOptions. Defaults 3000 ms each. */
  readonly roundTimeoutMs?: number;
  readonly transitionTimeoutMs?: number;
}

export interface DaveGuildStats extends E2eeCounts, DaveCallStats {
  readonly listeners: readonly ListenerStats[];
}

/** The key a bot connection has in its call: what UDP packets are attributed to. */
export function botParticipantKey(sessionId: string, ssrc: number): string {
  return `bot:${sessionId}:${ssrc}`;
}

export class DaveGuildCall {
  readonly call: DaveCall;
  private readonly listeners: DaveListener[] = [];
  private readonly check = new E2eeCheck();

  constructor(
    readonly guildId: string,
    readonly channelId: string,
    private readonly botUserId: string,
    private readonly tuning: DaveTuning,
    private readonly log: Logger,
  ) {
    this.call = new DaveCall({
      channelId,
      log,
      roundTimeoutMs: tuning.roundTimeoutMs,
      transitionTimeoutMs: tuning.transitionTimeoutMs,
      onExecuted: (_id, members) => this.check.activate(members),
    });
    for (let i = 0; i < (tuning.listeners ?? 1); i++) this.addListener();
  }

  /** A new simulated human joins the call (a new epoch and transition follow); returns its user id. */
  addListener(): string {
    const listener = new DaveListener(snowflake(), this.channelId, this.call, this.log, this.tuning.listenerCommitDelayMs ?? 20);
    this.listeners.push(listener);
    this.call.join({ key: listener.key, userId: listener.userId, port: listener });
    return listener.userId;
  }

  /** A listener leaves (the oldest when no id is given); returns its user id. */
  removeListener(userId?: string): string | undefined {
    const i = userId === undefined ? 0 : this.listeners.findIndex((l) => l.userId === userId);
    const [listener] = i < 0 ? [] : this.listeners.splice(i, 1);
    if (!listener) return undefined;
    this.call.leave(listener.key);
    listener.dispose();
    return listener.userId;
  }

  listenerIds(): string[] {
    return this.listeners.map((l) => l.userId);
  }

  join(p: DaveParticipant): void {
    this.call.join(p);
  }

  leave(key: string): void {
    this.call.leave(key);
  }

  receive(senderKey: string, sequence: number, frame: Buffer): Buffer | undefined {
    return this.check.receive(senderKey, this.botUserId, sequence, frame, this.listeners);
  }

  stats(): DaveGuildStats {
    return { ...this.check.counts(), ...this.call.stats(), listeners: this.listeners.map((l) => l.stats()) };
  }

  resetCounts(): void {
    this.check.reset();
  }

  close(): void {
    this.call.close();
    for (const l of this.listeners.splice(0)) l.dispose();
  }
}
