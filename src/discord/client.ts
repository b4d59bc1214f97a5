/**
 * The one Discord session of an instance, shared by the Responder and the Player.
 * Every instance connects every shard the gateway recommends (internal sharding), so any instance
 * can take over any guild when its lock frees up.
 */
import { Client, GatewayIntentBits, Options, Status } from 'discord.js';
import type { Logger } from '../log';

export interface DiscordOptions {
  readonly token: string;
  /** REST base URL, e.g. https://discord.com/api; the gateway URL comes from /gateway/bot under it. */
  readonly apiBase: string;
  readonly log: Logger;
}

export function createDiscordClient(options: DiscordOptions): Client {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    shards: 'auto',
    rest: { api: options.apiBase },
    // Music needs guilds, channels, voice states and our own member; caching messages and other
    // members' presences would grow memory with server count for nothing.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
    }),
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
