/**
 * The sandbox's Discord world: guilds, their channels and members, and who sits in which voice
 * channel. It builds the payloads the gateway dispatches; it does not send anything itself.
 */
import { snowflake } from './snowflake';

export interface UserSpec {
  readonly id: string;
  readonly username: string;
  readonly bot?: boolean;
  /** Role ids the member has (they must be in the guild's `roles`). Default none. */
  readonly roles?: readonly string[];
  /** The member's permission bit set in interactions, as a decimal string. Default all permissions. */
  readonly permissions?: string;
}

export interface ChannelSpec {
  readonly id: string;
  readonly name: string;
}

export interface GuildSpec {
  readonly id: string;
  readonly name: string;
  readonly textChannels: readonly ChannelSpec[];
  readonly voiceChannels: readonly ChannelSpec[];
  /** Human members; the bot's own member is added by the sandbox. */
  readonly members: readonly UserSpec[];
  /** Which members start in which voice channel: user id → voice channel id. */
  readonly voice?: Readonly<Record<string, string>>;
  /** Roles besides @everyone (e.g. a DJ role). Default none. */
  readonly roles?: readonly ChannelSpec[];
  /** The guild's Discord language (`preferred_locale`, a Discord locale such as 'fr' or 'pt-BR'). Default 'en-US'. */
  readonly preferredLocale?: string;
}

export interface VoiceState {
  readonly userId: string;
  readonly channelId: string;
  /** The gateway session that holds this voice state (only meaningful for the bot). */
  readonly sessionId: string;
}

// Guild ids get consecutive timestamps so that `(id >> 22) % shards` spreads them evenly.
const GUILD_EPOCH_MS = 1_700_000_000_000;
const OTHER_EPOCH_MS = 1_710_000_000_000;
let otherIds = 0;

function id(): string {
  otherIds += 1;
  return snowflake(OTHER_EPOCH_MS + otherIds);
}

/**
 * A guild like most of hiqty's: one text channel, two voice channels, two people, the first of them
 * already in the first voice channel.
 */
export function demoGuild(index = 0): GuildSpec {
  const text = { id: id(), name: 'general' };
  const voiceA = { id: id(), name: 'Music' };
  const voiceB = { id: id(), name: 'Lounge' };
  const alice = { id: id(), username: `alice${index}` };
  const bob = { id: id(), username: `bob${index}` };
  return {
    id: snowflake(GUILD_EPOCH_MS + index),
    name: `Sandbox Guild ${index}`,
    textChannels: [text],
    voiceChannels: [voiceA, voiceB],
    members: [alice, bob],
    voice: { [alice.id]: voiceA.id },
  };
}

export function demoGuilds(count: number): GuildSpec[] {
  return Array.from({ length: count }, (_, i) => demoGuild(i));
}

const ALL_PERMISSIONS = '2251799813685247';
/** Administrator and Manage Server: what makes a member a manager (hiqty's settings need Manage Server). */
const MANAGER_BITS = (1n << 3n) | (1n << 5n);
/** What `@everyone` may do: everything but the manager bits, so a member's gateway permissions follow their spec. */
const EVERYONE_PERMISSIONS = String(BigInt(ALL_PERMISSIONS) & ~MANAGER_BITS);

/** Whether a member's permissions (by default all) include a manager bit. */
function isManager(user: UserSpec): boolean {
  return (BigInt(user.permissions ?? ALL_PERMISSIONS) & MANAGER_BITS) !== 0n;
}

/**
 * The role that carries the manager bits for members whose permissions include them: member payloads
 * carry roles, not permissions, so the gateway's view of who manages the guild goes through a role.
 */
/** The guild's owner: its first member who manages it (owners have every permission), else the bot. */
export function ownerOf(guild: GuildSpec, bot: UserSpec): string {
  return guild.members.find(isManager)?.id ?? bot.id;
}

export function managerRoleId(guildId: string): string {
  return String(BigInt(guildId) + 7n);
}

export interface World {
  readonly bot: UserSpec;
  readonly guilds: ReadonlyMap<string, GuildSpec>;
  voiceStates(guildId: string): ReadonlyMap<string, VoiceState>;
  setVoice(guildId: string, userId: string, channelId: string | null, sessionId: string): void;
  findUser(guildId: string, userId: string): UserSpec | undefined;
  channelGuild(channelId: string): GuildSpec | undefined;
  isVoiceChannel(guildId: string, channelId: string): boolean;
  userPayload(user: UserSpec): Record<string, unknown>;
  memberPayload(guildId: string, user: UserSpec): Record<string, unknown>;
  channelPayload(guild: GuildSpec, channel: ChannelSpec, type: 0 | 2, position: number): Record<string, unknown>;
  voiceStatePayload(guildId: string, userId: string): Record<string, unknown>;
  guildCreatePayload(guildId: string): Record<string, unknown>;
}

