/**
 * Fakes of the Player's ports for reconciler unit tests: one guild's Redis state as a small in-memory
 * world with the same fencing rule as the Lua scripts (a fenced write succeeds only while the lock holds
 * exactly the writer's value), a lease keeper over that world that, like the real LeaseKeeper, answers
 * `already-held` for a lease it still remembers, and a voice port whose connections and audio the test
 * drives by hand (each play answered and ended by the test, as an engine reports it). The end-to-end tests
 * run the real ones.
 */
import type { ManualClock } from '../../src/clock';
import {
  DEFAULT_SETTINGS,
  decodeEntry,
  Lease,
  type AdvanceResult,
  type ForgetResult,
  type GuildSnapshot,
  type KeeperClaimResult,
  type QuarantineResult,
  type ReleaseResult,
  type Settings,
  type SnapshotResult,
  type Status,
  type StatusUpdate,
  type WriteStatusResult,
} from '../../src/state';
import type { GuildVoice, GuildVoiceEvents, LinkState, OpenResult, PlayEnd, PlaySpec, PlayingTrack, VoiceLink, VoicePort } from '../../src/voice/port';
import type { PlayerLeases, PlayerStore } from '../../controllers/player/deps';

export const GUILD = '100000000000000001';
export const CHANNEL = '100000000000000002';
export const INSTANCE = 'me';
export const TTL_MS = 3000;

/** One guild's keys. */
export class World {
  playlist: string[] = [];
  state: 'playing' | 'paused' | 'stopped' = 'playing';
  channel: string | undefined = CHANNEL;
  lock: string | undefined;
  epoch = 0;
  status: Status | undefined;
  settings: Settings = DEFAULT_SETTINGS;
  /** The newest history entry is one autoplay has not followed yet (what isIdle reads from the history and the marker). */
  autoplayDue = false;
  readonly quarantined: string[] = [];

  constructor(private readonly clock: ManualClock) {}

  track(id: string, extra: { readonly addedAt?: number } = {}): string {
    const raw = JSON.stringify({ id, url: `https://media.example/${id}.ogg`, ...extra });
    this.playlist.push(raw);
    return raw;
  }

  snapshot(): GuildSnapshot {
    const entries = this.playlist.map(decodeEntry);
    const lock = this.lock;
    const parsed = lock === undefined ? undefined : /^(.+):(\d+)$/.exec(lock);
    return {
      guild: GUILD,
      playlist: entries.flatMap((e) => (e.kind === 'track' ? [e.track] : [])),
      head: entries[0],
      playlistLength: entries.length,
      state: this.state,
      channel: this.channel,
      textChannel: undefined,
      settings: this.settings,
      lock: parsed?.[1] === undefined || lock === undefined ? undefined : { instance: parsed[1], epoch: Number(parsed[2]), value: lock },
      lockTtlMs: lock === undefined ? undefined : TTL_MS,
      epoch: this.epoch,
      status: this.status,
      quarantineLength: this.quarantined.length,
    };
  }

  fenced(lease: Lease): boolean {
    return this.lock === lease.value;
  }

  now(): number {
    return this.clock.now();
  }
}

type FencedOp = 'quarantine' | 'advanceIfHead' | 'writeStatus';

/** The store over the world. `loseNext(op)` makes the next such write find the lock changed under it. */
export class FakeStore implements PlayerStore {
  readonly calls: string[] = [];
  private readonly losing = new Set<FencedOp>();
  constructor(private readonly world: World) {}

  loseNext(op: FencedOp): void {
    this.losing.add(op);
  }

  private lost(op: FencedOp, lease: Lease | undefined): boolean {
    this.calls.push(op);
    if (this.losing.delete(op)) return true;
    return lease !== undefined && !this.world.fenced(lease);
  }

  isIdle(): Promise<boolean> {
    this.calls.push('isIdle');
    return Promise.resolve(this.idle());
  }

  /** The World is one guild: every guild asked about is answered as that one. */
  idleAmong(guilds: readonly string[]): Promise<ReadonlySet<string>> {
    this.calls.push('idleAmong');
    return Promise.resolve(new Set(this.idle() ? guilds : []));
  }

  private idle(): boolean {
    const w = this.world;
    if (w.channel !== undefined && w.state === 'playing' && w.playlist.length === 0 && w.settings.autoplay && w.autoplayDue) return false;
    return w.channel === undefined || ((w.state === 'stopped' || w.playlist.length === 0) && !w.settings.stay);
  }

