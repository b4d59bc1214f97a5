/**
 * The voice engine (src/voice/engine/contract.ts): per guild a voice connection and at most one play,
 * all sent by one frame clock. Commands in, events out, nothing else: the same engine runs in the
 * main thread or in a voice worker.
 *
 * A play that replaces another waits for the old one's five silence frames before it takes the
 * speaker, so two plays never share a sink.
 */
import type { Timer } from '../../clock';
import { createVoiceGate } from '../../discord/voice-gate';
import type { OpenOutcome, TrackEnd, TrackRequest } from '../../media/open-track';
import type { PlayEnd } from '../port';
import { POSITION_REPORT_MS, STATS_REPORT_MS, type AudioSink, type Engine, type EngineCommand, type EngineDeps, type EnginePlayRequest, type EngineStats } from './contract';
import { FrameClock } from './frame-clock';
import { GuildLink } from './guild-link';
import { PlanRequests } from './plan-requests';
import { newAudioCounters, TrackAudio, type AudioEnd } from './track-audio';

type Playing = Extract<OpenOutcome, { kind: 'playing' }>;

interface Play {
  readonly id: number;
  readonly audio: TrackAudio;
  readonly abort: AbortController;
  /** Set once the open answered `playing`. */
  media: Playing | undefined;
  /** stop/close/replace came: whatever the open answers, the play is over. */
  stopped: boolean;
}

interface Guild {
  readonly id: string;
  /** The latest join's id and connection (none after drop/leave). */
  join: number;
  link: GuildLink | undefined;
  /** The sink of the current connection while it can send. */
  sink: AudioSink | undefined;
  /** The current play, and one still sending its silence frames before the current one may speak. */
  play: Play | undefined;
  ending: Play | undefined;
}

