/**
 * The in-memory observed state of one guild this instance holds the lease for: its voice (through the
 * voice port) and its playback. Created on a successful claim, disposed on release or loss.
 */
import type { Logger } from '../../src/log';
import type { Lease } from '../../src/state';
import type { GuildVoice } from '../../src/voice/port';
import type { Playback } from './playback';

export class GuildSession {
  private current: Playback = { kind: 'idle' };
  /** Where announcements go, as the last reconcile read it. */
  textChannel: string | undefined;
  /** Monotonic time since when nothing was wanted here (stopped, empty queue); undefined while busy. */
  idleSinceMs: number | undefined;
  /** Set once: every async continuation checks it before touching anything. */
  disposed = false;
  /**
   * The track that was playing when the drain began: the only one this instance may still play.
   * Undefined until a drain begins; null when nothing was playing then.
   */
  drainTrackId: string | null | undefined;
  /** Autoplay's lookup in flight (aborted on dispose), and the monotonic time before which it is not asked again. */
  autoplay: { running: AbortController | undefined; retryAtMs: number } = { running: undefined, retryAtMs: 0 };
  /** Settles once the last play this session stopped is silent (its five silence frames sent), or never opened. */
  private lastStopped: Promise<void> = Promise.resolve();

  constructor(
    readonly guild: string,
    public lease: Lease,
    readonly voice: GuildVoice,
    private readonly log: Logger,
  ) {}

  get playback(): Playback {
    return this.current;
  }

  /** The one transition point of Playback: releases what the old state held that the new one does not. */
  setPlayback(next: Playback): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    // A start that opened becomes `playing` with the same play; anything else stops the play.
    if ((previous.kind === 'starting' || previous.kind === 'playing') && !(next.kind === 'playing' && next.audio === previous.audio)) {
      const audio = previous.audio;
      audio.stop();
      this.lastStopped = audio.opened.then((result) => (result.kind === 'playing' ? audio.ended.then(() => undefined) : undefined));
    }
    this.log.debug({ guild: this.guild, from: previous.kind, to: next.kind, trackId: next.kind === 'idle' ? undefined : next.item.track.id }, 'playback');
  }

  /** Settles once the audio this session stopped last has gone quiet (see lastStopped). Never rejects. */
  silenced(): Promise<void> {
    return this.lastStopped;
  }

  /** Stops audio at once, releases the stream and drops voice without a leave payload. Final. */
  dispose(): void {
    this.disposed = true;
    this.autoplay.running?.abort();
    this.setPlayback({ kind: 'idle' });
    this.voice.close();
  }
}
