/**
 * The voice port (src/voice/port.ts) over @discordjs/voice. Joins and leaves pass through the voice
 * gate, so @discordjs/voice can never join or leave on its own initiative (see voice-gate.ts).
 */
import type { Readable } from 'node:stream';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  joinVoiceChannel,
  NoSubscriberBehavior,
  StreamType,
  VoiceConnectionStatus,
  type AudioPlayer,
  type VoiceConnection,
} from '@discordjs/voice';
import { Events, type Client } from 'discord.js';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { AudioState, GuildVoice, GuildVoiceEvents, LinkState, PlayingAudio, VoicePort } from '../voice/port';
import { discordReady } from './client';
import { FrameMeter } from './frame-meter';
import { createVoiceGate } from './voice-gate';

type Gate = ReturnType<typeof createVoiceGate>;

export function discordVoicePort(client: Client, clock: Clock, log: Logger): VoicePort {
  const gate = createVoiceGate((payload) => log.debug({ payload }, 'suppressed a voice payload not sent by the reconciler'));
  return {
    ready: () => discordReady(client),
    hasGuild: (guildId) => client.guilds.cache.has(guildId),
    onGuildSeen(listener) {
      const created = (guild: { id: string }): void => listener(guild.id);
      const updated = (_old: unknown, guild: { id: string }): void => listener(guild.id);
      client.on(Events.GuildCreate, created);
      client.on(Events.GuildAvailable, created);
      client.on(Events.GuildUpdate, updated);
      return () => {
        client.off(Events.GuildCreate, created);
        client.off(Events.GuildAvailable, created);
        client.off(Events.GuildUpdate, updated);
      };
    },
    open: (guildId, events) => new DiscordGuildVoice(guildId, client, gate, clock, log, events),
  };
}

function linkState(connection: VoiceConnection): LinkState | 'destroyed' {
  switch (connection.state.status) {
    case VoiceConnectionStatus.Ready:
      return 'ready';
    case VoiceConnectionStatus.Signalling:
    case VoiceConnectionStatus.Connecting:
      return 'joining';
    case VoiceConnectionStatus.Disconnected:
      return 'lost';
    case VoiceConnectionStatus.Destroyed:
      return 'destroyed';
  }
}

class DiscordGuildVoice implements GuildVoice {
  private readonly player: AudioPlayer;
  private readonly meter: FrameMeter;
  private connection: { readonly conn: VoiceConnection; readonly joinedAtMs: number } | undefined;
  private closed = false;

  constructor(
    readonly guildId: string,
    private readonly client: Client,
    private readonly gate: Gate,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: GuildVoiceEvents,
  ) {
    this.meter = new FrameMeter({ onFrame: (late) => events.frame(late), onFirstPacket: () => events.firstPacket() });
    // Without a ready subscriber the player pauses on its own and resumes when voice is back, so a
    // voice reconnect does not skip audio.
    this.player = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Pause } });
    this.player.on('error', (err) => log.warn({ guild: guildId, err }, 'audio player error'));
    this.player.on('stateChange', (from, to) => {
      if (to.status === AudioPlayerStatus.Idle && from.status !== AudioPlayerStatus.Idle) events.changed();
    });
  }

  link(): ReturnType<GuildVoice['link']> {
    const current = this.connection;
    if (!current) return undefined;
    const state = linkState(current.conn);
    const channelId = current.conn.joinConfig.channelId;
    if (state === 'destroyed' || channelId === null) return undefined;
    return { channelId, state, joinedAtMs: current.joinedAtMs };
  }

  join(channelId: string): boolean {
    if (this.closed) return false;
    // At once, not deferred: joinVoiceChannel would otherwise reuse the old connection of this guild.
    this.destroyConnection(false, 'now');
    const guild = this.client.guilds.cache.get(this.guildId);
    if (!guild) return false;
    const conn = this.gate.open(() =>
      joinVoiceChannel({ guildId: this.guildId, channelId, adapterCreator: this.gate.wrap(guild.voiceAdapterCreator), selfDeaf: true, selfMute: false }),
    );
    this.connection = { conn, joinedAtMs: this.clock.monotonic() };
    this.meter.attach(conn);
    conn.subscribe(this.player);
    conn.on('stateChange', () => this.events.changed());
    conn.on('error', (err) => this.log.warn({ guild: this.guildId, err }, 'voice connection error'));
    return true;
  }

  play(packets: Readable): PlayingAudio {
    const resource = createAudioResource(packets, { inputType: StreamType.Opus });
    this.meter.expectFirst();
    this.player.play(resource);
    const player = this.player;
    const meter = this.meter;
    return {
      positionMs: () => resource.playbackDuration,
      stop() {
        if (player.state.status !== AudioPlayerStatus.Idle && player.state.resource === resource) {
          meter.interrupt();
          player.stop(true);
        }
      },
    };
  }

  audio(): AudioState {
    switch (this.player.state.status) {
      case AudioPlayerStatus.Idle:
        return 'idle';
      case AudioPlayerStatus.Paused:
        return 'paused';
      case AudioPlayerStatus.Buffering:
      case AudioPlayerStatus.Playing:
      case AudioPlayerStatus.AutoPaused:
        return 'playing';
    }
  }

  unpause(): void {
    this.player.unpause();
  }

  drop(): void {
    this.destroyConnection(false);
  }

  leave(): void {
    this.destroyConnection(true);
  }

  close(): void {
    this.closed = true;
    this.meter.interrupt();
    this.player.stop(true);
    this.destroyConnection(false);
  }

  private destroyConnection(sendLeave: boolean, when: 'now' | 'next-turn' = 'next-turn'): void {
    const current = this.connection;
    this.connection = undefined;
    if (!current || current.conn.state.status === VoiceConnectionStatus.Destroyed) return;
    const conn = current.conn;
    if (when === 'now') {
      if (sendLeave) this.gate.open(() => conn.destroy(true));
      else conn.destroy(false);
      return;
    }
    // Known limit of @discordjs/voice 0.19: a new VoiceUDPSocket sends its first keep-alive from a
    // setImmediate that destroy() does not cancel, so a connection destroyed in the same turn as its UDP
    // socket was made throws ERR_SOCKET_DGRAM_NOT_RUNNING out of that immediate and kills the process
    // (seen when a drain let go of a guild it had just joined). Destroying from an immediate queued after
    // it lets the keep-alive go first. The audio has already stopped, and we have forgotten the connection.
    setImmediate(() => {
      if (conn.state.status === VoiceConnectionStatus.Destroyed) return;
      if (sendLeave) this.gate.open(() => conn.destroy(true));
      else conn.destroy(false);
    });
  }
}
