/**
 * Who may do what. Voice: controls need the member in the bot's voice channel, or, while the bot is not
 * connected, in the channel the guild is set to play in. DJ: when a DJ role is set, destructive
 * actions need it. Everything is read from the gateway cache (voice states, roles) and the snapshot.
 */
import { GuildMember, PermissionFlagsBits, type APIInteractionGuildMember, type Guild, type PermissionsBitField } from 'discord.js';
import type { Translate } from '../../src/i18n';
import type { GuildSnapshot } from '../../src/state';

export interface Asker {
  readonly guild: Guild;
  readonly userId: string;
  readonly member: GuildMember | APIInteractionGuildMember | null;
  readonly permissions: Readonly<PermissionsBitField> | null;
}

export type Denied =
  | { readonly kind: 'not-in-voice' }
  | { readonly kind: 'other-channel'; readonly memberChannel: string; readonly botChannel: string }
  | { readonly kind: 'not-dj'; readonly role: string }
  | { readonly kind: 'not-manager' };

/** Why the member may not, and what to do, in their language. */
export function deniedMessage(d: Denied, t: Translate): string {
  switch (d.kind) {
    case 'not-in-voice':
      return t('replies:denied.not-in-voice');
    case 'other-channel':
      return t('replies:denied.other-channel', { mine: `<#${d.memberChannel}>`, music: `<#${d.botChannel}>` });
    case 'not-dj':
      return t('replies:denied.not-dj', { role: `<@&${d.role}>` });
    case 'not-manager':
      return t('replies:denied.not-manager');
  }
}

export function memberVoiceChannel(guild: Guild, userId: string): string | undefined {
  return guild.voiceStates.cache.get(userId)?.channelId ?? undefined;
}

/** Where the bot is connected now, from the gateway's voice states (every instance sees the bot's). */
export function botVoiceChannel(guild: Guild): string | undefined {
  const me = guild.client.user.id;
  return guild.voiceStates.cache.get(me)?.channelId ?? undefined;
}

/** Whether the guild has music to play (or should stay): then its desired channel binds members. */
export function isActive(snapshot: GuildSnapshot): boolean {
  return (snapshot.state !== 'stopped' && snapshot.playlistLength > 0) || (snapshot.settings.stay && snapshot.channel !== undefined);
}

/**
 * The channel a member must be in to control the music, or undefined when any channel will do.
 * For /play an idle guild goes wherever the member is, even if the bot still idles in a channel.
 */
export function controlChannel(guild: Guild, snapshot: GuildSnapshot, forPlay: boolean): string | undefined {
  const active = isActive(snapshot);
  if (forPlay && !active) return undefined;
  return botVoiceChannel(guild) ?? (active ? snapshot.channel : undefined);
}

export type VoiceVerdict = { readonly kind: 'ok'; readonly channel: string } | Denied;

export function checkVoice(asker: Asker, snapshot: GuildSnapshot, forPlay = false): VoiceVerdict {
  const mine = memberVoiceChannel(asker.guild, asker.userId);
  if (mine === undefined) return { kind: 'not-in-voice' };
  const needed = controlChannel(asker.guild, snapshot, forPlay);
  if (needed !== undefined && needed !== mine) return { kind: 'other-channel', memberChannel: mine, botChannel: needed };
  return { kind: 'ok', channel: mine };
}

function hasRole(member: GuildMember | APIInteractionGuildMember | null, role: string): boolean {
  if (member === null) return false;
  if (member instanceof GuildMember) return member.roles.cache.has(role);
  return member.roles.includes(role);
}

/** Without a DJ role everyone is a DJ. */
export function isDj(asker: Asker, snapshot: GuildSnapshot): boolean {
  const role = snapshot.settings.dj_role;
  return role === undefined || hasRole(asker.member, role);
}

export function checkDj(asker: Asker, snapshot: GuildSnapshot): Denied | undefined {
  const role = snapshot.settings.dj_role;
  return role === undefined || isDj(asker, snapshot) ? undefined : { kind: 'not-dj', role };
}

export function canManage(asker: Asker): boolean {
  return asker.permissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

/** Humans in a voice channel (the bot and other bots excluded): the electorate of a skip vote. */
export function listeners(guild: Guild, channel: string): string[] {
  const me = guild.client.user.id;
  return [...guild.voiceStates.cache.values()].filter((vs) => vs.channelId === channel && vs.id !== me && vs.member?.user.bot !== true).map((vs) => vs.id);
}
