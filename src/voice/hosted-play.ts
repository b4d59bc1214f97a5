/**
 * One play as the main thread sees it: the handle the Player holds while an engine (here or in a voice
 * worker) opens and sends the track. It only mirrors what the engine reports; `stop` is the one thing
 * it asks of the engine.
 */
import type { PlanVia } from '../media/plan';
import type { OpenResult, PlayEnd, PlayingTrack } from '../voice/port';

export class HostedPlay implements PlayingTrack {
  readonly opened: Promise<OpenResult>;
  readonly ended: Promise<PlayEnd>;
  private openedWith: OpenResult | undefined;
  private endedWith: PlayEnd | undefined;
  private resolveOpened: (result: OpenResult) => void = () => {};
  private resolveEnded: (end: PlayEnd) => void = () => {};
  private position = 0;
  private stopped = false;
  /** The source the last plan came from, when not the track's own. */
  private playedVia: PlanVia | undefined;

  constructor(
    /** The guild's count of plays: the id the engine's events name. */
    readonly id: number,
    private readonly onStop: (play: HostedPlay) => void,
  ) {
    this.opened = new Promise((resolve) => (this.resolveOpened = resolve));
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  end(): PlayEnd | undefined {
    return this.endedWith;
  }

  positionMs(): number {
    return this.position;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop(this);
  }

  isStopped(): boolean {
    return this.stopped;
  }

  // ---- what the engine reports ---------------------------------------------------------------------

  settleOpened(result: OpenResult): void {
    if (this.openedWith !== undefined) return;
    this.openedWith = result;
    this.resolveOpened(result);
  }

  /** A play that never opened cannot end; an end reported first (a worker died) answers the open too. */
  settleEnded(end: PlayEnd): void {
    if (this.endedWith !== undefined) return;
    if (this.openedWith === undefined) {
      this.settleOpened({ kind: 'cancelled' });
      return;
    }
    if (this.openedWith.kind !== 'playing') return;
    this.endedWith = end;
    this.resolveEnded(end);
  }

  /** Where the last plan made for this play came from (undefined: the track's own source). */
  noteVia(via: PlanVia | undefined): void {
    this.playedVia = via;
  }

  via(): PlanVia | undefined {
    return this.playedVia;
  }

  reportPosition(positionMs: number): void {
    if (this.endedWith === undefined) this.position = positionMs;
  }

  /** Still waiting for its open, or sending audio. */
  isLive(): boolean {
    return this.endedWith === undefined && (this.openedWith === undefined || this.openedWith.kind === 'playing');
  }
}
