/**
 * One DAVE call (a voice channel with the bot): the MLS group as the voice server sees it. The
 * server is the group's external sender: it proposes adding members whose key packages arrived
 * and removing members who left, takes the first valid commit of each round, relays it (op 29 to
 * members, op 30 welcome to joiners) and runs the transition handshake (op 23 from everyone in the
 * new group, then op 22). One round or transition at a time; changes that arrive meanwhile wait.
 *
 * It tracks the ratchet tree's leaves itself, the way RFC 9420 §12.3 places them (removes first,
 * then adds into the leftmost blank leaf, in the commit's order; a new group's creator is leaf 0),
 * because a Remove proposal names a leaf index.
 */
import type { Logger } from '../../log';
import { appendPayload, ExternalSender, groupIdOf, revokePayload, type SignedProposal } from './external-sender';
import { parseCommitWelcome, type ParsedCommit } from './commit';
import type { DavePort } from './opcodes';

export interface DaveParticipant {
  /** Unique in the call: a bot connection (`bot:<session>:<ssrc>`) or a listener (`listener:<user>`). */
  readonly key: string;
  readonly userId: string;
  readonly port: DavePort;
}

interface Member extends DaveParticipant {
  keyPackage: Buffer | undefined;
  /** True when its leaf must go (it re-initialised: op 31, or a fresh key package while in the group). */
  readdPending: boolean;
}

type Change = { readonly kind: 'add'; readonly key: string } | { readonly kind: 'remove'; readonly leaf: number };

interface Round {
  readonly epoch: bigint;
  readonly creating: boolean;
  /** Per recipient, the proposals it was sent (by ref hex) and what each changes. */
  readonly sent: Map<string, Map<string, Change>>;
  readonly timer: NodeJS.Timeout;
}

interface Transition {
  readonly id: number;
  readonly awaiting: Set<string>;
  readonly members: readonly string[];
  readonly timer: NodeJS.Timeout;
}

export interface DaveCallOptions {
  readonly channelId: string;
  readonly log: Logger;
  /** A round without a valid commit is revoked and proposed again after this long. Default 3000 ms. */
  readonly roundTimeoutMs?: number;
  /** A transition executes after this long even if someone never sent op 23. Default 3000 ms. */
  readonly transitionTimeoutMs?: number;
  /** Told when a transition executed, with the keys of the group's members from then on. */
  readonly onExecuted?: (transitionId: number, members: readonly string[], epoch: bigint) => void;
}

export interface DaveCallStats {
  readonly epoch: bigint;
  readonly transitions: number;
  readonly members: readonly string[];
  readonly invalidCommits: number;
  readonly revokedRounds: number;
  /** Winning commits, by kind of committer (`bot`, `listener`): both paths should occur. */
  readonly commitsBy: Readonly<Record<string, number>>;
  readonly recoveries: number;
}

