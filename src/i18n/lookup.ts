/**
 * A message in exactly one language, looked up in every namespace: for Discord's localization maps of
 * the command definitions, whose keys (`cmd.<command>...`) each feature keeps in its own namespace.
 * There is no English fallback here on purpose: a language missing from a map falls back to the
 * default description on Discord's side, and test/i18n/messages.test.ts fails on a missing key anyway.
 */
import type { Locale } from './locales';
import { NAMESPACES } from './messages';

export function messageInAnyNamespace(locale: Locale, key: string): string | undefined {
  for (const ns of Object.values(NAMESPACES)) {
    const messages = ns[locale];
    if (Object.hasOwn(messages, key)) return messages[key];
  }
  return undefined;
}
