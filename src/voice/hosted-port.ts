/**
 * The Player's VoicePort over engine hosts (src/voice/engine/host.ts): each guild goes to the
 * least-loaded host when its voice is opened, and stays there while it is open. Commands go to the
 * guild's engine; the engine's events are mirrored here (the connection, the play, its position), so
 * everything the Player reads is answered from this thread without waiting.
 *
 * A service track's plan is made here, on the main thread (src/sources/planner.ts), where the sources'
 * API clients and tokens live; the engine asks for it with a `plan` event and fetches the bytes itself.
 */
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { PlanProvider } from '../media/plan';
import type { TrackPlanner } from '../sources/planner';
import type { GuildView } from '../discord/guild-view';
import type { EngineCommand, EngineEvent } from './engine/contract';
import type { EngineHost } from './engine/host';
import { HostedPlay } from './hosted-play';
import type { GuildVoice, GuildVoiceEvents, LinkState, PlaySpec, PlayingTrack, VoiceLink, VoicePort } from './port';

export interface HostedPortDeps {
  readonly guilds: GuildView;
  /** At least one. */
  readonly hosts: readonly EngineHost[];
  readonly planner: TrackPlanner;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface HostedVoicePort extends VoicePort {
  /** Guilds open on each host, by host name: for metrics and tests. */
  load(): ReadonlyMap<string, number>;
  /** The name of the host a guild's voice is open on. */
  hostOf(guildId: string): string | undefined;
}

export function hostedVoicePort(deps: HostedPortDeps): HostedVoicePort {
  if (deps.hosts.length === 0) throw new Error('hostedVoicePort needs at least one engine host');
  const open = new Map<string, HostedGuildVoice>();
  const onHost = new Map<EngineHost, Set<HostedGuildVoice>>(deps.hosts.map((h) => [h, new Set()]));

  for (const host of deps.hosts) {
    host.onEvent((event) => routeEvent(event, open));
    host.onRestart(() => {
      for (const voice of onHost.get(host) ?? []) voice.engineLost();
    });
  }

  const leastLoaded = (): EngineHost => {
    let best: EngineHost | undefined;
    let bestCount = Infinity;
    for (const [host, voices] of onHost) {
      if (voices.size < bestCount) {
        best = host;
        bestCount = voices.size;
      }
    }
    if (best === undefined) throw new Error('no engine host');
    return best;
  };

  return {
    ready: () => deps.guilds.ready(),
    hasGuild: (guildId) => deps.guilds.hasGuild(guildId),
    onGuildSeen: (listener) => deps.guilds.onGuildSeen(listener),
    open(guildId, events) {
      open.get(guildId)?.close();
      const host = leastLoaded();
      const voice = new HostedGuildVoice(guildId, host, deps, events, () => {
        if (open.get(guildId) === voice) open.delete(guildId);
        onHost.get(host)?.delete(voice);
      });
      open.set(guildId, voice);
      onHost.get(host)?.add(voice);
      return voice;
    },
    load: () => new Map([...onHost].map(([host, voices]) => [host.name, voices.size])),
    hostOf: (guildId) => open.get(guildId)?.hostName(),
  };
}

function routeEvent(event: EngineEvent, open: ReadonlyMap<string, HostedGuildVoice>): void {
  switch (event.type) {
    case 'positions':
      for (const entry of event.entries) open.get(entry.guild)?.position(entry.play, entry.positionMs);
      return;
    case 'stats':
      return;
    case 'link':
    case 'opened':
    case 'first-packet':
    case 'ended':
    case 'plan':
      open.get(event.guild)?.onEvent(event);
      return;
  }
}

type GuildEvent = Extract<EngineEvent, { guild: string }>;

interface MirroredLink {
  readonly join: number;
  readonly channelId: string;
  readonly state: LinkState;
  readonly joinedAtMs: number;
}

class HostedGuildVoice implements GuildVoice {
  private joins = 0;
  private plays = 0;
  private mirrored: MirroredLink | undefined;
  private current: HostedPlay | undefined;
  /** The plan provider and the abort of the current play, while the engine may still ask for plans. */
  private planning: { readonly play: number; readonly provider: PlanProvider; readonly abort: AbortController } | undefined;
  private closed = false;

  constructor(
    readonly guildId: string,
    private readonly host: EngineHost,
    private readonly deps: HostedPortDeps,
    private readonly events: GuildVoiceEvents,
    private readonly forget: () => void,
  ) {}

  hostName(): string {
    return this.host.name;
  }

  link(): VoiceLink | undefined {
    const m = this.mirrored;
    return m === undefined ? undefined : { channelId: m.channelId, state: m.state, joinedAtMs: m.joinedAtMs };
  }

  join(channelId: string): boolean {
    if (this.closed || !this.deps.guilds.hasGuild(this.guildId)) return false;
    this.joins += 1;
    this.mirrored = { join: this.joins, channelId, state: 'joining', joinedAtMs: this.deps.clock.monotonic() };
    this.send({ type: 'join', guild: this.guildId, join: this.joins, channelId });
    return true;
  }

