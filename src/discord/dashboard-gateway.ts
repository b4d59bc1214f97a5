/**
 * What the web dashboard reads from Discord's gateway, as one narrow port: the guilds this bot is in,
 * a guild's name, icon, roles and channels (the gateway cache), and a member's facts for src/policy:
 * roles and Manage Server from a fresh `guild.members.fetch` (hiqty has no GuildMembers intent, so the
 * cache would not see a role taken away), voice states from the cache (the GuildVoiceStates intent keeps
 * them current). The dashboard takes this port as a dependency; app/ builds it from the instance's client.
 */
import { ChannelType, DiscordAPIError, PermissionFlagsBits, type Client, type Guild } from 'discord.js';
import { botVoiceChannel, listeners, memberVoiceChannel } from './voice-presence';

export interface NamedId {
  readonly id: string;
  readonly name: string;
}

export interface GatewayGuild {
  readonly id: string;
  readonly name: string;
  readonly iconUrl: string | null;
  /** Besides @everyone, highest first. */
  readonly roles: readonly NamedId[];
  readonly textChannels: readonly NamedId[];
  readonly voiceChannels: readonly NamedId[];
}

/** What the gateway says about one member, the raw material of src/policy's MemberFacts. */
export interface GatewayMember {
  readonly userId: string;
  readonly roles: readonly string[];
  readonly manageGuild: boolean;
  /** The member's voice channel, from the cache. */
  readonly voiceChannel: string | undefined;
  /** Where the bot is connected in this guild, from the cache. */
  readonly botVoiceChannel: string | undefined;
  /** Humans in the bot's channel (the bot and other bots left out); empty when the bot is not connected. */
  readonly listeners: readonly string[];
}

export type MemberLookup = { readonly kind: 'member'; readonly member: GatewayMember } | { readonly kind: 'not-member' } | { readonly kind: 'unknown-guild' };

export interface DashboardGateway {
  /** Whether this instance's session is in the guild. */
  hasGuild(guild: string): boolean;
  guild(guild: string): GatewayGuild | undefined;
  /** The member's facts; not-member when Discord says the user is not in the guild. Other failures reject. */
  member(guild: string, user: string): Promise<MemberLookup>;
}

/** Discord's code for "Unknown Member" (and "Unknown User"): the user is not in the guild. */
const NOT_A_MEMBER_CODES = new Set([10007, 10013]);

function iconUrl(guild: Guild): string | null {
  return guild.icon === null ? null : `https://cdn.discordapp.com/icons/${guild.id}/${guild.icon}.png?size=128`;
}

export function discordDashboardGateway(client: Client): DashboardGateway {
  return {
    hasGuild: (id) => client.guilds.cache.has(id),
    guild(id) {
      const guild = client.guilds.cache.get(id);
      if (guild === undefined) return undefined;
      const channels = [...guild.channels.cache.values()].sort((a, b) => ('position' in a && 'position' in b ? a.position - b.position : 0));
      return {
        id: guild.id,
        name: guild.name,
        iconUrl: iconUrl(guild),
        roles: [...guild.roles.cache.values()].filter((r) => r.id !== guild.id).sort((a, b) => b.position - a.position).map((r) => ({ id: r.id, name: r.name })),
        textChannels: channels.filter((c) => c.type === ChannelType.GuildText || c.type === ChannelType.GuildAnnouncement).map((c) => ({ id: c.id, name: c.name })),
        voiceChannels: channels.filter((c) => c.type === ChannelType.GuildVoice || c.type === ChannelType.GuildStageVoice).map((c) => ({ id: c.id, name: c.name })),
      };
    },
    async member(id, user) {
      const guild = client.guilds.cache.get(id);
      if (guild === undefined) return { kind: 'unknown-guild' };
      let fetched;
      try {
        fetched = await guild.members.fetch({ user, force: true, cache: false });
      } catch (err) {
        if (err instanceof DiscordAPIError && typeof err.code === 'number' && NOT_A_MEMBER_CODES.has(err.code)) return { kind: 'not-member' };
        throw err;
      }
      const inBotChannel = botVoiceChannel(guild);
      return {
        kind: 'member',
        member: {
          userId: user,
          roles: [...fetched.roles.cache.keys()].filter((r) => r !== guild.id),
          manageGuild: fetched.permissions.has(PermissionFlagsBits.ManageGuild),
          voiceChannel: memberVoiceChannel(guild, user),
          botVoiceChannel: inBotChannel,
          listeners: inBotChannel === undefined ? [] : listeners(guild, inBotChannel),
        },
      };
    },
  };
}
