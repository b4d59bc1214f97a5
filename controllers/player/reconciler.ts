/**
 * The Player's reconciler (DESIGN.md §4): for one guild, re-read the desired state, compare it with
 * what this instance's voice and audio are doing, and take the one idempotent step that closes the gap.
 *
 * Slow work (voice handshakes, opening a track) runs in the background and reports back by poking the
 * guild, so a worker never waits on the network and one slow guild cannot hold up the others.
 *
 * Losing a lease has one path, `lose()`: every fenced write that answers `lease-lost`, the keeper's
 * renewals and deadlines, and a snapshot whose lock is not ours all end there.
 */
import { within } from '../../src/clock';
import { done, requeueAfter, type Reconciler, type Result } from '../../src/reconcile';
import type { GuildSnapshot, Lease, Settings, StatusUpdate } from '../../src/state';
import { sameFilters } from '../../src/filters';
import type { PlayerDeps } from './deps';
import { desireOf, type Desire } from './desire';
import { playedFromOf, positionOf, stillStopping, type QueuedTrack, type TrackOutcome } from './playback';
import { JoinPacer } from '../../src/voice/join-pacer';
import { GuildSession } from './session';

/** Retry period while Discord is not ready. */
const NOT_READY_RETRY_MS = 1000;
/** At the drain deadline, how long checkpointing and then releasing may each wait on Redis. */
const RELEASE_STEP_BUDGET_MS = 500;
/** At most this long a release waits for the audio it stopped to go quiet (five silence frames take 100 ms). */
const HANDOVER_QUIET_MS = 500;
/** After an autoplay that queued nothing (no listeners, nothing related, an error), ask again after this long. */
const AUTOPLAY_RETRY_MS = 30_000;
/** First retry for a guild this session cannot see; it doubles up to options.unseenGuildMaxBackoffMs. */
const UNSEEN_FIRST_RETRY_MS = 1000;

type AudioDesire = Extract<Desire, { kind: 'audio' }>;
/** Where a guild's voice connection stands. `paced`: waiting for a join slot, woken when one frees. */
type VoiceProgress = { readonly kind: 'ready' } | { readonly kind: 'waiting'; readonly retryMs: number } | { readonly kind: 'paced' } | { readonly kind: 'lost' };
type LossReason = 'taken' | 'expired';
/** What a fenced write answers, reduced to what the reconciler acts on. */
type Fenced = { readonly kind: 'lease-lost' } | { readonly kind: string };

export class PlayerReconciler implements Reconciler<string> {
  private readonly sessions = new Map<string, GuildSession>();
  /** Guilds whose lease was lost: monotonic time before which this instance does not claim them again. */
  private readonly cooldowns = new Map<string, number>();
  /** Guilds this session cannot see, with their backoff. Cleared when Discord delivers the guild. */
  private readonly unseen = new Map<string, { readonly retryMs: number; readonly retryAtMs: number }>();
  private draining = false;
  private lostWhileDraining = 0;
  private readonly joins: JoinPacer;
  /** Set by the wiring once the controller exists: local events re-enqueue their guild. */
  poke: (guild: string) => void = () => {};
  /** Like poke, after a delay. */
  pokeAfter: (guild: string, ms: number) => void = () => {};

  constructor(private readonly deps: PlayerDeps) {
    this.joins = new JoinPacer(deps.options.maxJoining, (guild) => this.poke(guild));
  }

  /** Guilds whose lease this instance holds, with their sessions. */
  held(): ReadonlyMap<string, GuildSession> {
    return this.sessions;
  }

  isDraining(): boolean {
    return this.draining;
  }

  /** Leases lost (not handed over) since the drain began. */
  lostDuringDrain(): number {
    return this.lostWhileDraining;
  }

