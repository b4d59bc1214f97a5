/**
 * What the Player may know of the Discord session, from the main thread's discord.js client: whether
 * every shard is up, which guilds it delivered, and when one appears or changes.
 */
import { Events, type Client } from 'discord.js';
import type { VoicePort } from '../voice/port';
import { discordReady } from './client';

export type GuildView = Pick<VoicePort, 'ready' | 'hasGuild' | 'onGuildSeen'>;

export function discordGuildView(client: Client): GuildView {
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
  };
}
