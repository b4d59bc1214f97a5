import { strict as assert } from 'node:assert';
import { LOCALES, localeOf, translator } from '../../src/i18n';
import { NAMESPACES } from '../../src/i18n/messages';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** A message's base key (its plural suffix removed) → the placeholders used by any of its forms. */
function shape(messages: Readonly<Record<string, string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [key, text] of Object.entries(messages)) {
    const base = key.replace(PLURAL, '');
    const names = out.get(base) ?? new Set<string>();
    // `count` picks the form; a form may leave it out ("one track").
    for (const m of text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) if (m[1] !== 'count') names.add(m[1] ?? '');
    out.set(base, names);
  }
  return out;
}

describe('i18n: the messages of every language', () => {
  for (const [name, ns] of Object.entries(NAMESPACES)) {
    const english = shape(ns.en);
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      it(`${name}: ${locale} has every English message, with the same placeholders`, () => {
        const theirs = shape(ns[locale]);
        assert.deepEqual([...theirs.keys()].sort(), [...english.keys()].sort(), `${locale} keys differ from English`);
        for (const [base, names] of english) assert.deepEqual([...(theirs.get(base) ?? [])].sort(), [...names].sort(), `${name}:${base} in ${locale}`);
      });
    }
    for (const locale of LOCALES) {
      it(`${name}: ${locale} has every plural form its language needs`, () => {
        const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
        const bases = new Set(Object.keys(ns[locale]).filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
        for (const base of bases) for (const c of categories) assert.ok(Object.hasOwn(ns[locale], `${base}_${c}`), `${name}:${base}_${c} missing in ${locale}`);
      });
    }
  }

  it('maps Discord locales onto hiqty languages, English for the rest', () => {
    assert.equal(localeOf('en-US'), 'en');
    assert.equal(localeOf('en-GB'), 'en');
    assert.equal(localeOf('es-419'), 'es');
    assert.equal(localeOf('es-ES'), 'es');
    assert.equal(localeOf('pt-BR'), 'pt-BR');
    assert.equal(localeOf('ja'), 'ja');
    assert.equal(localeOf('de'), 'de');
    assert.equal(localeOf('ko'), 'en');
    assert.equal(localeOf(undefined), 'en');
  });

  it('translates, falls back to English, and picks plural forms by count', () => {
    assert.match(translator('fr')('common:handler-failed'), /côté/);
    assert.match(translator('en')('common:handler-failed'), /my side/);
  });
});
