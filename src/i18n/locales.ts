/**
 * The languages hiqty answers in, and how Discord's locale codes map onto them. A member whose Discord
 * client runs in a language hiqty does not speak is answered in English.
 */

/** hiqty's languages, English first (the fallback). */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

/** The language a member or guild gets when nothing else is known. Default 'en'. */
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language's own name, for /settings language's choices. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  'pt-BR': 'Português do Brasil',
  ja: '日本語',
};

export function isLocale(value: string): value is Locale {
  return LOCALES.some((l) => l === value);
}

/**
 * hiqty's language for a Discord locale ("en-US", "es-419", "pt-BR", "ja"); English for one hiqty does
 * not speak and for none. Discord's locales are listed at discord.com/developers/docs/reference#locales.
 */
export function localeOf(discordLocale: string | null | undefined): Locale {
  if (discordLocale === null || discordLocale === undefined) return DEFAULT_LOCALE;
  if (isLocale(discordLocale)) return discordLocale;
  const language = discordLocale.split('-')[0] ?? '';
  // pt-BR is Discord's only Portuguese; Spanish comes as es-ES and es-419, English as en-US and en-GB.
  return isLocale(language) ? language : DEFAULT_LOCALE;
}