export function createWorld(guildSpecs: readonly GuildSpec[], bot: UserSpec): World {
  const guilds = new Map(guildSpecs.map((g) => [g.id, g]));
  const voice = new Map<string, Map<string, VoiceState>>();
  const channelToGuild = new Map<string, GuildSpec>();
  for (const g of guildSpecs) {
    const states = new Map<string, VoiceState>();
    for (const [userId, channelId] of Object.entries(g.voice ?? {})) states.set(userId, { userId, channelId, sessionId: `user-${userId}` });
    voice.set(g.id, states);
    for (const c of [...g.textChannels, ...g.voiceChannels]) channelToGuild.set(c.id, g);
  }

  const statesOf = (guildId: string): Map<string, VoiceState> => {
    let states = voice.get(guildId);
    if (!states) voice.set(guildId, (states = new Map()));
    return states;
  };

  const findUser = (guildId: string, userId: string): UserSpec | undefined =>
    userId === bot.id ? bot : guilds.get(guildId)?.members.find((m) => m.id === userId);

  const userPayload = (user: UserSpec): Record<string, unknown> => ({
    id: user.id,
    username: user.username,
    global_name: user.username,
    discriminator: '0',
    avatar: null,
    bot: user.bot ?? false,
  });

  const memberPayload = (guildId: string, user: UserSpec): Record<string, unknown> => ({
    user: userPayload(user),
    nick: null,
    roles: [...(user.roles ?? []), ...(isManager(user) ? [managerRoleId(guildId)] : [])],
    joined_at: new Date(GUILD_EPOCH_MS).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  });

  const voiceStatePayload = (guildId: string, userId: string): Record<string, unknown> => {
    const state = statesOf(guildId).get(userId);
    const user = findUser(guildId, userId);
    return {
      guild_id: guildId,
      channel_id: state?.channelId ?? null,
      user_id: userId,
      session_id: state?.sessionId ?? '',
      deaf: false,
      mute: false,
      self_deaf: false,
      self_mute: false,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
      ...(user ? { member: memberPayload(guildId, user) } : {}),
    };
  };

  const channelPayload = (guild: GuildSpec, channel: ChannelSpec, type: 0 | 2, position: number): Record<string, unknown> => ({
    id: channel.id,
    type,
    guild_id: guild.id,
    name: channel.name,
    position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    ...(type === 2 ? { bitrate: 64000, user_limit: 0, rtc_region: null } : { topic: null, last_message_id: null, rate_limit_per_user: 0 }),
  });

  return {
    bot,
    guilds,
    voiceStates: statesOf,
    setVoice(guildId, userId, channelId, sessionId) {
      if (channelId === null) statesOf(guildId).delete(userId);
      else statesOf(guildId).set(userId, { userId, channelId, sessionId });
    },
    findUser,
    channelGuild: (channelId) => channelToGuild.get(channelId),
    isVoiceChannel: (guildId, channelId) => guilds.get(guildId)?.voiceChannels.some((c) => c.id === channelId) ?? false,
    userPayload,
    memberPayload,
    channelPayload,
    voiceStatePayload,
    guildCreatePayload(guildId) {
      const g = guilds.get(guildId);
      if (!g) throw new Error(`no guild ${guildId}`);
      const members = [bot, ...g.members];
      return {
        id: g.id,
        name: g.name,
        icon: null,
        owner_id: ownerOf(g, bot),
        afk_channel_id: null,
        afk_timeout: 300,
        verification_level: 0,
        default_message_notifications: 0,
        explicit_content_filter: 0,
        features: [],
        mfa_level: 0,
        system_channel_id: g.textChannels[0]?.id ?? null,
        system_channel_flags: 0,
        premium_tier: 0,
        preferred_locale: g.preferredLocale ?? 'en-US',
        nsfw_level: 0,
        large: false,
        unavailable: false,
        member_count: members.length,
        joined_at: new Date(GUILD_EPOCH_MS).toISOString(),
        roles: [
          { id: g.id, name: '@everyone', color: 0, hoist: false, position: 0, permissions: EVERYONE_PERMISSIONS, managed: false, mentionable: false, flags: 0 },
          ...(g.roles ?? []).map((r, i) => ({ id: r.id, name: r.name, color: 0, hoist: false, position: i + 1, permissions: '0', managed: false, mentionable: false, flags: 0 })),
          { id: managerRoleId(g.id), name: 'Managers', color: 0, hoist: false, position: (g.roles?.length ?? 0) + 1, permissions: ALL_PERMISSIONS, managed: false, mentionable: false, flags: 0 },
        ],
        emojis: [],
        stickers: [],
        channels: [
          ...g.textChannels.map((c, i) => channelPayload(g, c, 0, i)),
          ...g.voiceChannels.map((c, i) => channelPayload(g, c, 2, i)),
        ],
        threads: [],
        presences: [],
        stage_instances: [],
        guild_scheduled_events: [],
        soundboard_sounds: [],
        members: members.map((m) => memberPayload(g.id, m)),
        voice_states: [...statesOf(g.id).keys()].map((userId) => {
          const { guild_id: _g, member: _m, ...rest } = voiceStatePayload(g.id, userId);
          return rest;
        }),
      };
    },
  };
}
