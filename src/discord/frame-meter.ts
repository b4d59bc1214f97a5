/**
 * Measures what actually leaves for Discord: @discordjs/voice's global 20 ms cycle calls
 * `dispatchAudio()` on each connection once per frame, and it answers whether a packet was sent.
 * Wrapping that one method per connection counts frames sent, frames late (more than 40 ms after
 * the previous one within a track), and the first packet of each track.
 * Known limit: it relies on that method's name and boolean result in @discordjs/voice 0.19.
 */

/** A frame this long after the previous one counts as late (two frame periods). */
export const LATE_FRAME_MS = 40;

export interface FrameListener {
  onFrame(late: boolean): void;
  /** The first packet since the last `expectFirst()`. */
  onFirstPacket(): void;
}

export class FrameMeter {
  private lastAt: number | undefined;
  private awaitingFirst = false;

  constructor(
    private readonly listener: FrameListener,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A new track (or a resume) starts: its first packet is reported, and no gap before it counts as late. */
  expectFirst(): void {
    this.awaitingFirst = true;
    this.lastAt = undefined;
  }

  /** Silence on purpose (pause, stop): the next frame is not late. */
  interrupt(): void {
    this.lastAt = undefined;
  }

  /** Wraps the connection's per-frame send (a VoiceConnection, or anything with the same method). */
  attach(connection: { dispatchAudio(): boolean | undefined }): void {
    const dispatch = connection.dispatchAudio.bind(connection);
    connection.dispatchAudio = () => {
      const sent = dispatch();
      if (sent === true) this.frame();
      return sent;
    };
  }

  private frame(): void {
    const at = this.now();
    const late = this.lastAt !== undefined && at - this.lastAt > LATE_FRAME_MS;
    this.lastAt = at;
    this.listener.onFrame(late);
    if (this.awaitingFirst) {
      this.awaitingFirst = false;
      this.listener.onFirstPacket();
    }
  }
}
