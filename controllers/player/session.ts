/**
 * The in-memory observed state of one guild this instance holds the lease for: its voice connection,
 * its audio player and its playback. Created on a successful claim, disposed on release or loss.
 */
import { AudioPlayerStatus, createAudioPlayer, NoSubscriberBehavior, type AudioPlayer, type VoiceConnection } from '@discordjs/voice';
import type { Logger } from '../../src/log';
import type { Lease } from '../../src/state';
import { FrameMeter, type FrameListener } from './frame-meter';
import type { Playback } from './playback';

export class GuildSession {
  readonly audio: AudioPlayer;
  private current: Playback = { kind: 'idle' };
  private conn: VoiceConnection | undefined;
  private joinedAtMs: number | undefined;
  /** Monotonic time since when nothing was wanted here (stopped, empty queue); undefined while busy. */
  idleSinceMs: number | undefined;
  /** Set once: every async continuation checks it before touching anything. */
  disposed = false;
  readonly frames: FrameMeter;

  constructor(
    readonly guild: string,
    public lease: Lease,
    private readonly log: Logger,
    /** Asks for a reconcile of this guild: local events are hints, like keyspace notifications. */
    private readonly poke: () => void,
    frames: FrameListener,
  ) {
    this.frames = new FrameMeter(frames);
    // Without a ready subscriber the player pauses on its own and resumes when voice is back, so a
    // voice reconnect does not skip audio.
    this.audio = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Pause } });
    this.audio.on('error', (err) => this.log.warn({ guild, err: err.message }, 'audio player error'));
    this.audio.on('stateChange', (from, to) => {
      if (to.status === AudioPlayerStatus.Idle && from.status !== AudioPlayerStatus.Idle) this.poke();
    });
  }

  get playback(): Playback {
    return this.current;
  }

  /** The one transition point of Playback: releases what the old state held that the new one does not. */
  setPlayback(next: Playback): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    if (next.kind !== 'playing') this.frames.interrupt();
    if (previous.kind === 'starting' && !(next.kind === 'playing' && next.item === previous.item)) previous.abort.abort();
    if (previous.kind === 'playing') {
      previous.close();
      if (this.audio.state.status !== AudioPlayerStatus.Idle && this.audio.state.resource === previous.resource) this.audio.stop(true);
    }
    this.log.debug({ guild: this.guild, from: previous.kind, to: next.kind, trackId: next.kind === 'idle' ? undefined : next.item.track.id }, 'playback');
  }

  get connection(): VoiceConnection | undefined {
    return this.conn;
  }

  /** Remembers a (new) connection, subscribes the audio player and reconciles on every state change. */
  attach(connection: VoiceConnection, nowMs: number): void {
    if (this.conn === connection) return;
    this.conn = connection;
    this.joinedAtMs = nowMs;
    this.frames.attach(connection);
    connection.subscribe(this.audio);
    connection.on('stateChange', () => this.poke());
    connection.on('error', (err) => this.log.warn({ guild: this.guild, err: err.message }, 'voice connection error'));
  }

  /** Forgets the connection (the caller destroys it). */
  detach(): VoiceConnection | undefined {
    const connection = this.conn;
    this.conn = undefined;
    this.joinedAtMs = undefined;
    return connection;
  }

  /** How long the current connection has existed, for the join timeout. */
  connectedForMs(nowMs: number): number {
    return this.joinedAtMs === undefined ? 0 : nowMs - this.joinedAtMs;
  }

  /** Stops audio at once and releases the stream. Voice is handled by the caller. */
  dispose(): void {
    this.disposed = true;
    this.setPlayback({ kind: 'idle' });
    this.audio.stop(true);
  }
}
