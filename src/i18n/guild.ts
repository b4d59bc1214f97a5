/**
 * The language a guild's announcements are written in. Announcements go to a channel, not to one
 * member, so they follow the guild: its `/settings language` when set, else the language of its
 * Discord community settings (`preferred_locale`), else English.
 */
import { localeOf, type Locale } from './locales';

export function guildLocale(setting: Locale | undefined, preferredLocale: string | null | undefined): Locale {
  return setting ?? localeOf(preferredLocale);
}
