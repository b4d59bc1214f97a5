/** Who is in which voice channel, from the gateway's voice-state cache (every instance sees every member's). */
import type { Guild } from 'discord.js';

export function memberVoiceChannel(guild: Guild, userId: string): string | undefined {
  return guild.voiceStates.cache.get(userId)?.channelId ?? undefined;
}

/** Where the bot is connected now. */
export function botVoiceChannel(guild: Guild): string | undefined {
  return memberVoiceChannel(guild, guild.client.user.id);
}

/** Humans in a voice channel (the bot and other bots excluded): the electorate of a skip vote. */
export function listeners(guild: Guild, channel: string): string[] {
  const me = guild.client.user.id;
  return [...guild.voiceStates.cache.values()].filter((vs) => vs.channelId === channel && vs.id !== me && vs.member?.user.bot !== true).map((vs) => vs.id);
}