  snapshot(): Promise<SnapshotResult> {
    this.calls.push('snapshot');
    const snapshot = this.world.snapshot();
    const head = snapshot.head;
    return Promise.resolve({ snapshot, corrupt: head?.kind === 'corrupt' ? [{ where: 'playlist', index: 0, raw: head.raw, reason: head.reason }] : [] });
  }

  quarantine(_guild: string, raw: string, reason: string, options: { readonly lease?: Lease } = {}): Promise<QuarantineResult> {
    if (this.lost('quarantine', options.lease)) return Promise.resolve({ kind: 'lease-lost' });
    const index = this.world.playlist.indexOf(raw);
    if (index < 0) return Promise.resolve({ kind: 'not-found' });
    this.world.playlist.splice(index, 1);
    this.world.quarantined.push(raw);
    return Promise.resolve({ kind: 'quarantined', entry: { raw, reason, at: this.world.now() } });
  }

  advanceIfHead(_guild: string, endedTrackId: string, lease: Lease): Promise<AdvanceResult> {
    if (this.lost('advanceIfHead', lease)) return Promise.resolve({ kind: 'lease-lost' });
    const head = this.world.playlist[0];
    if (head === undefined || decodeEntry(head).kind !== 'track' || !head.includes(`"id":"${endedTrackId}"`)) return Promise.resolve({ kind: 'not-head' });
    this.world.playlist.shift();
    return Promise.resolve({ kind: 'advanced' });
  }

  writeStatus(_guild: string, update: StatusUpdate, lease: Lease): Promise<WriteStatusResult> {
    if (this.lost('writeStatus', lease)) return Promise.resolve({ kind: 'lease-lost' });
    const status: Status = { instance: lease.instance, epoch: lease.epoch, ...update, updatedAt: this.world.now() };
    this.world.status = status;
    return Promise.resolve({ kind: 'written', status });
  }

  forgetIfEmpty(): Promise<ForgetResult> {
    this.calls.push('forgetIfEmpty');
    return Promise.resolve({ kind: 'forgotten' });
  }
}

/** Leases over the world's lock, remembering what it holds the way the real keeper does. */
export class FakeLeases implements PlayerLeases {
  readonly held = new Map<string, Lease>();
  claims = 0;
  /** Set to make release() fail as it does with Redis away. */
  releaseFails = false;
  /** Set to make claims set the lock but go unconfirmed by a replica (the real client's `unconfirmed`). */
  unconfirmed = false;
  constructor(
    private readonly world: World,
    private readonly clock: ManualClock,
  ) {}

  claim(guild: string): Promise<KeeperClaimResult> {
    const remembered = this.held.get(guild);
    if (remembered) return Promise.resolve({ kind: 'already-held', lease: remembered });
    this.claims += 1;
    const current = this.world.lock;
    if (current !== undefined && !current.startsWith(`${INSTANCE}:`)) return Promise.resolve({ kind: 'held', holder: undefined, value: current, ttlMs: TTL_MS });
    this.world.epoch += 1;
    const value = `${INSTANCE}:${this.world.epoch}`;
    this.world.lock = value;
    if (this.unconfirmed) return Promise.resolve({ kind: 'unconfirmed', value, retryMs: Math.floor(TTL_MS / 3), because: 'no replica acknowledged within 250 ms' });
    const lease = new Lease(guild, INSTANCE, this.world.epoch, value, TTL_MS, this.clock.monotonic() + TTL_MS);
    this.held.set(guild, lease);
    return Promise.resolve({ kind: 'claimed', lease, replaced: current });
  }

  forget(guild: string): Lease | undefined {
    const lease = this.held.get(guild);
    this.held.delete(guild);
    return lease;
  }

  release(guild: string): Promise<ReleaseResult> {
    const lease = this.forget(guild);
    if (this.releaseFails) return Promise.reject(new Error('Command timed out'));
    if (!lease || this.world.lock !== lease.value) return Promise.resolve({ kind: 'not-held' });
    this.world.lock = undefined;
    return Promise.resolve({ kind: 'released' });
  }
}

