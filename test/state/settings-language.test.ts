/**
 * The guild's announcement language: the `language` settings field (absent: the guild's Discord
 * language), and how the language of an announcement is chosen from it.
 */
import { strict as assert } from 'node:assert';
import { guildLocale } from '../../src/i18n/guild';
import { decodeSettings, DEFAULT_SETTINGS, encodeSettingsPatch } from '../../src/state';

describe('state: settings.language', () => {
  it('decodes each of the six languages, and an absent or empty field as absent', () => {
    for (const language of ['en', 'de', 'fr', 'es', 'pt-BR', 'ja'] as const) {
      const { settings, corrupt } = decodeSettings({ language });
      assert.equal(settings.language, language);
      assert.deepEqual(corrupt, []);
    }
    const hashes: Array<Record<string, string>> = [{}, { language: '' }];
    for (const hash of hashes) {
      const { settings, corrupt } = decodeSettings(hash);
      assert.deepEqual(settings, DEFAULT_SETTINGS, 'no language key at all: the other settings compare as before');
      assert.deepEqual(corrupt, []);
    }
  });

  it('a garbage value decodes to the default (absent) and is reported like other corrupt settings', () => {
    for (const raw of ['klingon', 'fr-FR', 'EN', 'pt', '{"lang":"de"}']) {
      const { settings, corrupt } = decodeSettings({ language: raw, volume: '80' });
      assert.equal(settings.language, undefined, raw);
      assert.equal(settings.volume, 80, 'the other fields still decode');
      assert.deepEqual(corrupt.map((c) => [c.where, c.raw]), [['settings.language', raw]]);
      assert.match(corrupt[0]?.reason ?? '', /one of en, de, fr, es, pt-BR, ja/);
    }
  });

  it('encodes a language as its code, and null as a delete (back to the Discord language)', () => {
    assert.deepEqual(encodeSettingsPatch({ language: 'pt-BR' }), { set: { language: 'pt-BR' }, del: [], problems: [] });
    assert.deepEqual(encodeSettingsPatch({ language: null }), { set: {}, del: ['language'], problems: [] });
    assert.deepEqual(encodeSettingsPatch({ volume: 50 }).set, { volume: '50' }, 'no language in the patch, none written');
  });

  it('announcements follow the setting, else the guild\'s Discord locale, else English', () => {
    assert.equal(guildLocale(undefined, 'fr'), 'fr');
    assert.equal(guildLocale('de', 'fr'), 'de');
    assert.equal(guildLocale(undefined, 'es-419'), 'es');
    assert.equal(guildLocale(undefined, 'pt-BR'), 'pt-BR');
    assert.equal(guildLocale(undefined, 'ko'), 'en', 'a language hiqty does not speak');
    assert.equal(guildLocale(undefined, undefined), 'en');
    assert.equal(guildLocale('ja', null), 'ja');
  });
});
