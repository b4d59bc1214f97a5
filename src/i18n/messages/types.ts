import type { Locale } from '../locales';

/**
 * One namespace's messages in every language. Values use i18next's syntax: `{{name}}` for a value, and
 * `key_one` / `key_other` (plus `_few`, `_many` where a language has them) for counts, chosen by `count`.
 * English must have every key; a key missing in another language falls back to English, and
 * test/i18n/messages.test.ts fails on it.
 */
export type Messages = Readonly<Record<string, string>>;
export type Namespace = Readonly<Record<Locale, Messages>>;