/** A play the test answers and ends by hand, as an engine would report it. */
export class FakePlay implements PlayingTrack {
  readonly opened: Promise<OpenResult>;
  readonly ended: Promise<PlayEnd>;
  stopped = false;
  position = 0;
  /** Set by the test to end a stopped play itself (`finish({ kind: 'stopped' })`), as its silence frames finish. */
  silenceByHand = false;
  private answered = false;
  private playing = false;
  private endedWith: PlayEnd | undefined;
  private answerOpen: (result: OpenResult) => void = () => {};
  private answerEnd: (end: PlayEnd) => void = () => {};

  constructor(
    readonly spec: PlaySpec,
    private readonly events: GuildVoiceEvents,
  ) {
    this.opened = new Promise((resolve) => (this.answerOpen = resolve));
    this.ended = new Promise((resolve) => (this.answerEnd = resolve));
  }

  /** The engine answers the open. */
  answer(result: OpenResult = { kind: 'playing', path: 'passthrough' }): void {
    if (this.answered) return;
    this.answered = true;
    this.playing = result.kind === 'playing';
    this.answerOpen(result);
  }

  /** The play ends (after its silence frames), and the engine says so. */
  finish(end: PlayEnd = { kind: 'finished' }): void {
    this.endedWith = end;
    this.answerEnd(end);
    this.events.changed();
  }

  end(): PlayEnd | undefined {
    return this.endedWith;
  }

  positionMs(): number {
    return this.position;
  }

  /** As an engine does: an open not answered yet is cancelled; a playing one ends `stopped` after its silence. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.answered) this.answer({ kind: 'cancelled' });
    else if (this.playing && this.endedWith === undefined && !this.silenceByHand) {
      this.endedWith = { kind: 'stopped' };
      this.answerEnd(this.endedWith);
    }
  }
}

export class FakeGuildVoice implements GuildVoice {
  private current: VoiceLink | undefined;
  joins: string[] = [];
  leaves = 0;
  drops = 0;
  closed = false;
  readonly plays: FakePlay[] = [];

  constructor(
    readonly guildId: string,
    readonly events: GuildVoiceEvents,
    private readonly clock: ManualClock,
  ) {}

  link(): VoiceLink | undefined {
    return this.current;
  }

  /** The test moves the connection along. */
  setLink(state: LinkState): void {
    if (this.current) this.current = { ...this.current, state };
    this.events.changed();
  }

  join(channelId: string): boolean {
    if (this.closed) return false;
    this.joins.push(channelId);
    this.current = { channelId, state: 'ready', joinedAtMs: this.clock.monotonic() };
    return true;
  }

  play(spec: PlaySpec): PlayingTrack {
    const play = new FakePlay(spec, this.events);
    this.plays.push(play);
    return play;
  }

  /** The last play asked for. */
  lastPlay(): FakePlay {
    const play = this.plays.at(-1);
    if (!play) throw new Error('nothing was played');
    return play;
  }

  /** The play that is neither stopped nor ended, if any. */
  live(): FakePlay | undefined {
    return this.plays.find((p) => !p.stopped && p.end() === undefined);
  }

  drop(): void {
    if (this.current) this.drops += 1;
    this.current = undefined;
  }

  leave(): void {
    if (this.current) this.leaves += 1;
    this.current = undefined;
  }

  close(): void {
    this.closed = true;
    for (const play of this.plays) play.stop();
    this.drop();
  }
}

export class FakeVoicePort implements VoicePort {
  readonly voices: FakeGuildVoice[] = [];
  visible = new Set<string>([GUILD]);
  private readonly seen = new Set<(guild: string) => void>();
  constructor(private readonly clock: ManualClock) {}

  ready(): boolean {
    return true;
  }

  hasGuild(guildId: string): boolean {
    return this.visible.has(guildId);
  }

  onGuildSeen(listener: (guildId: string) => void): () => void {
    this.seen.add(listener);
    return () => this.seen.delete(listener);
  }

  /** Discord delivers the guild (GUILD_CREATE). */
  deliver(guildId: string): void {
    this.visible.add(guildId);
    for (const listener of this.seen) listener(guildId);
  }

  open(guildId: string, events: GuildVoiceEvents): GuildVoice {
    const voice = new FakeGuildVoice(guildId, events, this.clock);
    this.voices.push(voice);
    return voice;
  }

  /** The guild's current voice (the last one opened). */
  current(): FakeGuildVoice {
    const voice = this.voices.at(-1);
    if (!voice) throw new Error('no voice was opened');
    return voice;
  }

  joins(): number {
    return this.voices.reduce((n, v) => n + v.joins.length, 0);
  }
}
