/** Who listens in a voice channel, from the gateway's voice states in discord.js's cache (every instance sees them). */
import type { Client } from 'discord.js';

/** Humans in the channel (this bot and other bots left out); undefined when this session does not know the guild. */
export function voiceListeners(client: Client): (guild: string, channel: string) => number | undefined {
  return (guildId, channel) => {
    const guild = client.guilds.cache.get(guildId);
    if (guild === undefined) return undefined;
    const me = client.user?.id;
    return [...guild.voiceStates.cache.values()].filter((vs) => vs.channelId === channel && vs.id !== me && vs.member?.user.bot !== true).length;
  };
}
