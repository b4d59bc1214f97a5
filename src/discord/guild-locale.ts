/**
 * Where a guild's announcement language is found: its `/settings language` in Redis, else its
 * Discord `preferred_locale` as discord.js's guild cache holds it (kept current by GUILD_UPDATE).
 */
import type { Client } from 'discord.js';
import type { Locale } from '../i18n';
import { guildLocale } from '../i18n/guild';
import type { Logger } from '../log';
import type { GuildStore } from '../state';

export function guildLocaleLookup(store: Pick<GuildStore, 'snapshot'>, client: Client, log: Logger): (guild: string) => Promise<Locale> {
  return async (guild) => {
    // Only the settings matter; the head-only snapshot keeps the read small.
    const { snapshot, corrupt } = await store.snapshot(guild, { queue: 'head' });
    // A garbage language reads as absent (the Discord language); like every corrupt setting it is listed
    // in the guild's view (REST API, CLI), and said here where it changes what members read.
    const bad = corrupt.find((c) => c.where === 'settings.language');
    if (bad !== undefined) log.warn({ guild, raw: bad.raw, reason: bad.reason }, 'corrupt settings.language: announcing in the guild\'s Discord language');
    return guildLocale(snapshot.settings.language, client.guilds.cache.get(guild)?.preferredLocale);
  };
}
