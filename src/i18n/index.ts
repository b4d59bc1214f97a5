/**
 * Translation: every reply, embed, button label and announcement is written through a `Translate` for
 * one language. i18next does the lookup, the English fallback and plural forms (by `count`, with each
 * language's CLDR rules through Intl.PluralRules). Values are not HTML-escaped: Discord text is
 * Markdown, and the callers escape member-supplied text where it matters, as before.
 */
import { createInstance, type i18n, type Resource } from 'i18next';
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales';
import { NAMESPACES } from './messages';

export * from './locales';
export { guildLocale } from './guild';

/** A value in a message: a number picks the plural form when it is named `count`. */
export type MessageValues = Readonly<Record<string, string | number>>;

/** `t('namespace:key', { name: 'x', count: 2 })`. An unknown key comes back as the key itself. */
export type Translate = (key: string, values?: MessageValues) => string;

function resources(): Resource {
  const out: Resource = {};
  for (const locale of LOCALES) {
    const byNamespace: Record<string, Record<string, string>> = {};
    for (const [name, ns] of Object.entries(NAMESPACES)) byNamespace[name] = { ...ns[locale] };
    out[locale] = byNamespace;
  }
  return out;
}

let instance: i18n | undefined;

/** One shared instance, built synchronously on first use: the messages are code, nothing is fetched. */
function shared(): i18n {
  if (instance !== undefined) return instance;
  const created = createInstance();
  void created.init({
    resources: resources(),
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    ns: Object.keys(NAMESPACES),
    defaultNS: 'common',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = created;
  return created;
}

/** The translator for one language. */
export function translator(locale: Locale): Translate {
  const t = shared().getFixedT(locale);
  return (key, values) => (values === undefined ? t(key) : t(key, { ...values }));
}

/** Whether a key exists in English (the fallback every key must have). */
export function hasMessage(key: string): boolean {
  return shared().exists(key, { lng: DEFAULT_LOCALE });
}
