/**
 * The Player's reconciler (DESIGN.md §4): for one guild, re-read the desired state, compare it with
 * what this instance's voice and audio are doing, and take the one idempotent step that closes the gap.
 *
 * Slow work (voice handshakes, opening a track) runs in the background and reports back by poking the
 * guild, so a worker never waits on the network and one slow guild cannot hold up the others.
 */
import { AudioPlayerStatus, createAudioResource, VoiceConnectionStatus } from '@discordjs/voice';
import { done, requeueAfter, type Reconciler, type Result } from '../../src/reconcile';
import type { GuildSnapshot, Lease, StatusUpdate } from '../../src/state';
import type { PlayerDeps } from './deps';
import { desireOf, type Desire } from './desire';
import { positionOf, type QueuedTrack } from './playback';
import { GuildSession } from './session';

/** Retry period while Discord is not ready or the guild is not visible to this session. */
const NOT_READY_RETRY_MS = 1000;

type AudioDesire = Extract<Desire, { kind: 'audio' }>;

export class PlayerReconciler implements Reconciler<string> {
  private readonly sessions = new Map<string, GuildSession>();
  private draining = false;
  /** Set by the wiring once the controller exists: local events re-enqueue their guild. */
  poke: (guild: string) => void = () => {};

  constructor(private readonly deps: PlayerDeps) {}

  /** Guilds whose lease this instance holds, with their sessions. */
  held(): ReadonlyMap<string, GuildSession> {
    return this.sessions;
  }

  isDraining(): boolean {
    return this.draining;
  }

  /** Stops claiming; each guild releases at its next track boundary (see settleEnded). */
  startDraining(): void {
    this.draining = true;
    for (const guild of this.sessions.keys()) this.poke(guild);
  }

  async reconcile(guild: string): Promise<Result> {
    const { snapshot, corrupt } = await this.deps.store.snapshot(guild);
    const desire = desireOf(snapshot);
    let session = this.sessions.get(guild);

    if (!session) {
      if (desire.kind === 'silence' && desire.stayIn === undefined) return done();
      if (this.draining) return done();
      if (!this.deps.voice.ready() || !this.deps.voice.hasGuild(guild)) return requeueAfter(NOT_READY_RETRY_MS);
      const claimed = await this.claim(guild);
      if (claimed.kind === 'held') return requeueAfter(claimed.retryMs);
      session = claimed.session;
    }

    // The keeper's timer reports an expired lease, but a stalled event loop can run this first: never
    // act (say, rejoin voice after another instance took it over) on a lease past its deadline.
    if (!session.lease.isValid(this.deps.clock.monotonic())) {
      this.deps.keeper.forget(guild);
      this.lose(guild, 'expired');
      return done();
    }

    // Corrupt entries behind the head are moved aside too, so the queue the members see is clean.
    for (const entry of corrupt) {
      if (entry.where !== 'playlist' || (snapshot.head?.kind === 'corrupt' && snapshot.head.raw === entry.raw)) continue;
      await this.deps.store.quarantine(guild, entry.raw, entry.reason, { source: 'player', lease: session.lease });
    }
    if (session.disposed) return done();

    const playback = session.playback;
    if (playback.kind === 'ended') return this.settleEnded(session, snapshot, playback.item, playback.outcome);
    if (playback.kind === 'playing' && this.deps.voice.ready() && session.audio.state.status === AudioPlayerStatus.Idle) {
      // The audio player ran out of packets: the stream ended. Its `done` says whether it ended well.
      const end = await playback.done;
      if (session.disposed || session.playback !== playback) return done();
      const outcome = end.kind === 'failed' ? end : { kind: 'finished' as const };
      session.setPlayback({ kind: 'ended', item: playback.item, outcome });
      return this.settleEnded(session, snapshot, playback.item, outcome);
    }

    switch (desire.kind) {
      case 'quarantine-head':
        await this.deps.store.quarantine(guild, desire.raw, desire.reason, { source: 'player', lease: session.lease });
        this.poke(guild);
        return done();
      case 'silence':
        return this.silence(session, snapshot, desire.stayIn);
      case 'audio':
        return this.audio(session, snapshot, desire);
    }
  }

  // ---- claiming and letting go -------------------------------------------------------------------

