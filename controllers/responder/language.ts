/**
 * `/settings language`: what a pick means, and the line of the settings answer (the option is defined
 * with the other commands). Kept apart from handlers.ts so that the settings handler only gains two lines.
 */
import { isLocale, LOCALE_NAMES, type Locale, type Translate } from '../../src/i18n';
import type { Settings } from '../../src/state';

/** The choice that clears the setting: announcements follow the guild's Discord language again. */
export const FOLLOW_SERVER = 'server';

/** The settings input for the option: absent when not given, null for "follow the server". */
export function languageInput(value: unknown): { readonly language?: Locale | null } {
  if (value === FOLLOW_SERVER) return { language: null };
  return typeof value === 'string' && isLocale(value) ? { language: value } : {};
}

export function languageLine(t: Translate, settings: Settings): string {
  return settings.language === undefined ? t('announce:settings-language-server') : t('announce:settings-language', { language: LOCALE_NAMES[settings.language] });
}
