/**
 * What the listeners make of each frame the bot sends into a DAVE call, after the transport
 * decryption: DAVE frames are decrypted by every listener in the group (the first one's plaintext
 * goes to the audio monitor); transport-only frames are checked against the rule below.
 *
 * The rule for `unencrypted` (Discord's exact rule is not documented; this is the strictest reading
 * that a correct client can meet): once a transition that made the sender a member has executed
 * (op 22 sent), every non-silence frame from it must carry DAVE. Opus silence (F8 FF FE) may pass
 * unencrypted, as the DAVE protocol allows and @discordjs/voice does. Frames the sender sent before
 * it had the group's keys can still be read after op 22 (UDP and the WebSocket are separate paths),
 * so a transport-only frame is forgiven when its RTP sequence comes before the sender's first DAVE
 * frame; a sender that never sends a DAVE frame has every such frame counted.
 */
import type { DaveListener } from './listener';

/** DAVE's supplemental data ends with this marker (the protocol's "magic marker", 0xFAFA). */
const MARKER_0 = 0xfa;
const MARKER_1 = 0xfa;
const MAX_PENDING = 10_000;

export function isDaveFrame(frame: Buffer): boolean {
  return frame.length >= 2 && frame[frame.length - 1] === MARKER_1 && frame[frame.length - 2] === MARKER_0;
}

function isSilence(frame: Buffer): boolean {
  return frame.length === 3 && frame[0] === 0xf8 && frame[1] === 0xff && frame[2] === 0xfe;
}

/** `a` after `b` in RTP's 16-bit sequence space. */
function seqAfter(a: number, b: number): boolean {
  return a !== b && ((a - b) & 0xffff) < 0x8000;
}

interface SenderState {
  /** The sender is a member of an executed group: its audio must be end-to-end encrypted. */
  active: boolean;
  firstDaveSeq: number | undefined;
  /** Sequences of transport-only frames seen while active before any DAVE frame. */
  pending: number[];
  unencrypted: number;
}

export interface E2eeCounts {
  /** Transport-only audio frames from a sender that had to encrypt (see the rule above). */
  readonly unencrypted: number;
  /** DAVE frames a listener past its grace could not decrypt, or that no listener in the group could. */
  readonly e2eeFailures: number;
  /** DAVE frames decrypted by the listener that feeds the monitor. */
  readonly e2eeFrames: number;
  /** DAVE frames that arrived while no listener was in the group (nobody could hear them). */
  readonly unheard: number;
  /** Transport-only frames (silence included), whether allowed or not. */
  readonly transportOnly: number;
}

export class E2eeCheck {
  private readonly senders = new Map<string, SenderState>();
  private e2eeFailures = 0;
  private e2eeFrames = 0;
  private unheard = 0;
  private transportOnly = 0;

  /** A transition executed: these sender keys are members from now on. */
  activate(senderKeys: readonly string[]): void {
    for (const key of senderKeys) this.state(key).active = true;
  }

  /**
   * One frame from a bot connection. Returns what the monitor gets: the plaintext the first
   * listener in the group decrypted, the frame itself when it is transport-only, or undefined.
   */
  receive(senderKey: string, senderUserId: string, sequence: number, frame: Buffer, listeners: readonly DaveListener[]): Buffer | undefined {
    if (!isDaveFrame(frame)) {
      this.transportOnly += 1;
      if (!isSilence(frame)) this.onTransportOnly(this.state(senderKey), sequence);
      return frame;
    }
    const s = this.state(senderKey);
    if (s.firstDaveSeq === undefined) {
      s.firstDaveSeq = sequence;
      for (const p of s.pending) if (seqAfter(p, sequence)) s.unencrypted += 1;
      s.pending = [];
    }
    // Every listener in the group decrypts; the monitor hears the first that succeeds. A failure
    // counts when a listener past its grace fails (see ListenerStats.earlyFailures), or when no
    // listener in the group could decrypt the frame at all.
    let out: Buffer | undefined;
    let tried = false;
    let failed = false;
    for (const l of listeners) {
      if (!l.inGroup) continue;
      tried = true;
      const listening = l.listening;
      const plain = l.decrypt(senderUserId, frame);
      if (plain === undefined && listening) failed = true;
      out ??= plain;
    }
    if (!tried) this.unheard += 1;
    if (failed || (tried && out === undefined)) this.e2eeFailures += 1;
    if (out !== undefined) this.e2eeFrames += 1;
    return out;
  }

  counts(): E2eeCounts {
    let unencrypted = 0;
    for (const s of this.senders.values()) unencrypted += s.unencrypted + (s.firstDaveSeq === undefined ? s.pending.length : 0);
    return { unencrypted, e2eeFailures: this.e2eeFailures, e2eeFrames: this.e2eeFrames, unheard: this.unheard, transportOnly: this.transportOnly };
  }

  reset(): void {
    for (const s of this.senders.values()) {
      s.pending = [];
      s.unencrypted = 0;
    }
    this.e2eeFailures = 0;
    this.e2eeFrames = 0;
    this.unheard = 0;
    this.transportOnly = 0;
  }

  private onTransportOnly(s: SenderState, sequence: number): void {
    if (!s.active) return;
    if (s.firstDaveSeq === undefined) {
      if (s.pending.length < MAX_PENDING) s.pending.push(sequence);
    } else if (seqAfter(sequence, s.firstDaveSeq)) s.unencrypted += 1;
  }

  private state(key: string): SenderState {
    let s = this.senders.get(key);
    if (!s) this.senders.set(key, (s = { active: false, firstDaveSeq: undefined, pending: [], unencrypted: 0 }));
    return s;
  }
}