  private async claim(guild: string): Promise<{ kind: 'claimed'; session: GuildSession } | { kind: 'held'; retryMs: number }> {
    const result = await this.deps.keeper.claim(guild);
    if (result.kind === 'already-held') {
      // Only reachable if a session was dropped without releasing: adopt the lease we still hold.
      const adopted = this.newSession(guild, result.lease);
      this.sessions.set(guild, adopted);
      return { kind: 'claimed', session: adopted };
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
    const session: GuildSession = new GuildSession(guild, lease, this.deps.log, () => this.poke(guild), {
      onFrame: (late) => metrics.audioFrame(late),
      onFirstPacket: () => {
        // Only a track's first start answers a command; a resume or a restart at a position does not.
        const playback = session.playback;
        if (playback.kind !== 'playing' || playback.startMs !== 0 || playback.item.track.addedAt === undefined) return;
        metrics.commandToFirstPacket(Math.max(0, this.deps.clock.now() - playback.item.track.addedAt) / 1000);
      },
    });
    return session;
  }

  /** The lease is gone (taken or expired): silence at once, and no leave payload, since it would kick the new owner. */
  lose(guild: string, reason: 'taken' | 'expired'): void {
    const session = this.sessions.get(guild);
    if (!session) return;
    this.forgetSession(session);
    const connection = session.detach();
    if (connection) this.deps.voice.drop(connection);
    this.deps.metrics.leaseLost(reason);
    this.deps.log.warn({ guild, reason }, 'lost the guild lease: stopped playing');
    this.poke(guild);
  }

  /** Lets the guild go on purpose. `leave` sends the leave payload; a handover must not. */
  private async release(session: GuildSession, how: { leave: boolean }): Promise<void> {
    this.forgetSession(session);
    const connection = session.detach();
    if (connection) {
      if (how.leave) this.deps.voice.leave(connection);
      else this.deps.voice.drop(connection);
    }
    await this.deps.keeper.release(session.guild);
    if (!how.leave) this.deps.metrics.leaseHandedOver();
    this.deps.log.info({ guild: session.guild, leave: how.leave, draining: this.draining }, 'released guild');
  }

  private forgetSession(session: GuildSession): void {
    session.dispose();
    if (this.sessions.get(session.guild) === session) this.sessions.delete(session.guild);
    this.deps.metrics.sessions(this.sessions.size);
  }

  // ---- the end of a track ------------------------------------------------------------------------

  /** A track ended: advance past it (fenced, only if it is still the head) or quarantine it. */
  private async settleEnded(session: GuildSession, snapshot: GuildSnapshot, item: QueuedTrack, outcome: { kind: 'finished' } | { kind: 'failed'; reason: string }): Promise<Result> {
    const guild = session.guild;
    if (outcome.kind === 'failed') {
      const result = await this.deps.store.quarantine(guild, item.raw, outcome.reason, { source: 'player', lease: session.lease });
      if (result.kind === 'quarantined') this.deps.announce.unplayable(guild, snapshot.textChannel, item.track, outcome.reason);
      this.deps.log.warn({ guild, trackId: item.track.id, reason: outcome.reason, result: result.kind }, 'track unplayable: quarantined');
    } else {
      const result = await this.deps.store.advanceIfHead(guild, item.track.id, session.lease);
      this.deps.log.debug({ guild, trackId: item.track.id, result: result.kind }, 'track finished');
    }
    this.deps.metrics.trackEnded(outcome.kind);
    if (session.disposed) return done();
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
    await this.writeStatus(session, snapshot, { trackId: null, positionMs: 0, state: 'stopped' });
    if (session.disposed) return done();
    if (this.draining) {
      // Nobody takes over a silent guild, so leave; a 24/7 guild is handed over in place instead.
      await this.release(session, { leave: stayIn === undefined });
      return done();
    }
    if (stayIn !== undefined) {
      session.idleSinceMs = undefined;
      const voice = this.ensureVoice(session, stayIn);
      return voice.kind === 'ready' ? done() : requeueAfter(voice.retryMs);
    }
    session.idleSinceMs ??= now;
    const remaining = session.idleSinceMs + this.deps.options.idleTimeoutMs - now;
    if (remaining > 0 && session.connection) return requeueAfter(remaining);
    await this.release(session, { leave: true });
    await this.deps.store.forgetIfEmpty(session.guild);
    return done();
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

    if (desire.paused) {
      if (playback.kind === 'starting' || playback.kind === 'playing' || playback.kind === 'idle') {
        const positionMs = positionOf(playback) ?? desire.resumeAtMs;
        session.setPlayback({ kind: 'paused', item: desire.head, positionMs, volume: desire.settings.volume });
      }
      const paused = session.playback;
      if (paused.kind === 'paused') await this.writeStatus(session, snapshot, { trackId: paused.item.track.id, positionMs: paused.positionMs, state: 'paused' });
      if (this.draining && !session.disposed) await this.release(session, { leave: false });
      return done();
    }

    const voice = this.ensureVoice(session, desire.channel);
    if (voice.kind !== 'ready') return requeueAfter(voice.retryMs);

    switch (playback.kind) {
      case 'idle':
        this.start(session, desire.head, desire.resumeAtMs, desire.settings.volume);
        break;
      case 'paused':
        this.start(session, desire.head, playback.positionMs, desire.settings.volume);
        break;
      case 'playing':
        if (playback.volume !== desire.settings.volume) {
          // Volume is an ffmpeg argument: a change restarts the stream where the listener is.
          this.start(session, desire.head, positionOf(playback) ?? 0, desire.settings.volume);
        } else if (session.audio.state.status === AudioPlayerStatus.Paused) {
          session.audio.unpause();
        }
        break;
      case 'starting':
        break;
    }
    return done();
  }

  /**
   * Opens the head in the background; the guild is poked when it plays or turns out unplayable.
   * Known limit: opens are not rate-limited, so a herd of starts (a failover of many guilds) shares the
   * event loop with the 20 ms audio cycle of guilds already playing, delaying a few of their frames.
   */
  private start(session: GuildSession, item: QueuedTrack, startMs: number, volume: number): void {
    const abort = new AbortController();
    const starting = { kind: 'starting', item, startMs, volume, abort } as const;
    session.setPlayback(starting);
    void this.open(session, starting).catch((err: unknown) => {
      this.deps.log.error({ guild: session.guild, err: err instanceof Error ? err.message : String(err) }, 'opening a track failed unexpectedly');
      if (session.playback === starting) session.setPlayback({ kind: 'ended', item, outcome: { kind: 'failed', reason: 'internal error while opening the track' } });
      this.poke(session.guild);
    });
  }

  private async open(session: GuildSession, starting: Extract<GuildSession['playback'], { kind: 'starting' }>): Promise<void> {
    const { item, startMs, volume } = starting;
    const outcome = await this.deps.openTrack({ url: item.track.url, startMs, volumePercent: volume, isLive: item.track.live === true });
    if (session.disposed || session.playback !== starting || starting.abort.signal.aborted) {
      if (outcome.kind === 'playing') outcome.close();
      return;
    }
    if (outcome.kind === 'unplayable') {
      session.setPlayback({ kind: 'ended', item, outcome: { kind: 'failed', reason: outcome.reason } });
      this.poke(session.guild);
      return;
    }
    const resource = createAudioResource(outcome.stream, { inputType: outcome.streamType, metadata: item.track.id });
    session.setPlayback({ kind: 'playing', item, startMs, volume, path: outcome.path, resource, close: outcome.close, done: outcome.done });
    session.frames.expectFirst();
    session.audio.play(resource);
    this.deps.metrics.trackStarted(outcome.path);
    this.deps.log.info({ guild: session.guild, trackId: item.track.id, path: outcome.path, startMs }, 'track started');
    const status = await this.deps.store.writeStatus(session.guild, { trackId: item.track.id, positionMs: startMs, state: 'playing' }, session.lease);
    if (status.kind === 'lease-lost') this.lose(session.guild, 'taken');
  }

  // ---- voice ---------------------------------------------------------------------------------------

  /** Brings the connection to `channelId`; only the reconciler ever joins (the voice gate enforces it). */
  private ensureVoice(session: GuildSession, channelId: string): { kind: 'ready' } | { kind: 'waiting'; retryMs: number } {
    const now = this.deps.clock.monotonic();
    const timeout = this.deps.options.joinTimeoutMs;
    const current = session.connection;
    if (current && current.state.status !== VoiceConnectionStatus.Destroyed && current.joinConfig.channelId === channelId) {
      switch (current.state.status) {
        case VoiceConnectionStatus.Ready:
          return { kind: 'ready' };
        case VoiceConnectionStatus.Signalling:
        case VoiceConnectionStatus.Connecting: {
          const waited = session.connectedForMs(now);
          if (waited < timeout) return { kind: 'waiting', retryMs: timeout - waited };
          this.deps.log.warn({ guild: session.guild, channelId, waitedMs: waited }, 'voice connection not ready in time: joining again');
          break;
        }
        case VoiceConnectionStatus.Disconnected:
          // A closed voice socket or a refused self-rejoin: the reconciler joins again itself.
          this.deps.log.info({ guild: session.guild, channelId }, 'voice connection lost: joining again');
          break;
      }
    }
    const old = session.detach();
    if (old) this.deps.voice.drop(old);
    const connection = this.deps.voice.join(session.guild, channelId);
    if (!connection) return { kind: 'waiting', retryMs: NOT_READY_RETRY_MS };
    session.attach(connection, now);
    return connection.state.status === VoiceConnectionStatus.Ready ? { kind: 'ready' } : { kind: 'waiting', retryMs: timeout };
  }

  // ---- status --------------------------------------------------------------------------------------

  /** Fenced status write, skipped when Redis already says the same. */
  private async writeStatus(session: GuildSession, snapshot: GuildSnapshot, update: StatusUpdate): Promise<void> {
    const current = snapshot.status;
    if (current && current.epoch === session.lease.epoch && current.trackId === update.trackId && current.state === update.state && current.positionMs === update.positionMs) return;
    const result = await this.deps.store.writeStatus(session.guild, update, session.lease);
    if (result.kind === 'lease-lost') this.lose(session.guild, 'taken');
  }

  /** Checkpoints where every playing guild is, so another instance can resume it (DESIGN.md §4). */
  async checkpoint(): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const session of this.sessions.values()) {
      const playback = session.playback;
      if (playback.kind !== 'playing') continue;
      const positionMs = positionOf(playback) ?? 0;
      writes.push(
        this.deps.store.writeStatus(session.guild, { trackId: playback.item.track.id, positionMs, state: 'playing' }, session.lease).then((result) => {
          if (result.kind === 'lease-lost') this.lose(session.guild, 'taken');
        }),
      );
    }
    await Promise.all(writes);
  }

  /** The drain deadline: checkpoint every position, then let every guild go so new owners resume there. */
  async releaseAll(): Promise<void> {
    await this.checkpoint();
    await Promise.all([...this.sessions.values()].map((session) => this.release(session, { leave: false })));
  }
}
