/**
 * `/settings language`: the option's definition, what a pick means, and the line of the settings
 * answer. Kept apart from handlers.ts so that the settings handler only gains two lines.
 */
import type { SlashCommandStringOption } from 'discord.js';
import { isLocale, LOCALE_NAMES, LOCALES, type Locale, type Translate } from '../../src/i18n';
import type { Settings } from '../../src/state';

/** The choice that clears the setting: announcements follow the guild's Discord language again. */
export const FOLLOW_SERVER = 'server';

/** Each language's name in itself (not translated: a member looks for their own), then "follow the server". */
export function languageOption(o: SlashCommandStringOption): SlashCommandStringOption {
  return o
    .setName('language')
    .setDescription("The language of the bot's announcements in this server")
    .addChoices(...LOCALES.map((l) => ({ name: LOCALE_NAMES[l], value: l })), { name: "Follow the server's Discord language", value: FOLLOW_SERVER });
}

/** The settings input for the option: absent when not given, null for "follow the server". */
export function languageInput(value: unknown): { readonly language?: Locale | null } {
  if (value === FOLLOW_SERVER) return { language: null };
  return typeof value === 'string' && isLocale(value) ? { language: value } : {};
}

export function languageLine(t: Translate, settings: Settings): string {
  return settings.language === undefined ? t('announce:settings-language-server') : t('announce:settings-language', { language: LOCALE_NAMES[settings.language] });
}
