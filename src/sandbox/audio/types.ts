/**
 * The contract between the sandbox's voice server (which receives, attributes and decrypts RTP
 * packets) and the audio monitor (which counts, times and decodes them per guild).
 */

/** One RTP packet as received by the sandbox's UDP socket, after decryption was attempted. */
export interface AudioPacketEvent {
  readonly guildId: string;
  /** Gateway session id of the bot session that sent it. */
  readonly sessionId: string;
  /** Arrival time, monotonic milliseconds (performance.now()). */
  readonly receivedAtMs: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  /** The decrypted Opus frame, or undefined when decryption failed or was not tried (see `unverifiedBytes`). */
  readonly opus: Buffer | undefined;
  /**
   * Set when the packet was deliberately not decrypted (sampled verification, src/sandbox/verify.ts):
   * the payload's length from the clear header. The monitor counts and times it as a frame, or as
   * silence when it is 3 bytes long (F8 FF FE; an audio frame that short is counted as silence too).
   */
  readonly unverifiedBytes?: number;
  /** True when this session no longer owns the guild's voice (another session took it over: 4014). */
  readonly stale: boolean;
}

/** A gap between two consecutive counted packets of a guild longer than the threshold. */
export interface AudioGap {
  readonly atMs: number;
  readonly ms: number;
  readonly sessionId: string;
}

/** The dominant frequency of one 200 ms window; undefined hz means silence or not decoded (sampling). */
export interface FrequencyWindow {
  readonly startMs: number;
  readonly hz: number | undefined;
  readonly sessionId: string;
}

/** A run of consecutive windows with the same tone (±10 Hz): how tests see tracks in order. */
export interface ToneSegment {
  readonly hz: number;
  readonly sessionId: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Audio frames (not silence) received during the segment. */
  readonly frames: number;
}

export interface GuildAudioStats {
  readonly guildId: string;
  /** Decrypted, non-stale, non-silence Opus frames. */
  readonly frames: number;
  /** The five 0xF8 0xFF 0xFE frames @discordjs/voice sends after a track. */
  readonly silenceFrames: number;
  /** Frames per second over the span from the first to the last counted frame. */
  readonly packetsPerSecond: number;
  readonly firstPacketAtMs: number | undefined;
  readonly lastPacketAtMs: number | undefined;
  /** Inter-arrival gaps over 60 ms between counted packets. */
  readonly gaps: readonly AudioGap[];
  readonly windows: readonly FrequencyWindow[];
  readonly segments: readonly ToneSegment[];
  /** Packets that arrived from one session within 100 ms of a packet from another session. */
  readonly overlap: number;
  /**
   * The longest stretch during which two sessions sent audio into the guild at once (ms, from the first
   * to the last overlapping packet of a run, plus one frame; 0 when never): the overlap window a failover caused.
   */
  readonly longestOverlapMs: number;
  readonly stalePackets: number;
  readonly decryptFailures: number;
  readonly framesBySession: Readonly<Record<string, number>>;
}