let engines = 0;

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createVoiceEngine(deps: EngineDeps): Engine {
  const { clock, log } = deps;
  const group = `hiqty-engine-${++engines}`;
  const gate = createVoiceGate((payload) => log.debug({ payload }, 'suppressed a voice payload not sent by the engine'));
  const frames = new FrameClock({ clock });
  const counters = newAudioCounters();
  const guilds = new Map<string, Guild>();
  const plans = new PlanRequests((id, guild, play, attempt) => deps.emit({ type: 'plan', id, guild, play, attempt }));
  let gapWindowStart = clock.monotonic();
  let positionsTimer: Timer | undefined;
  let closed = false;

  const audible = (g: Guild): Play | undefined => g.ending ?? g.play;

  function guildOf(id: string): Guild {
    let g = guilds.get(id);
    if (!g) {
      g = { id, join: 0, link: undefined, sink: undefined, play: undefined, ending: undefined };
      guilds.set(id, g);
    }
    return g;
  }

  function setSink(g: Guild, sink: AudioSink | undefined): void {
    g.sink = sink;
    audible(g)?.audio.attach(sink);
  }

  function join(guildId: string, joinId: number, channelId: string): void {
    const g = guildOf(guildId);
    // At once, not deferred: joinVoiceChannel would otherwise reuse the old connection of this guild.
    g.link?.destroy(false, 'now');
    setSink(g, undefined);
    g.join = joinId;
    let adapter;
    try {
      adapter = deps.adapterFor(guildId);
    } catch (err) {
      log.warn({ guild: guildId, join: joinId, err }, 'no gateway adapter for the guild');
      g.link = undefined;
      deps.emit({ type: 'link', guild: guildId, join: joinId, channelId, state: 'gone' });
      return;
    }
    g.link = new GuildLink({
      guild: guildId,
      join: joinId,
      channelId,
      adapter,
      gate,
      group,
      sinks: deps.sinks,
      log,
      onState: (state) => deps.emit({ type: 'link', guild: guildId, join: joinId, channelId, state }),
      onSink: (sink) => {
        if (g.join === joinId && guilds.get(guildId) === g) setSink(g, sink);
      },
    });
  }

  function unlink(g: Guild, sendLeave: boolean): void {
    const link = g.link;
    g.link = undefined;
    setSink(g, undefined);
    link?.destroy(sendLeave, 'next-turn');
  }

  function play(guildId: string, playId: number, request: EnginePlayRequest): void {
    const g = guildOf(guildId);
    if (g.play) stopPlay(g, g.play);
    const abort = new AbortController();
    const p: Play = {
      id: playId,
      abort,
      media: undefined,
      stopped: false,
      audio: new TrackAudio(clock, counters, {
        firstPacket: () => deps.emit({ type: 'first-packet', guild: guildId, play: playId }),
        ended: (how) => void audioEnded(g, p, how),
      }),
    };
    g.play = p;
    if (g.ending === undefined) p.audio.attach(g.sink);
    const track: TrackRequest = {
      url: request.url,
      startMs: request.startMs,
      volumePercent: request.volumePercent,
      ...(request.filters === undefined ? {} : { filters: request.filters }),
      isLive: request.isLive,
      signal: abort.signal,
      ...(request.durationMs === undefined ? {} : { durationMs: request.durationMs }),
      ...(request.planned ? { plan: plans.provider(guildId, playId) } : {}),
    };
    void open(g, p, track);
  }

  async function open(g: Guild, p: Play, request: TrackRequest): Promise<void> {
    let outcome: OpenOutcome;
    try {
      outcome = await deps.openTrack(request);
    } catch (err) {
      log.warn({ guild: g.id, play: p.id, err }, 'opening a track failed');
      outcome = { kind: 'unplayable', reason: `the track could not be opened: ${describe(err)}` };
    }
    if (p.stopped || closed) {
      if (outcome.kind === 'playing') outcome.close();
      deps.emit({ type: 'opened', guild: g.id, play: p.id, result: { kind: 'cancelled' } });
      return;
    }
    if (outcome.kind !== 'playing') {
      if (g.play === p) g.play = undefined;
      deps.emit({ type: 'opened', guild: g.id, play: p.id, result: outcome.kind === 'cancelled' ? outcome : { kind: 'unplayable', reason: outcome.reason } });
      forgetIfIdle(g);
      return;
    }
    p.media = outcome;
    deps.emit({ type: 'opened', guild: g.id, play: p.id, result: { kind: 'playing', path: outcome.path } });
    p.audio.start(outcome.stream);
    frames.add(p.audio);
    armPositions();
  }

  function stopPlay(g: Guild, p: Play): void {
    if (p.stopped) return;
    p.stopped = true;
    if (g.play === p) g.play = undefined;
    if (p.media === undefined) {
      // Still opening: the open answers `cancelled` (see open()).
      p.abort.abort();
      p.audio.stop();
      return;
    }
    const state = p.audio.state;
    if (state.kind === 'ended') return;
    g.ending = p;
    // All its audio was sent and its silence is going out: it finishes as it was going to.
    if (state.kind === 'silence') return;
    // Nothing more is read: close the media now, the silence frames need none of it.
    p.media.close();
    p.audio.stop();
  }

  async function audioEnded(g: Guild, p: Play, how: AudioEnd): Promise<void> {
    frames.remove(p.audio);
    if (g.ending === p) {
      g.ending = undefined;
      g.play?.audio.attach(g.sink);
    }
    if (g.play === p) g.play = undefined;
    const media = p.media;
    if (media === undefined) return; // an open that was stopped: `opened` says cancelled, no `ended`
    const end = how === 'stopped' ? STOPPED : playEnd(await media.done);
    media.close();
    deps.emit({ type: 'positions', entries: [{ guild: g.id, play: p.id, positionMs: p.audio.positionMs() }] });
    deps.emit({ type: 'ended', guild: g.id, play: p.id, end });
    forgetIfIdle(g);
  }

  function forgetIfIdle(g: Guild): void {
    if (g.link === undefined && g.play === undefined && g.ending === undefined && guilds.get(g.id) === g) guilds.delete(g.id);
  }

  function armPositions(): void {
    if (positionsTimer !== undefined || closed) return;
    positionsTimer = clock.setTimeout(reportPositions, POSITION_REPORT_MS);
  }

  function reportPositions(): void {
    positionsTimer = undefined;
    const entries: Array<{ guild: string; play: number; positionMs: number }> = [];
    for (const g of guilds.values()) {
      for (const p of [g.ending, g.play]) {
        if (p?.media !== undefined && p.audio.state.kind !== 'ended') entries.push({ guild: g.id, play: p.id, positionMs: p.audio.positionMs() });
      }
    }
    if (entries.length === 0) return;
    deps.emit({ type: 'positions', entries });
    armPositions();
  }

  function closeGuild(g: Guild): void {
    for (const p of [g.ending, g.play]) {
      if (p === undefined) continue;
      stopPlay(g, p);
      p.audio.stopNow();
    }
    unlink(g, false);
    guilds.delete(g.id);
  }

  function handle(command: EngineCommand): void {
    if (closed) return;
    switch (command.type) {
      case 'join':
        return join(command.guild, command.join, command.channelId);
      case 'play':
        return play(command.guild, command.play, command.request);
      case 'stop': {
        const g = guilds.get(command.guild);
        if (g?.play?.id === command.play) stopPlay(g, g.play);
        return;
      }
      case 'drop':
      case 'leave': {
        const g = guilds.get(command.guild);
        if (!g) return;
        unlink(g, command.type === 'leave');
        forgetIfIdle(g);
        return;
      }
      case 'close': {
        const g = guilds.get(command.guild);
        if (g) closeGuild(g);
        return;
      }
      case 'plan-answer':
        plans.answer(command.id, command.outcome);
        return;
    }
  }

  function stats(): EngineStats {
    let playing = 0;
    for (const g of guilds.values()) if (audible(g)?.audio.sending() === true) playing++;
    const c = frames.counters;
    const result: EngineStats = {
      guilds: guilds.size,
      playing,
      framesSent: counters.framesSent,
      framesLate: counters.framesLate,
      ticks: c.ticks,
      ticksMissed: c.ticksMissed,
      packetsPrepared: c.packetsPrepared,
      prepareMicros: Math.round(c.prepareMicros),
      dispatchMicros: Math.round(c.dispatchMicros),
      longestGapMs: counters.longestGapMs,
      ffmpegProcesses: deps.ffmpeg.count,
    };
    const now = clock.monotonic();
    if (now - gapWindowStart >= STATS_REPORT_MS) {
      gapWindowStart = now;
      counters.longestGapMs = 0;
    }
    return result;
  }

  return {
    handle,
    stats,
    close() {
      if (closed) return;
      for (const g of [...guilds.values()]) closeGuild(g);
      closed = true;
      plans.cancelAll();
      positionsTimer?.cancel();
      positionsTimer = undefined;
      frames.close();
    },
  };
}

const STOPPED: PlayEnd = { kind: 'stopped' };

function playEnd(end: TrackEnd): PlayEnd {
  switch (end.kind) {
    case 'finished':
      return end.streamEnded === undefined ? { kind: 'finished' } : { kind: 'finished', streamEnded: end.streamEnded };
    case 'failed':
      return { kind: 'failed', reason: end.reason };
    case 'closed':
      return { kind: 'stopped' };
  }
}
