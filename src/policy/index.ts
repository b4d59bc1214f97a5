/**
 * Who may do what (src/policy/rules.ts holds the table), decided from the member's gateway facts and the
 * guild's snapshot in Redis. Every interface asks here; none keeps rules of its own.
 */
import type { Translate } from '../i18n';
import type { GuildSnapshot, Track } from '../state';
import type { Denied, MemberFacts } from './facts';
import { RULES, type Action, type VoiceAction } from './rules';

export type { Denied, MemberFacts } from './facts';
export { ACTIONS, RULES, type Action, type Rule, type VoiceAction } from './rules';

export type VoiceVerdict = { readonly kind: 'ok'; readonly channel: string } | Denied;
export type Verdict = { readonly kind: 'ok'; readonly channel: string | undefined } | Denied;

/** Whether the guild has music to play (or should stay): then its desired channel binds members. */
export function isActive(snapshot: GuildSnapshot): boolean {
  return (snapshot.state !== 'stopped' && snapshot.playlistLength > 0) || (snapshot.settings.stay && snapshot.channel !== undefined);
}

/**
 * The channel a member must be in to control the music, or undefined when any channel will do.
 * To play, an idle guild goes wherever the member is, even if the bot still idles in a channel.
 */
export function controlChannel(facts: MemberFacts, snapshot: GuildSnapshot, forPlay: boolean): string | undefined {
  const active = isActive(snapshot);
  if (forPlay && !active) return undefined;
  return facts.botVoiceChannel ?? (active ? snapshot.channel : undefined);
}

function checkVoice(facts: MemberFacts, snapshot: GuildSnapshot, forPlay: boolean): VoiceVerdict {
  const mine = facts.voiceChannel;
  if (mine === undefined) return { kind: 'not-in-voice' };
  const needed = controlChannel(facts, snapshot, forPlay);
  if (needed !== undefined && needed !== mine) return { kind: 'other-channel', memberChannel: mine, botChannel: needed };
  return { kind: 'ok', channel: mine };
}

/** Without a DJ role everyone is a DJ. */
export function isDj(facts: MemberFacts, snapshot: GuildSnapshot): boolean {
  const role = snapshot.settings.dj_role;
  return role === undefined || facts.roles.has(role);
}

function checkDj(facts: MemberFacts, snapshot: GuildSnapshot): Denied | undefined {
  const role = snapshot.settings.dj_role;
  return role === undefined || facts.roles.has(role) ? undefined : { kind: 'not-dj', role };
}

/** An action that needs the member in voice: allowed with the channel the music goes to, or denied. */
export function authorizeInVoice(action: VoiceAction, facts: MemberFacts, snapshot: GuildSnapshot): VoiceVerdict {
  const rule = RULES[action];
  const voice = checkVoice(facts, snapshot, rule.voice === 'play');
  if (voice.kind !== 'ok' || !rule.dj) return voice;
  return checkDj(facts, snapshot) ?? voice;
}

/** Any action: allowed (with the member's channel where the action needs voice), or denied with why. */
export function authorize(action: Action, facts: MemberFacts, snapshot: GuildSnapshot): Verdict {
  const rule = RULES[action];
  if (rule.manage && !facts.manageGuild) return { kind: 'not-manager' };
  let channel: string | undefined;
  if (rule.voice !== 'none') {
    const voice = checkVoice(facts, snapshot, rule.voice === 'play');
    if (voice.kind !== 'ok') return voice;
    channel = voice.channel;
  }
  const notDj = rule.dj ? checkDj(facts, snapshot) : undefined;
  return notDj ?? { kind: 'ok', channel };
}

/**
 * Whether a member's skip takes the track off at once or only counts as a vote: a DJ, the track's
 * requester, or a member alone with the bot skips at once. `listeners` are the humans in the channel.
 */
export function skipMode(facts: MemberFacts, snapshot: GuildSnapshot, head: Track, listeners: readonly string[]): 'direct' | 'vote' {
  const others = listeners.filter((id) => id !== facts.userId).length;
  return isDj(facts, snapshot) || head.requester?.id === facts.userId || others === 0 ? 'direct' : 'vote';
}

/** Removing another member's track is a DJ's call. */
export const mayRemoveOthers = isDj;

/**
 * Changing the server's playlists: Manage Server, or the DJ role where the guild has one (without one,
 * being "everybody's DJ" is not enough to change shared playlists).
 */
export function mayEditServerPlaylists(facts: MemberFacts, snapshot: GuildSnapshot): boolean {
  return facts.manageGuild || (snapshot.settings.dj_role !== undefined && facts.roles.has(snapshot.settings.dj_role));
}

/** How a channel or a role is named in a refusal: a Discord mention in Discord, a name elsewhere. */
export interface Names {
  channel(id: string): string;
  role(id: string): string;
}

export const MENTIONS: Names = { channel: (id) => `<#${id}>`, role: (id) => `<@&${id}>` };

/** Why the member may not, and what to do, in their language. */
export function deniedMessage(d: Denied, t: Translate, names: Names = MENTIONS): string {
  switch (d.kind) {
    case 'not-in-voice':
      return t('replies:denied.not-in-voice');
    case 'other-channel':
      return t('replies:denied.other-channel', { mine: names.channel(d.memberChannel), music: names.channel(d.botChannel) });
    case 'not-dj':
      return t('replies:denied.not-dj', { role: names.role(d.role) });
    case 'not-manager':
      return t('replies:denied.not-manager');
  }
}
