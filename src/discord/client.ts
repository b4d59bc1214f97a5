/**
 * The one Discord session of an instance, shared by the Responder and the Player.
 * Every instance connects every shard the gateway recommends (internal sharding), so any instance
 * can take over any guild when its lock frees up.
 */
import { Client, GatewayIntentBits, Options, Status, type CacheWithLimitsOptions, type GuildMember, type SweeperOptions } from 'discord.js';
import type { Logger } from '../log';

export interface DiscordOptions {
  readonly token: string;
  /** REST base URL, e.g. https://discord.com/api; the gateway URL comes from /gateway/bot under it. */
  readonly apiBase: string;
  readonly log: Logger;
}

/** A member worth keeping: the bot itself, or someone in a voice channel (skip votes count them, access checks read their channel). */
function keptMember(member: GuildMember): boolean {
  return member.id === member.client.user.id || member.voice.channelId !== null;
}

/**
 * What hiqty reads from the gateway cache, and nothing more: guilds (hasGuild, voice adapters), their
 * channels (voice joins, announcements: the managers discord.js cannot do without), roles (the DJ
 * check), voice states (access, listeners), and members only while they are in voice or are the bot.
 * An interaction carries its member, which discord.js builds without caching it here. Everything else
 * (messages, presences, reactions, emojis, stickers, threads, invites, bans, scheduled events, stage
 * instances, automod rules, commands) grows with the number of servers and is never read: 0.
 * Known limit: a feature that reads another cache (say, members not in voice) must add it here.
 */
const CACHE_LIMITS: CacheWithLimitsOptions = {
  MessageManager: 0,
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  GuildEmojiManager: 0,
  BaseGuildEmojiManager: 0,
  GuildStickerManager: 0,
  ThreadManager: 0,
  ThreadMemberManager: 0,
  GuildInviteManager: 0,
  GuildBanManager: 0,
  GuildScheduledEventManager: 0,
  StageInstanceManager: 0,
  AutoModerationRuleManager: 0,
  ApplicationCommandManager: 0,
  GuildMessageManager: 0,
  DMMessageManager: 0,
  GuildForumThreadManager: 0,
  GuildTextThreadManager: 0,
  GuildMemberManager: { maxSize: 0, keepOverLimit: keptMember },
  // Members keep their own user object; the client-wide cache needs only the bot.
  UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user?.id },
};

/** Members kept while in voice are let go within an hour of leaving it (default sweepers otherwise). */
const SWEEPERS: SweeperOptions = {
  ...Options.DefaultSweeperSettings,
  guildMembers: { interval: 3600, filter: () => (member) => !keptMember(member) },
};

export function createDiscordClient(options: DiscordOptions): Client {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    shards: 'auto',
    rest: { api: options.apiBase },
    makeCache: Options.cacheWithLimits(CACHE_LIMITS),
    sweepers: SWEEPERS,
  });
  const log = options.log.child({ component: 'discord' });
  client.on('shardReady', (shard) => log.info({ shard }, 'shard ready'));
  client.on('shardDisconnect', (event, shard) => log.warn({ shard, code: event.code }, 'shard disconnected'));
  client.on('shardReconnecting', (shard) => log.info({ shard }, 'shard reconnecting'));
  client.on('error', (err) => log.error({ err }, 'discord client error'));
  return client;
}

/** Logs in and resolves when every shard is ready. */
export async function loginDiscord(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(token);
  await ready;
}

/** Readiness signal for the reconcile loop and /readyz: every shard of this session is connected. */
export function discordReady(client: Client): boolean {
  return client.isReady() && client.ws.status === Status.Ready;
}
