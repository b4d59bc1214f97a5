/**
 * The Player's only door to Discord voice. Joins and leaves pass through the voice gate, so
 * @discordjs/voice can never join or leave on its own initiative (see voice-gate.ts).
 */
import { joinVoiceChannel, type VoiceConnection } from '@discordjs/voice';
import type { Client } from 'discord.js';
import type { Logger } from '../log';
import { discordReady } from './client';
import { createVoiceGate } from './voice-gate';

export interface VoiceAccess {
  /** Every shard is connected: only then may guilds be claimed. */
  ready(): boolean;
  /** The guild is known to this session (its shard delivered it): only then can we join there. */
  hasGuild(guildId: string): boolean;
  /** Joins (or moves to) a channel. The connection reports progress through its state changes. */
  join(guildId: string, channelId: string): VoiceConnection | undefined;
  /** Leaves the channel: sends the leave payload. Only for a guild whose lease we hold. */
  leave(connection: VoiceConnection): void;
  /** Forgets the connection locally WITHOUT a leave payload: a leave would kick the guild's new owner. */
  drop(connection: VoiceConnection): void;
  /** Self-rejoins that the gate refused, since start. */
  suppressedPayloads(): number;
}

export function discordVoiceAccess(client: Client, log: Logger): VoiceAccess {
  const gate = createVoiceGate((payload) => log.debug({ payload }, 'suppressed a voice payload not sent by the reconciler'));
  const destroy = (connection: VoiceConnection, sendLeave: boolean): void => {
    if (connection.state.status === 'destroyed') return;
    if (sendLeave) gate.open(() => connection.destroy(true));
    else connection.destroy(false);
  };
  return {
    ready: () => discordReady(client),
    hasGuild: (guildId) => client.guilds.cache.has(guildId),
    join(guildId, channelId) {
      const guild = client.guilds.cache.get(guildId);
      if (!guild) return undefined;
      return gate.open(() =>
        joinVoiceChannel({
          guildId,
          channelId,
          adapterCreator: gate.wrap(guild.voiceAdapterCreator),
          selfDeaf: true,
          selfMute: false,
        }),
      );
    },
    leave: (connection) => destroy(connection, true),
    drop: (connection) => destroy(connection, false),
    suppressedPayloads: () => gate.suppressed,
  };
}
