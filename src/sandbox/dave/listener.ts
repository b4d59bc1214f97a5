/**
 * A simulated human in the bot's voice channel: a real @snazzah/davey DAVESession that joins the MLS
 * group through the same proposals, commits and welcomes a client gets, fed in-process by the call
 * (no WebSocket: what would cross it is exactly the DavePort calls and the DaveCall answers).
 * Its answers are deferred (a microtask; a commit after `commitDelayMs`) so that the call is never
 * re-entered, and so that a bot usually commits first, as a human's client on the far side of the
 * Internet would let it.
 */
import { DAVESession, MediaType, ProposalsOperationType } from '@snazzah/davey';
import type { Logger } from '../../log';
import type { DaveCall } from './call';
import { DAVE_PROTOCOL_VERSION, type DavePort } from './opcodes';

export interface ListenerStats {
  readonly userId: string;
  /** Frames this listener decrypted (DAVE frames only). */
  readonly decrypted: number;
  /** DAVE frames this listener could not decrypt once past its grace (see earlyFailures). */
  readonly failures: number;
  /**
   * Frames it could not decrypt after it joined and before its first success: the sender may still
   * use the previous epoch's key for a while (the reason for the transition handshake), and
   * @discordjs/voice encrypts each packet one frame ahead, so one can arrive even after op 22. A
   * joiner never had that key. Allowed, and not e2ee failures.
   */
  readonly earlyFailures: number;
  /** In the group and past its grace (it decrypted a frame since it joined): every DAVE frame must decrypt. */
  readonly listening: boolean;
  readonly inGroup: boolean;
  readonly epoch: bigint | undefined;
  /** Errors from davey while processing proposals, commits or welcomes. */
  readonly protocolErrors: number;
}

export class DaveListener implements DavePort {
  readonly key: string;
  private readonly session: DAVESession;
  private readonly recognized = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private externalSenderPackage: Buffer | undefined;
  private disposed = false;
  decrypted = 0;
  failures = 0;
  earlyFailures = 0;
  protocolErrors = 0;
  /** Since it (re)joined, no frame decrypted yet: see ListenerStats.earlyFailures. */
  private grace = true;

  constructor(
    readonly userId: string,
    private readonly channelId: string,
    private readonly call: DaveCall,
    private readonly log: Logger,
    private readonly commitDelayMs: number,
  ) {
    this.key = `listener:${userId}`;
    this.session = new DAVESession(DAVE_PROTOCOL_VERSION, userId, channelId);
  }

  /** Ready to decrypt: it has processed a commit or welcome of the current group. */
  get inGroup(): boolean {
    return this.session.ready;
  }

  /** See ListenerStats.listening. */
  get listening(): boolean {
    return !this.grace && this.session.ready;
  }

  clientsConnect(userIds: readonly string[]): void {
    for (const id of userIds) this.recognized.add(id);
  }

  clientDisconnect(userId: string): void {
    this.recognized.delete(userId);
  }

  externalSender(pkg: Buffer): void {
    this.externalSenderPackage = pkg;
    this.guard('external sender', () => this.session.setExternalSender(pkg));
    const keyPackage = this.session.getSerializedKeyPackage();
    this.later(() => this.call.keyPackage(this.key, keyPackage));
  }

  proposals(payload: Buffer): void {
    this.guard('proposals', () => {
      const op = payload.readUInt8(0) === 0 ? ProposalsOperationType.APPEND : ProposalsOperationType.REVOKE;
      const { commit, welcome } = this.session.processProposals(op, payload.subarray(1), [...this.recognized]);
      if (!commit) return;
      const answer = welcome ? Buffer.concat([commit, welcome]) : commit;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.disposed) this.call.commitWelcome(this.key, answer);
      }, this.commitDelayMs);
      this.timers.add(timer);
    });
  }

  announceCommit(transitionId: number, commit: Buffer): void {
    this.join(transitionId, () => this.session.processCommit(commit));
  }

  welcome(transitionId: number, welcome: Buffer): void {
    this.join(transitionId, () => this.session.processWelcome(welcome));
  }

  executeTransition(): void {
    // davey switches keys when it processes the commit or welcome; nothing waits for op 22.
  }

  prepareEpoch(epoch: number): void {
    if (epoch !== 1) return;
    this.grace = true;
    this.session.reinit(DAVE_PROTOCOL_VERSION, this.userId, this.channelId);
  }

  /** The listener's view of one frame from `senderUserId`: the plaintext, or undefined when it fails. */
  decrypt(senderUserId: string, frame: Buffer): Buffer | undefined {
    try {
      const plain = this.session.decrypt(senderUserId, MediaType.AUDIO, frame);
      this.decrypted += 1;
      this.grace = false;
      return plain;
    } catch {
      if (this.listening) this.failures += 1;
      else this.earlyFailures += 1;
      return undefined;
    }
  }

  stats(): ListenerStats {
    return {
      userId: this.userId,
      decrypted: this.decrypted,
      failures: this.failures,
      earlyFailures: this.earlyFailures,
      listening: this.listening,
      inGroup: this.inGroup,
      epoch: this.session.epoch ?? undefined,
      protocolErrors: this.protocolErrors,
    };
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.session.reset();
  }

  private join(transitionId: number, process: () => void): void {
    try {
      const wasIn = this.session.ready;
      process();
      if (!wasIn) this.grace = true;
      this.later(() => this.call.readyForTransition(this.key, transitionId));
    } catch (err) {
      this.protocolErrors += 1;
      this.log.warn({ err, userId: this.userId, transitionId }, 'listener could not process a commit or welcome: re-initialising');
      this.session.reinit(DAVE_PROTOCOL_VERSION, this.userId, this.channelId);
      this.grace = true;
      this.later(() => {
        this.call.invalidCommitWelcome(this.key, transitionId);
        if (this.externalSenderPackage) this.externalSender(this.externalSenderPackage);
      });
    }
  }

  private guard(what: string, f: () => void): void {
    try {
      f();
    } catch (err) {
      this.protocolErrors += 1;
      this.log.warn({ err, userId: this.userId }, `listener failed on ${what}`);
    }
  }

  private later(f: () => void): void {
    queueMicrotask(() => {
      if (!this.disposed) f();
    });
  }
}