  play(spec: PlaySpec): PlayingTrack {
    this.current?.stop();
    this.plays += 1;
    const play = new HostedPlay(this.plays, (stopped) => this.stopPlay(stopped));
    if (this.closed) {
      play.settleOpened({ kind: 'cancelled' });
      return play;
    }
    this.current = play;
    const planned = this.deps.planner(spec.track);
    if (planned.kind === 'unplayable') {
      // Answered after this call returns, as an engine's answer would be.
      queueMicrotask(() => play.settleOpened({ kind: 'unplayable', reason: planned.reason }));
      return play;
    }
    if (planned.plan !== undefined) this.planning = { play: play.id, provider: planned.plan, abort: new AbortController() };
    this.send({
      type: 'play',
      guild: this.guildId,
      play: play.id,
      request: {
        url: planned.url,
        startMs: spec.startMs,
        volumePercent: spec.volumePercent,
        ...(spec.filters === undefined ? {} : { filters: spec.filters }),
        isLive: planned.isLive,
        ...(planned.durationMs === undefined ? {} : { durationMs: planned.durationMs }),
        planned: planned.plan !== undefined,
      },
    });
    return play;
  }

  drop(): void {
    this.mirrored = undefined;
    this.send({ type: 'drop', guild: this.guildId });
  }

  leave(): void {
    this.mirrored = undefined;
    this.send({ type: 'leave', guild: this.guildId });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.mirrored = undefined;
    this.endPlanning();
    this.current?.settleEnded({ kind: 'stopped' });
    this.current = undefined;
    this.send({ type: 'close', guild: this.guildId });
    this.forget();
  }

  // ---- what the engine reports ---------------------------------------------------------------------

  onEvent(event: GuildEvent): void {
    switch (event.type) {
      case 'link': {
        const m = this.mirrored;
        if (m === undefined || m.join !== event.join) return; // about a connection we have let go of
        // A connection destroyed without our asking (it failed for good) is lost: the reconciler joins again.
        this.mirrored = { ...m, state: event.state === 'gone' ? 'lost' : event.state };
        if (m.state !== this.mirrored.state) this.events.changed();
        return;
      }
      case 'opened': {
        const play = this.playOf(event.play);
        if (play === undefined) return;
        // The engine never sees where a plan came from: the source it played from is known here.
        const via = play.via();
        play.settleOpened(event.result.kind === 'playing' && via !== undefined ? { ...event.result, via } : event.result);
        if (event.result.kind !== 'playing') this.endPlanning();
        return;
      }
      case 'first-packet':
        if (this.playOf(event.play) !== undefined) this.events.firstPacket();
        return;
      case 'ended': {
        const play = this.playOf(event.play);
        if (play === undefined) return;
        this.endPlanning();
        play.settleEnded(event.end);
        this.events.changed();
        return;
      }
      case 'plan':
        this.answerPlan(event.id, event.play, event.attempt);
        return;
    }
  }

  position(playId: number, positionMs: number): void {
    this.playOf(playId)?.reportPosition(positionMs);
  }

  /** The engine holding this guild died: its connection is lost and its play interrupted. */
  engineLost(): void {
    if (this.closed) return;
    if (this.mirrored !== undefined) this.mirrored = { ...this.mirrored, state: 'lost' };
    this.endPlanning();
    this.current?.settleEnded({ kind: 'interrupted' });
    this.events.changed();
  }

  private playOf(id: number): HostedPlay | undefined {
    const play = this.current;
    return play !== undefined && play.id === id ? play : undefined;
  }

  private stopPlay(play: HostedPlay): void {
    if (this.planning?.play === play.id) this.endPlanning();
    if (this.closed || this.current !== play) return;
    this.send({ type: 'stop', guild: this.guildId, play: play.id });
  }

  private endPlanning(): void {
    this.planning?.abort.abort();
    this.planning = undefined;
  }

  private answerPlan(id: number, playId: number, attempt: number): void {
    const planning = this.planning;
    if (planning === undefined || planning.play !== playId) {
      this.send({ type: 'plan-answer', id, outcome: { kind: 'cancelled' } });
      return;
    }
    planning.provider(attempt, planning.abort.signal).then(
      (outcome) => {
        if (outcome.kind !== 'plan') return this.send({ type: 'plan-answer', id, outcome });
        this.playOf(playId)?.noteVia(outcome.via);
        this.send({ type: 'plan-answer', id, outcome: { kind: 'plan', plan: outcome.plan } });
      },
      (err: unknown) => {
        this.deps.log.warn({ guild: this.guildId, err }, 'making a stream plan failed unexpectedly');
        this.send({ type: 'plan-answer', id, outcome: { kind: 'failed', reason: 'internal error while asking the service for the track' } });
      },
    );
  }

  private send(command: EngineCommand): void {
    this.host.send(command);
  }
}