  /** Stops claiming; each guild plays out the track it is on, then hands over (see audio() and settleEnded). */
  startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    for (const session of this.sessions.values()) {
      const playback = session.playback;
      session.drainTrackId = playback.kind === 'starting' || playback.kind === 'playing' || playback.kind === 'interrupted' ? playback.item.track.id : null;
      this.poke(session.guild);
    }
  }

  /**
   * Of a resync's guilds, the ones a reconcile could act on: every guild held here, and the others unless
   * they are surely idle. One batched read answers for a whole slice, where a reconcile each would cost a
   * script call and the reconcile loop's own work (10,000 idle guilds every 30 s).
   */
  async worthReconciling(guilds: readonly string[]): Promise<readonly string[]> {
    const idle = await this.deps.store.idleAmong(guilds.filter((g) => !this.sessions.has(g)));
    return guilds.filter((g) => this.sessions.has(g) || !idle.has(g));
  }

  /** Discord delivered (or updated) a guild: one we were backing off from is reconciled at once. */
  guildSeen(guild: string): void {
    if (this.unseen.delete(guild)) {
      this.deps.log.info({ guild }, 'guild visible again');
      this.poke(guild);
    }
  }

  async reconcile(guild: string): Promise<Result> {
    const before = this.sessions.get(guild);
    if (!before) {
      // Checked before any Redis read: a guild in backoff costs nothing when a resync or a hint brings it.
      const wait = this.claimWait(guild);
      if (wait !== undefined) return requeueAfter(wait);
      // Most guilds a resync brings are idle: one small script tells, before the whole snapshot is read.
      if (await this.deps.store.isIdle(guild)) return done();
      if (this.sessions.get(guild) !== before) return done();
    }
    // The head and the length are all a reconcile needs; a queue of thousands is not read every time.
    const { snapshot, corrupt } = await this.deps.store.snapshot(guild, { queue: 'head' });
    const desire = desireOf(snapshot);
    let session = this.sessions.get(guild);
    if (session !== before) return done(); // lost or claimed while reading: the poke that came with it runs next.

    if (session) {
      // Every reconcile re-reads the lock too: a lock deleted or overwritten under us is lost now,
      // not at the next fenced write.
      if (snapshot.lock?.value !== session.lease.value) return this.lose(guild, 'taken', session.lease);
    } else {
      // Silence is claimed only to stay in (24/7) or for autoplay to follow the last track (isIdle said it has not yet).
      if (desire.kind === 'silence' && desire.stayIn === undefined && !this.autoplayWanted(snapshot)) return done();
      if (this.draining) return done();
      if (!this.deps.voice.ready()) return requeueAfter(NOT_READY_RETRY_MS);
      if (!this.deps.voice.hasGuild(guild)) return requeueAfter(this.markUnseen(guild));
      const claimed = await this.claim(guild);
      if (claimed.kind === 'held') return requeueAfter(claimed.retryMs);
      session = claimed.session;
    }

    // The keeper's timer reports an expired lease, but a stalled event loop can run this first: never
    // act (say, rejoin voice after another instance took it over) on a lease past its deadline.
    if (!session.lease.isValid(this.deps.clock.monotonic())) return this.lose(guild, 'expired', session.lease);

    // A corrupt entry is moved aside when it reaches the head (the only entry read): quarantined, never dropped.
    for (const entry of corrupt) {
      if (entry.where !== 'playlist' || (snapshot.head?.kind === 'corrupt' && snapshot.head.raw === entry.raw)) continue;
      const moved = await this.deps.store.quarantine(guild, entry.raw, entry.reason, { source: 'player', lease: session.lease });
      if (this.fencedOut(session, moved)) return done();
    }
    if (session.disposed) return done();
    session.textChannel = snapshot.textChannel;

    const playback = session.playback;
    if (playback.kind === 'ended') return this.settleEnded(session, snapshot, playback.item, playback.outcome);
    const end = playback.kind === 'playing' ? playback.audio.end() : undefined;
    if (playback.kind === 'playing' && end !== undefined) {
      if (end.kind === 'finished' || end.kind === 'failed') {
        session.setPlayback({ kind: 'ended', item: playback.item, outcome: end });
        return this.settleEnded(session, snapshot, playback.item, end);
      }
      // Not ended by the track: its engine went away (or stopped it on its own). Play on from where it was.
      this.deps.log.warn({ guild, trackId: playback.item.track.id, end: end.kind, positionMs: positionOf(playback) }, 'playback interrupted: starting again at the position');
      session.setPlayback({ kind: 'interrupted', item: playback.item, positionMs: positionOf(playback) ?? playback.startMs, volume: playback.volume });
    }

    switch (desire.kind) {
      case 'quarantine-head': {
        const moved = await this.deps.store.quarantine(guild, desire.raw, desire.reason, { source: 'player', lease: session.lease });
        if (this.fencedOut(session, moved)) return done();
        this.poke(guild);
        return done();
      }
      case 'silence':
        return this.silence(session, snapshot, desire.stayIn);
      case 'audio':
        return this.audio(session, snapshot, desire);
    }
  }

  // ---- claiming and letting go -------------------------------------------------------------------

  /** How long to wait before this guild may be claimed here, if at all. */
  private claimWait(guild: string): number | undefined {
    const now = this.deps.clock.monotonic();
    const cooldownUntil = this.cooldowns.get(guild);
    if (cooldownUntil !== undefined) {
      if (now < cooldownUntil) return cooldownUntil - now;
      this.cooldowns.delete(guild);
    }
    const unseen = this.unseen.get(guild);
    if (unseen !== undefined && now < unseen.retryAtMs && !this.deps.voice.hasGuild(guild)) return unseen.retryAtMs - now;
    return undefined;
  }

  /** Records (or extends) the backoff of a guild this session cannot see, and logs its start once. */
  private markUnseen(guild: string): number {
    const previous = this.unseen.get(guild);
    const retryMs = previous === undefined ? UNSEEN_FIRST_RETRY_MS : Math.min(previous.retryMs * 2, this.deps.options.unseenGuildMaxBackoffMs);
    if (previous === undefined) this.deps.log.warn({ guild }, 'guild not visible to this Discord session (the bot may have been removed): backing off until Discord delivers it');
    this.unseen.set(guild, { retryMs, retryAtMs: this.deps.clock.monotonic() + retryMs });
    return retryMs;
  }

  private async claim(guild: string): Promise<{ kind: 'claimed'; session: GuildSession } | { kind: 'held'; retryMs: number }> {
    this.unseen.delete(guild);
    let result = await this.deps.keeper.claim(guild);
    if (result.kind === 'already-held') {
      // The keeper holds a lease no session owns. It is never adopted from memory: only a fresh claim
      // in Redis (which replaces our own lock value at once) gives the guild back.
      this.deps.log.warn({ guild, epoch: result.lease.epoch }, 'the lease keeper held a lease without a session: claiming afresh');
      this.deps.keeper.forget(guild);
      result = await this.deps.keeper.claim(guild);
    }
    if (result.kind === 'already-held') return { kind: 'held', retryMs: NOT_READY_RETRY_MS };
    if (result.kind === 'unconfirmed') {
      // No replica has the claim yet: a failover now could hand the guild to another instance too. Nothing
      // is joined or played on it; the next try takes our own lock over and waits again.
      this.deps.log.warn({ guild, value: result.value, because: result.because }, 'claim not confirmed by a replica: not playing yet, claiming again shortly');
      return { kind: 'held', retryMs: result.retryMs };
    }
    if (result.kind === 'held') {
      // Try again about when the holder's lock would lapse; notifications usually bring us back sooner.
      return { kind: 'held', retryMs: Math.max(100, Math.min(result.ttlMs, 60_000)) + Math.floor(Math.random() * 100) };
    }
    if (result.replaced !== undefined) this.deps.log.info({ guild, replaced: result.replaced }, 'took over our own stale lock');
    const session = this.newSession(guild, result.lease);
    this.sessions.set(guild, session);
    this.deps.metrics.sessions(this.sessions.size);
    this.deps.log.info({ guild, epoch: result.lease.epoch }, 'claimed guild');
    return { kind: 'claimed', session };
  }

  private newSession(guild: string, lease: Lease): GuildSession {
    const metrics = this.deps.metrics;
    // The callbacks run only once frames flow, long after `session` is assigned.
    const session: GuildSession = new GuildSession(
      guild,
      lease,
      this.deps.voice.open(guild, {
        changed: () => this.poke(guild),
        firstPacket: () => {
          // Only a track's first start answers a command; a resume or a restart at a position does not.
          const playback = session.playback;
          if (playback.kind !== 'playing' || playback.startMs !== 0 || playback.item.track.addedAt === undefined) return;
          metrics.commandToFirstPacket(Math.max(0, this.deps.clock.now() - playback.item.track.addedAt) / 1000);
        },
      }),
      this.deps.log,
    );
    return session;
  }

  /**
   * The one lease-loss path: the lease is gone (taken or expired). Silence at once, drop voice without a
   * leave payload (it would kick the new owner), make the keeper forget the lease, count and log once,
   * and keep away from the guild for a cooldown so that whoever took it keeps it.
   * A report about a lease the guild's session no longer holds is stale and ignored.
   */
  lose(guild: string, reason: LossReason, lease: Lease): Result {
    const session = this.sessions.get(guild);
    if (!session || session.lease !== lease) return done();
    this.deps.keeper.forget(guild);
    this.forgetSession(session);
    const cooldownMs = this.deps.options.lossCooldownMs;
    this.cooldowns.set(guild, this.deps.clock.monotonic() + cooldownMs);
    if (this.draining) this.lostWhileDraining += 1;
    this.deps.metrics.leaseLost(reason);
    this.deps.log.warn({ guild, reason, epoch: lease.epoch }, 'lost the guild lease: stopped playing');
    this.pokeAfter(guild, cooldownMs);
    return done();
  }

  /** True (after losing the guild) when a fenced write answered that the lease is no longer ours. */
  private fencedOut(session: GuildSession, result: Fenced): boolean {
    if (result.kind !== 'lease-lost') return session.disposed;
    this.lose(session.guild, 'taken', session.lease);
    return true;
  }

  /**
   * Lets the guild go on purpose. `leave` sends the leave payload; a handover must not.
   * Never rejects: with Redis away the lock cannot be deleted, and it then expires after its TTL.
   */
  private async release(session: GuildSession, how: { leave: boolean }): Promise<void> {
    // The next owner may start as soon as the lock is gone: what this instance stopped must be silent
    // first, or the two overlap (a stop still sends its five silence frames, from whichever thread plays).
    await within(this.deps.clock, session.silenced(), HANDOVER_QUIET_MS);
    if (how.leave) session.voice.leave();
    this.forgetSession(session);
    try {
      await this.deps.keeper.release(session.guild);
    } catch (err) {
      this.deps.log.warn({ guild: session.guild, err }, 'could not release the lease: it expires after its TTL');
      return;
    }
    if (!how.leave) this.deps.metrics.leaseHandedOver();
    this.deps.log.info({ guild: session.guild, leave: how.leave, draining: this.draining }, 'released guild');
  }

  private forgetSession(session: GuildSession): void {
    this.joins.done(session.guild);
    session.dispose();
    if (this.sessions.get(session.guild) === session) this.sessions.delete(session.guild);
    this.deps.metrics.sessions(this.sessions.size);
  }

  // ---- the end of a track ------------------------------------------------------------------------

  /** A track ended: advance past it (fenced, only if it is still the head) or quarantine it. */
  private async settleEnded(session: GuildSession, snapshot: GuildSnapshot, item: QueuedTrack, outcome: TrackOutcome): Promise<Result> {
    const guild = session.guild;
    if (outcome.kind === 'failed') {
      const result = await this.deps.store.quarantine(guild, item.raw, outcome.reason, { source: 'player', lease: session.lease });
      this.deps.log.warn({ guild, trackId: item.track.id, reason: outcome.reason, result: result.kind }, 'track unplayable: quarantined');
      if (this.fencedOut(session, result)) return done();
      if (result.kind === 'quarantined') this.deps.announce.unplayable(guild, snapshot.textChannel, item.track, outcome.reason);
    } else {
      const result = await this.deps.store.advanceIfHead(guild, item.track.id, session.lease);
      this.deps.log.debug({ guild, trackId: item.track.id, result: result.kind, streamEnded: outcome.streamEnded }, 'track finished');
      if (this.fencedOut(session, result)) return done();
      if (outcome.streamEnded !== undefined && (result.kind === 'advanced' || result.kind === 'looped')) this.deps.announce.streamEnded(guild, snapshot.textChannel, item.track, outcome.streamEnded);
    }
    this.deps.metrics.trackEnded(outcome.kind);
    session.setPlayback({ kind: 'idle' });
    if (this.draining) {
      // The rollout hand-over point: the next track is the next owner's. Stay in the channel for it.
      await this.release(session, { leave: false });
      return done();
    }
    this.poke(guild);
    return done();
  }

  // ---- nothing to play -----------------------------------------------------------------------------

  private async silence(session: GuildSession, snapshot: GuildSnapshot, stayIn: string | undefined): Promise<Result> {
    const now = this.deps.clock.monotonic();
    session.setPlayback({ kind: 'idle' });
    if (!(await this.writeStatus(session, snapshot, { trackId: null, positionMs: 0, state: 'stopped' }))) return done();
    if (this.draining) {
      // Nobody takes over a silent guild, so leave; a 24/7 guild is handed over in place instead.
      await this.release(session, { leave: stayIn === undefined });
      return done();
    }
    // The queue ran out: autoplay may queue a related track. Its end pokes the guild; until then it is not let go.
    if (this.autoplayWanted(snapshot)) {
      this.startAutoplay(session, snapshot);
      if (session.autoplay.running !== undefined) return done();
    }
    if (stayIn !== undefined) {
      session.idleSinceMs = undefined;
      const voice = await this.ensureVoice(session, snapshot, stayIn);
      return voice.kind === 'waiting' ? requeueAfter(voice.retryMs) : done();
    }
    session.idleSinceMs ??= now;
    const remaining = session.idleSinceMs + this.deps.options.idleTimeoutMs - now;
    if (remaining > 0 && session.voice.link()) return requeueAfter(remaining);
    await this.release(session, { leave: true });
    await this.deps.store.forgetIfEmpty(session.guild);
    return done();
  }

  private autoplayWanted(snapshot: GuildSnapshot): boolean {
    return this.deps.autoplay !== undefined && snapshot.settings.autoplay && snapshot.state === 'playing' && snapshot.channel !== undefined && snapshot.playlistLength === 0;
  }

  /**
   * Asks autoplay (in the background) for a track after the last one played. Only here, under the guild's
   * lease, so one instance acts per guild; its write is fenced and conditional (src/state/autoplay.ts).
   */
  private startAutoplay(session: GuildSession, snapshot: GuildSnapshot): void {
    const autoplay = this.deps.autoplay;
    const channel = snapshot.channel;
    if (autoplay === undefined || channel === undefined) return;
    if (session.autoplay.running !== undefined || this.deps.clock.monotonic() < session.autoplay.retryAtMs) return;
    const controller = new AbortController();
    session.autoplay.running = controller;
    const lease = session.lease;
    void autoplay
      .follow({ guild: session.guild, channel, textChannel: snapshot.textChannel, lease }, controller.signal)
      .then((outcome) => {
        session.autoplay.running = undefined;
        if (session.disposed || outcome.kind === 'cancelled') return;
        if (outcome.kind === 'lease-lost') {
          this.lose(session.guild, 'taken', lease);
          return;
        }
        // Nothing queued: not asked again for a while (a start clears that), so the guild can idle as usual;
        // a counted outcome (no listeners, a failure) is asked again then, when the guild is still here.
        if (outcome.kind !== 'queued') session.autoplay.retryAtMs = this.deps.clock.monotonic() + AUTOPLAY_RETRY_MS;
        if (outcome.kind !== 'queued' && outcome.kind !== 'quiet') this.pokeAfter(session.guild, AUTOPLAY_RETRY_MS);
        // A queued track arrives as a keyspace hint too; the poke makes it start without waiting for one.
        this.poke(session.guild);
      });
  }

  // ---- something to play ---------------------------------------------------------------------------

  private async audio(session: GuildSession, snapshot: GuildSnapshot, desire: AudioDesire): Promise<Result> {
    session.idleSinceMs = undefined;
    let playback = session.playback;

    // A skip, remove or move changed the head: whatever plays now is no longer wanted.
    if (playback.kind !== 'idle' && playback.item.track.id !== desire.head.track.id) {
      session.setPlayback({ kind: 'idle' });
      playback = session.playback;
    }

    // While draining, only the track that was playing when the drain began may go on here; any other
    // head (after a skip, a remove, a move) is the next owner's.
    if (this.draining && session.drainTrackId !== desire.head.track.id) {
      session.setPlayback({ kind: 'idle' });
      await this.release(session, { leave: false });
      return done();
    }

    if (desire.paused) {
      if (playback.kind === 'starting' || playback.kind === 'playing' || playback.kind === 'interrupted' || playback.kind === 'idle') {
        const positionMs = positionOf(playback) ?? desire.resumeAtMs;
        const stopping = playback.kind === 'playing' ? { startMs: playback.startMs, filters: playback.filters, audio: playback.audio } : undefined;
        session.setPlayback({ kind: 'paused', item: desire.head, positionMs, volume: desire.settings.volume, ...(stopping && { stopping }) });
      }
      // The status is written now at the last reported position, and again (exact) when the stopped play
      // ends and pokes the guild; a hand-over waits for that end, so the next owner resumes exactly.
      if (this.draining) await within(this.deps.clock, session.silenced(), HANDOVER_QUIET_MS);
      const paused = session.playback;
      if (paused.kind === 'paused' && !(await this.writeStatus(session, snapshot, { trackId: paused.item.track.id, positionMs: positionOf(paused) ?? paused.positionMs, state: 'paused' }))) return done();
      if (this.draining && !session.disposed) await this.release(session, { leave: false });
      return done();
    }

    const voice = await this.ensureVoice(session, snapshot, desire.channel);
    if (voice.kind === 'waiting') return requeueAfter(voice.retryMs);
    if (voice.kind !== 'ready') return done();

    switch (playback.kind) {
      case 'idle':
        this.start(session, desire.head, desire.resumeAtMs, desire.settings);
        break;
      case 'paused':
        // Resuming before the paused play has ended would replay what it sent after its last report.
        // Its end pokes the guild; the requeue is only a backstop.
        if (stillStopping(playback)) return requeueAfter(HANDOVER_QUIET_MS);
        this.start(session, desire.head, positionOf(playback) ?? playback.positionMs, desire.settings);
        break;
      case 'interrupted':
        this.start(session, desire.head, playback.positionMs, desire.settings);
        break;
      case 'playing':
        // Volume and filters are ffmpeg arguments: a change restarts the stream where the listener is.
        if (playback.volume !== desire.settings.volume || !sameFilters(playback.filters, desire.settings.filters)) this.start(session, desire.head, positionOf(playback) ?? 0, desire.settings);
        break;
      case 'starting':
        break;
    }
    return done();
  }

  /** Has the engine open the head; the guild is poked when it plays or turns out unplayable. */
  private start(session: GuildSession, item: QueuedTrack, startMs: number, { volume, filters }: Pick<Settings, 'volume' | 'filters'>): void {
    // Once this track leaves the head, autoplay may follow it at once.
    session.autoplay.retryAtMs = 0;
    const audio = session.voice.play({ track: item.track, startMs, volumePercent: volume, filters });
    const starting = { kind: 'starting', item, startMs, volume, filters, audio } as const;
    session.setPlayback(starting);
    void this.opened(session, starting).catch((err: unknown) => {
      this.deps.log.error({ guild: session.guild, err }, 'starting a track failed unexpectedly');
      if (session.playback === starting) session.setPlayback({ kind: 'ended', item, outcome: { kind: 'failed', reason: 'internal error while opening the track' } });
      this.poke(session.guild);
    });
  }

  private async opened(session: GuildSession, starting: Extract<GuildSession['playback'], { kind: 'starting' }>): Promise<void> {
    const { item, startMs, volume, filters, audio } = starting;
    const result = await audio.opened;
    // A skip, pause or loss superseded the start (and stopped the play, which cancels the open).
    if (session.disposed || session.playback !== starting) return;
    switch (result.kind) {
      case 'cancelled':
        // Not cancelled by us: the engine opening it went away. Start it again where it was to start.
        session.setPlayback({ kind: 'interrupted', item, positionMs: startMs, volume });
        this.poke(session.guild);
        return;
      case 'unplayable':
        session.setPlayback({ kind: 'ended', item, outcome: { kind: 'failed', reason: result.reason } });
        this.poke(session.guild);
        return;
      case 'playing':
        break;
    }
    const playing = { kind: 'playing', item, startMs, volume, filters, path: result.path, audio, ...(result.via === undefined ? {} : { via: result.via }) } as const;
    session.setPlayback(playing);
    this.deps.metrics.trackStarted(result.path);
    this.deps.log.info({ guild: session.guild, trackId: item.track.id, path: result.path, startMs, via: result.via }, 'track started');
    // A fallback is news (its own source refused it); a mirror's source is shown in the now-playing message.
    if (result.via?.because !== undefined && startMs === 0) this.deps.announce.playedElsewhere(session.guild, session.textChannel, item.track, result.via);
    const status = await this.deps.store.writeStatus(session.guild, { trackId: item.track.id, positionMs: startMs, state: 'playing', ...playedFromOf(playing) }, session.lease);
    this.fencedOut(session, status);
  }

  // ---- voice ---------------------------------------------------------------------------------------

  /**
   * Brings the connection to `channelId`; only the reconciler ever joins (the voice gate enforces it).
   * A dropped connection is joined again only after a fenced write proves the lease is still ours:
   * the drop may be Discord handing our voice to the instance that took the guild, and joining back
   * would kick it.
   */
  private async ensureVoice(session: GuildSession, snapshot: GuildSnapshot, channelId: string): Promise<VoiceProgress> {
    const now = this.deps.clock.monotonic();
    const timeout = this.deps.options.joinTimeoutMs;
    const link = session.voice.link();
    if (link && link.channelId === channelId) {
      switch (link.state) {
        case 'ready':
          this.joins.done(session.guild);
          return { kind: 'ready' };
        case 'joining': {
          const waited = now - link.joinedAtMs;
          if (waited < timeout) return { kind: 'waiting', retryMs: timeout - waited };
          this.deps.log.warn({ guild: session.guild, channelId, waitedMs: waited }, 'voice connection not ready in time: joining again');
          break;
        }
        case 'lost': {
          this.joins.done(session.guild);
          const playback = session.playback;
          const proof = { trackId: playback.kind === 'idle' ? null : playback.item.track.id, positionMs: positionOf(playback) ?? 0, state: snapshot.status?.state ?? 'stopped' } as const;
          const result = await this.deps.store.writeStatus(session.guild, proof, session.lease);
          if (this.fencedOut(session, result)) return { kind: 'lost' };
          this.deps.log.info({ guild: session.guild, channelId }, 'voice connection lost: joining again');
          break;
        }
      }
    }
    // A herd of joins (a failover) goes a few at a time; a paced guild is poked when its turn comes.
    if (!this.joins.admit(session.guild)) return { kind: 'paced' };
    if (!session.voice.join(channelId)) {
      this.joins.done(session.guild);
      return { kind: 'waiting', retryMs: NOT_READY_RETRY_MS };
    }
    if (session.voice.link()?.state !== 'ready') return { kind: 'waiting', retryMs: timeout };
    this.joins.done(session.guild);
    return { kind: 'ready' };
  }

  // ---- status --------------------------------------------------------------------------------------

  /** Fenced status write, skipped when Redis already says the same. False when the lease turned out lost. */
  private async writeStatus(session: GuildSession, snapshot: GuildSnapshot, update: StatusUpdate): Promise<boolean> {
    const current = snapshot.status;
    if (current && current.epoch === session.lease.epoch && current.trackId === update.trackId && current.state === update.state && current.positionMs === update.positionMs) return true;
    const result = await this.deps.store.writeStatus(session.guild, update, session.lease);
    return !this.fencedOut(session, result);
  }

  /** Checkpoints where every playing guild is, so another instance can resume it (DESIGN.md §4). */
  async checkpoint(): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const session of this.sessions.values()) {
      const playback = session.playback;
      if (playback.kind !== 'playing') continue;
      const positionMs = positionOf(playback) ?? 0;
      writes.push(
        this.deps.store.writeStatus(session.guild, { trackId: playback.item.track.id, positionMs, state: 'playing', ...playedFromOf(playback) }, session.lease).then((result) => {
          this.fencedOut(session, result);
        }),
      );
    }
    const failed = (await Promise.allSettled(writes)).filter((r) => r.status === 'rejected').length;
    if (failed > 0) throw new Error(`${failed} of ${writes.length} status checkpoints failed`);
  }

  /**
   * The drain deadline: checkpoint every position, then let every guild go so new owners resume there.
   * Settles every guild whatever Redis does, and waits on Redis at most RELEASE_STEP_BUDGET_MS per step:
   * a Redis that does not answer must not hold up the exit (its leases then expire after their TTL).
   */
  async releaseAll(): Promise<{ readonly released: number; readonly checkpointFailed: boolean }> {
    const checkpoint = await within(this.deps.clock, this.checkpoint(), RELEASE_STEP_BUDGET_MS);
    if (checkpoint.kind === 'late') this.deps.log.warn({ budgetMs: RELEASE_STEP_BUDGET_MS }, 'positions not checkpointed in time before releasing: guilds resume from the last checkpoint');
    if (checkpoint.kind === 'failed') this.deps.log.warn({ err: checkpoint.err }, 'could not checkpoint positions before releasing: guilds resume from the last checkpoint');
    const sessions = [...this.sessions.values()];
    await within(
      this.deps.clock,
      Promise.allSettled(sessions.map((session) => this.release(session, { leave: false }))),
      RELEASE_STEP_BUDGET_MS,
    );
    return { released: sessions.length, checkpointFailed: checkpoint.kind !== 'done' };
  }
}
