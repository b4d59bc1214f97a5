/**
 * The asking member, as an interaction tells it, turned into the facts src/policy decides on. The rules
 * themselves live in src/policy, shared with the dashboard; nothing here decides.
 */
import { GuildMember, PermissionFlagsBits, type APIInteractionGuildMember, type Guild, type PermissionsBitField } from 'discord.js';
import { botVoiceChannel, memberVoiceChannel } from '../../src/discord/voice-presence';
import type { MemberFacts } from '../../src/policy';

export { listeners } from '../../src/discord/voice-presence';
export { deniedMessage, type Denied } from '../../src/policy';

export interface Asker {
  readonly guild: Guild;
  readonly userId: string;
  readonly member: GuildMember | APIInteractionGuildMember | null;
  readonly permissions: Readonly<PermissionsBitField> | null;
}

function rolesOf(member: GuildMember | APIInteractionGuildMember | null): ReadonlySet<string> {
  if (member === null) return new Set();
  if (member instanceof GuildMember) return new Set(member.roles.cache.keys());
  return new Set(member.roles);
}

export function factsOf(asker: Asker): MemberFacts {
  return {
    userId: asker.userId,
    voiceChannel: memberVoiceChannel(asker.guild, asker.userId),
    botVoiceChannel: botVoiceChannel(asker.guild),
    roles: rolesOf(asker.member),
    manageGuild: asker.permissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}