export class DaveCall {
  readonly sender = new ExternalSender();
  readonly channelId: string;
  private readonly groupId: Buffer;
  private readonly members = new Map<string, Member>();
  /** Leaf index → member key; undefined is a blank leaf. */
  private leaves: Array<string | undefined> = [];
  private epoch = 0n;
  private nextTransitionId = 1;
  private round: Round | undefined;
  private transition: Transition | undefined;
  private counters = { transitions: 0, invalidCommits: 0, revokedRounds: 0, recoveries: 0 };
  private readonly commitsBy: Record<string, number> = {};
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly o: DaveCallOptions) {
    this.channelId = o.channelId;
    this.groupId = groupIdOf(o.channelId);
    this.log = o.log.child({ component: 'sandbox-dave', channelId: o.channelId });
  }

  /** A participant connected (after its session description): op 11 both ways, then op 25. */
  join(p: DaveParticipant): void {
    const others = [...this.members.values()];
    this.members.set(p.key, { ...p, keyPackage: undefined, readdPending: false });
    const otherIds = [...new Set(others.map((m) => m.userId).filter((id) => id !== p.userId))];
    if (otherIds.length > 0) p.port.clientsConnect(otherIds);
    for (const m of others) if (m.userId !== p.userId) m.port.clientsConnect([p.userId]);
    p.port.externalSender(this.sender.package());
  }

  leave(key: string): void {
    const m = this.members.get(key);
    if (!m) return;
    this.members.delete(key);
    for (const other of this.members.values()) if (other.userId !== m.userId) other.port.clientDisconnect(m.userId);
    const round = this.round;
    if (round) {
      round.sent.delete(key);
      const addsLeaver = [...round.sent.values()].some((changes) => [...changes.values()].some((c) => c.kind === 'add' && c.key === key));
      if (addsLeaver || round.sent.size === 0) this.revokeRound();
    }
    const t = this.transition;
    if (t) {
      t.awaiting.delete(key);
      this.maybeExecute();
    }
    this.schedule();
  }

  /** Op 26. A member that is already in the group re-initialised: its old leaf goes, the new one comes. */
  keyPackage(key: string, keyPackage: Buffer): void {
    const m = this.members.get(key);
    if (!m) return;
    m.keyPackage = keyPackage;
    if (this.leafOf(key) !== undefined) m.readdPending = true;
    this.schedule();
  }

  /** Op 28. The first valid commit of the round wins; the others are dropped. */
  commitWelcome(key: string, payload: Buffer): void {
    const round = this.round;
    const changes = round?.sent.get(key);
    if (!round || !changes) return;
    let parsed: ParsedCommit;
    try {
      parsed = parseCommitWelcome(payload);
    } catch (err) {
      this.rejectCommit(key, 'unparseable', err);
      return;
    }
    const problem = this.checkCommit(key, round, changes, parsed);
    if (problem) {
      this.rejectCommit(key, problem);
      return;
    }
    clearTimeout(round.timer);
    this.round = undefined;
    this.apply(key, round, changes, parsed);
  }

  /** Op 23. */
  readyForTransition(key: string, transitionId: number): void {
    const t = this.transition;
    if (!t || t.id !== transitionId) return;
    t.awaiting.delete(key);
    this.maybeExecute();
  }

  /** Op 31: the member could not process a commit or welcome; it re-initialises and is added again. */
  invalidCommitWelcome(key: string, transitionId: number): void {
    const m = this.members.get(key);
    if (!m) return;
    this.counters.recoveries += 1;
    this.log.info({ key, transitionId }, 'member sent invalid commit/welcome: re-adding it');
    m.keyPackage = undefined;
    if (this.leafOf(key) !== undefined) m.readdPending = true;
    this.transition?.awaiting.delete(key);
    this.maybeExecute();
  }

  stats(): DaveCallStats {
    return {
      epoch: this.epoch,
      ...this.counters,
      commitsBy: { ...this.commitsBy },
      members: this.leaves.filter((k): k is string => k !== undefined),
    };
  }

  close(): void {
    this.closed = true;
    if (this.round) clearTimeout(this.round.timer);
    if (this.transition) clearTimeout(this.transition.timer);
    this.round = undefined;
    this.transition = undefined;
  }

  private leafOf(key: string): number | undefined {
    const i = this.leaves.indexOf(key);
    return i < 0 ? undefined : i;
  }

  private checkCommit(key: string, round: Round, changes: Map<string, Change>, c: ParsedCommit): string | undefined {
    if (!c.groupId.equals(this.groupId)) return 'wrong group';
    if (c.epoch !== round.epoch) return `epoch ${c.epoch}, expected ${round.epoch}`;
    if (c.inlineProposals > 0) return 'inline proposals';
    const expectedLeaf = round.creating ? 0 : this.leafOf(key);
    if (c.senderLeaf !== expectedLeaf) return `sender leaf ${c.senderLeaf}, expected ${String(expectedLeaf)}`;
    const cited = new Set(c.refs.map((r) => r.toString('hex')));
    if (cited.size !== c.refs.length || cited.size !== changes.size || [...cited].some((r) => !changes.has(r))) return 'does not commit exactly the round proposals';
    const adds = [...changes.values()].some((ch) => ch.kind === 'add');
    if (adds && !c.welcome) return 'adds members without a welcome';
    return undefined;
  }

  private rejectCommit(key: string, reason: string, err?: unknown): void {
    this.counters.invalidCommits += 1;
    this.log.warn({ key, reason, err }, 'invalid commit ignored');
  }

  private apply(committer: string, round: Round, changes: Map<string, Change>, c: ParsedCommit): void {
    const kind = committer.split(':')[0] ?? committer;
    this.commitsBy[kind] = (this.commitsBy[kind] ?? 0) + 1;
    const before = new Set(round.creating ? [committer] : this.leaves.filter((k): k is string => k !== undefined));
    if (round.creating) this.leaves = [committer];
    const ordered = c.refs.map((r) => changes.get(r.toString('hex'))).filter((ch): ch is Change => ch !== undefined);
    for (const ch of ordered) if (ch.kind === 'remove') this.leaves[ch.leaf] = undefined;
    const added: string[] = [];
    for (const ch of ordered) {
      if (ch.kind !== 'add') continue;
      const blank = this.leaves.indexOf(undefined);
      if (blank < 0) this.leaves.push(ch.key);
      else this.leaves[blank] = ch.key;
      added.push(ch.key);
      const m = this.members.get(ch.key);
      if (m) {
        m.keyPackage = undefined;
        m.readdPending = false;
      }
    }
    while (this.leaves.length > 0 && this.leaves[this.leaves.length - 1] === undefined) this.leaves.pop();
    this.epoch = round.epoch + 1n;
    const id = this.nextTransitionId;
    this.nextTransitionId = id >= 0xffff ? 1 : id + 1;
    const members = this.leaves.filter((k): k is string => k !== undefined);
    const timer = setTimeout(() => this.execute(), this.o.transitionTimeoutMs ?? 3000);
    this.transition = { id, awaiting: new Set(members.filter((k) => this.members.has(k))), members, timer };
    this.log.debug({ committer, epoch: this.epoch, transitionId: id, members }, 'commit taken');
    for (const k of members) {
      const m = this.members.get(k);
      if (!m) continue;
      if (before.has(k) && !added.includes(k)) m.port.announceCommit(id, c.commit);
      else if (c.welcome) m.port.welcome(id, c.welcome);
    }
  }

  private maybeExecute(): void {
    if (this.transition && this.transition.awaiting.size === 0) this.execute();
  }

  private execute(): void {
    const t = this.transition;
    if (!t || this.closed) return;
    clearTimeout(t.timer);
    this.transition = undefined;
    this.counters.transitions += 1;
    if (t.awaiting.size > 0) this.log.warn({ transitionId: t.id, awaiting: [...t.awaiting] }, 'transition executed without every ready');
    for (const k of t.members) this.members.get(k)?.port.executeTransition(t.id);
    this.o.onExecuted?.(t.id, t.members, this.epoch);
    this.schedule();
  }

  private revokeRound(): void {
    const round = this.round;
    if (!round) return;
    clearTimeout(round.timer);
    this.round = undefined;
    this.counters.revokedRounds += 1;
    for (const [key, changes] of round.sent) {
      const refs = [...changes.keys()].map((r) => Buffer.from(r, 'hex'));
      this.members.get(key)?.port.proposals(revokePayload(refs));
    }
  }

  /** Starts the next round if nothing is in flight and something changed. */
  private schedule(): void {
    if (this.closed || this.round || this.transition) return;
    const inGroup = this.leaves.filter((k): k is string => k !== undefined && this.members.has(k) && !this.members.get(k)?.readdPending);
    if (this.epoch > 0n && inGroup.length === 0) return this.dissolve();
    if (this.epoch === 0n) return this.proposeCreation();
    const removes: Change[] = [];
    this.leaves.forEach((k, leaf) => {
      if (k !== undefined && (!this.members.has(k) || this.members.get(k)?.readdPending)) removes.push({ kind: 'remove', leaf });
    });
    const adds: Change[] = [...this.members.values()]
      .filter((m) => m.keyPackage !== undefined && (this.leafOf(m.key) === undefined || m.readdPending))
      .map((m) => ({ kind: 'add', key: m.key }));
    const changes = [...removes, ...adds];
    if (changes.length === 0) return;
    const signed = changes.map((ch) => [ch, this.sign(ch)] as const);
    const sent = new Map<string, Map<string, Change>>();
    for (const key of inGroup) sent.set(key, new Map(signed.map(([ch, s]) => [s.ref.toString('hex'), ch])));
    this.startRound(false, sent, (key) => signed.filter(([ch]) => !(ch.kind === 'add' && ch.key === key)).map(([, s]) => s));
  }

  /** No group yet: every pending member is sent the Adds of all the others; the first to commit creates the group. */
  private proposeCreation(): void {
    const pending = [...this.members.values()].filter((m) => m.keyPackage !== undefined);
    if (pending.length < 2) return;
    const sent = new Map<string, Map<string, Change>>();
    const byRecipient = new Map<string, SignedProposal[]>();
    for (const r of pending) {
      const signed = pending.filter((m) => m !== r).map((m) => [{ kind: 'add', key: m.key } as const, this.sign({ kind: 'add', key: m.key })] as const);
      sent.set(r.key, new Map(signed.map(([ch, s]) => [s.ref.toString('hex'), ch])));
      byRecipient.set(r.key, signed.map(([, s]) => s));
    }
    this.startRound(true, sent, (key) => byRecipient.get(key) ?? []);
  }

  private startRound(creating: boolean, sent: Map<string, Map<string, Change>>, messagesFor: (key: string) => SignedProposal[]): void {
    const timer = setTimeout(() => {
      this.log.warn({ epoch: this.epoch }, 'no valid commit in time: revoking the round');
      this.revokeRound();
      this.schedule();
    }, this.o.roundTimeoutMs ?? 3000);
    this.round = { epoch: this.epoch, creating, sent, timer };
    for (const key of sent.keys()) this.members.get(key)?.port.proposals(appendPayload(messagesFor(key).map((s) => s.message)));
  }

  /** Everyone in the group left: the next members start a new group (op 24, epoch 1) from scratch. */
  private dissolve(): void {
    this.log.debug({ epoch: this.epoch }, 'group emptied: starting over');
    this.leaves = [];
    this.epoch = 0n;
    for (const m of this.members.values()) {
      m.keyPackage = undefined;
      m.readdPending = false;
      m.port.prepareEpoch(1);
      m.port.externalSender(this.sender.package());
    }
  }

  private sign(ch: Change): SignedProposal {
    if (ch.kind === 'remove') return this.sender.propose(this.groupId, this.epoch, ch);
    const keyPackage = this.members.get(ch.key)?.keyPackage;
    if (!keyPackage) throw new Error(`no key package for ${ch.key}`);
    return this.sender.propose(this.groupId, this.epoch, { kind: 'add', keyPackage });
  }
}
