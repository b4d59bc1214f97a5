/**
 * Discord's localizations of every slash command, from the i18n keys cmd.<command>...: present for
 * every shipped language (all of Discord's locales for it), within Discord's limits, the English
 * equal to the definitions' own text, and taken by the sandbox the way Discord's API takes them.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { commandDefinitions } from '../../controllers/responder';
import { COMMAND_HANDLERS } from '../../controllers/responder/handlers';
import { FOLLOW_SERVER } from '../../controllers/responder/language';
import { DISCORD_LOCALES, localizationsOf, localizeCommands } from '../../controllers/responder/localize';
import { LOCALES, isLocale } from '../../src/i18n';
import { messageInAnyNamespace } from '../../src/i18n/lookup';
import { silentLogger } from '../../src/log';
import { startSandbox } from '../../src/sandbox';
import { localizationProblems, withoutLocalizations } from '../../src/sandbox/command-localizations';

const ALL_DISCORD_LOCALES = LOCALES.flatMap((l) => DISCORD_LOCALES[l]);

/** discord.com/developers/docs/interactions/application-commands#application-command-naming (CHAT_INPUT). */
const DISCORD_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

function records(u: unknown): Record<string, unknown>[] {
  return Array.isArray(u) ? u.filter(isRecord) : [];
}

/** Every command, subcommand and option, with its path of names. */
function nodes(def: Record<string, unknown>, path: string[] = [String(def.name)]): Array<{ path: string; node: Record<string, unknown> }> {
  return [{ path: path.join(' '), node: def }, ...records(def.options).flatMap((o) => nodes(o, [...path, String(o.name)]))];
}

/** Discord's 4000-character budget of a command in one locale: names, descriptions, choice names and values. */
function charsIn(def: Record<string, unknown>, locale: string): number {
  const text = (node: Record<string, unknown>, field: 'name' | 'description'): string => {
    const map = node[`${field}_localizations`];
    const localized = isRecord(map) ? map[locale] : undefined;
    return typeof localized === 'string' ? localized : String(node[field] ?? '');
  };
  let n = text(def, 'name').length + text(def, 'description').length;
  for (const o of records(def.options)) {
    n += charsIn(o, locale);
    for (const c of records(o.choices)) n += text(c, 'name').length + String(c.value).length;
  }
  return n;
}

describe('i18n: slash command localizations', () => {
  const definitions = commandDefinitions().map((d) => ({ ...d }));

  it('every command, subcommand and option has a description in every shipped language, 1 to 100 characters', () => {
    const problems: string[] = [];
    for (const def of definitions) {
      for (const { path, node } of nodes(def)) {
        const map = node.description_localizations;
        if (!isRecord(map)) {
          problems.push(`${path}: no description_localizations`);
          continue;
        }
        for (const locale of ALL_DISCORD_LOCALES) {
          const text = map[locale];
          if (typeof text !== 'string') problems.push(`${path}: no ${locale} description`);
          else if (text.length < 1 || text.length > 100) problems.push(`${path}: the ${locale} description is ${text.length} characters (1-100)`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the English localization is the definition\'s own text (the catalogue and commands.ts agree)', () => {
    const problems: string[] = [];
    for (const def of definitions) {
      for (const { path, node } of nodes(def)) {
        const map = node.description_localizations;
        const english = isRecord(map) ? map['en-US'] : undefined;
        if (english !== node.description) problems.push(`${path}: en-US ${JSON.stringify(english)} differs from ${JSON.stringify(node.description)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every choice name is localized, 1 to 100 characters, except the languages, named in themselves', () => {
    const problems: string[] = [];
    let choices = 0;
    for (const def of definitions) {
      for (const { path, node } of nodes(def)) {
        for (const c of records(node.choices)) {
          choices += 1;
          const map = c.name_localizations;
          const isLanguage = path === 'settings language' && typeof c.value === 'string' && isLocale(c.value);
          if (isLanguage) {
            assert.equal(map, undefined, `${path} ${String(c.value)}: a language keeps its own name`);
            continue;
          }
          if (!isRecord(map)) {
            problems.push(`${path} ${String(c.value)}: no name_localizations`);
            continue;
          }
          for (const locale of ALL_DISCORD_LOCALES) {
            const text = map[locale];
            if (typeof text !== 'string' || text.length < 1 || text.length > 100) problems.push(`${path} ${String(c.value)}: ${locale} name ${JSON.stringify(text)}`);
          }
        }
      }
    }
    assert.ok(choices >= 10, `the loop modes and the languages at least (${choices})`);
    assert.deepEqual(problems, []);
  });

  it('/settings language offers the six languages in their own names, and following the server, in every language', () => {
    const settings = definitions.find((d) => d.name === 'settings');
    const option = records(settings?.options).find((o) => o.name === 'language');
    assert.ok(option, 'a language option');
    const choices = records(option.choices);
    assert.deepEqual(choices.map((c) => c.value), [...LOCALES, FOLLOW_SERVER]);
    assert.deepEqual(choices.slice(0, 6).map((c) => c.name), ['English', 'Deutsch', 'Français', 'Español', 'Português do Brasil', '日本語']);
    const follow = choices[6]?.name_localizations;
    assert.ok(isRecord(follow));
    assert.match(String(follow.de), /Discord-Sprache des Servers/);
    assert.match(String(follow.ja), /サーバー/);
  });

  it('every command, subcommand and option has a name in every shipped locale, within Discord\'s naming rules', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const def of definitions) {
      for (const { path, node } of nodes(def)) {
        const map = node.name_localizations;
        if (!isRecord(map)) {
          problems.push(`${path}: no name_localizations`);
          continue;
        }
        for (const locale of ALL_DISCORD_LOCALES) {
          const name = map[locale];
          checked += 1;
          if (typeof name !== 'string') problems.push(`${path}: no ${locale} name`);
          else if (!DISCORD_NAME.test(name)) problems.push(`${path}: the ${locale} name ${JSON.stringify(name)} breaks Discord's pattern`);
          else if (name !== name.toLowerCase()) problems.push(`${path}: the ${locale} name ${JSON.stringify(name)} is not lower case`);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked >= 84 * ALL_DISCORD_LOCALES.length, `every node in every locale (${checked})`);
  });

  it('the English name is the definition\'s own, and the other languages translate at least some', () => {
    const problems: string[] = [];
    for (const def of definitions) {
      for (const { path, node } of nodes(def)) {
        const map = node.name_localizations;
        const english = isRecord(map) ? [map['en-US'], map['en-GB']] : [];
        if (english[0] !== node.name || english[1] !== node.name) problems.push(`${path}: en ${JSON.stringify(english)} differs from ${JSON.stringify(node.name)}`);
      }
    }
    assert.deepEqual(problems, []);
    const play = definitions.find((d) => d.name === 'play');
    assert.deepEqual(play?.name_localizations, { 'en-US': 'play', 'en-GB': 'play', de: 'abspielen', fr: 'jouer', 'es-ES': 'reproducir', 'es-419': 'reproducir', 'pt-BR': 'tocar', ja: '再生' });
  });

  it('names are unique per locale among the commands and among the options of each command and subcommand', () => {
    const problems: string[] = [];
    const checkLevel = (where: string, siblings: Record<string, unknown>[]) => {
      for (const locale of ALL_DISCORD_LOCALES) {
        const names = siblings.map((s) => (isRecord(s.name_localizations) ? s.name_localizations[locale] : undefined));
        const repeated = names.filter((n, i) => names.indexOf(n) !== i);
        if (repeated.length > 0) problems.push(`${where} in ${locale}: ${repeated.join(', ')} more than once`);
      }
      for (const s of siblings) if (records(s.options).length > 0) checkLevel(`${where} ${String(s.name)}`, records(s.options));
    };
    checkLevel('/', definitions);
    assert.deepEqual(problems, []);
  });

  it('the handlers are keyed by the default (English) names, which interactions carry whatever the member\'s locale', () => {
    const registered = new Set(Object.keys(COMMAND_HANDLERS));
    for (const def of definitions) assert.ok(registered.has(def.name), def.name);
  });

  it('every command stays within 4000 characters in every locale', () => {
    for (const def of definitions) for (const locale of ['default', ...ALL_DISCORD_LOCALES]) assert.ok(charsIn(def, locale) <= 4000, `${def.name} in ${locale}: ${charsIn(def, locale)}`);
  });

  it('walks subcommands and groups: the keys asked for follow the path of names, and a found map is set', () => {
    const asked: string[] = [];
    const lookup = (key: string) => {
      asked.push(key);
      if (key === 'cmd.playlist.save.name') return { de: 'speichern' };
      return key.endsWith('.save.name.description') ? { de: 'Der Name' } : undefined;
    };
    const [out] = localizeCommands(
      [
        {
          name: 'playlist',
          description: 'Saved playlists',
          options: [
            { type: 1, name: 'save', description: 'Save', options: [{ type: 3, name: 'name', description: 'Its name' }, { type: 3, name: 'scope', description: 'Whose', choices: [{ name: 'mine', value: 'mine' }] }] },
            { type: 2, name: 'guild', description: "The guild's", options: [{ type: 1, name: 'load', description: 'Load' }] },
          ],
        },
      ],
      lookup,
    );
    assert.deepEqual(asked, [
      'cmd.playlist.name',
      'cmd.playlist.description',
      'cmd.playlist.save.name',
      'cmd.playlist.save.description',
      'cmd.playlist.save.name.name',
      'cmd.playlist.save.name.description',
      'cmd.playlist.save.scope.name',
      'cmd.playlist.save.scope.description',
      'cmd.playlist.save.scope.choice.mine',
      'cmd.playlist.guild.name',
      'cmd.playlist.guild.description',
      'cmd.playlist.guild.load.name',
      'cmd.playlist.guild.load.description',
    ]);
    const save = records(out?.options)[0];
    assert.deepEqual(save?.name_localizations, { de: 'speichern' });
    assert.deepEqual(records(save?.options)[0], { type: 3, name: 'name', description: 'Its name', description_localizations: { de: 'Der Name' } });
    assert.ok(out !== undefined && !('description_localizations' in out), 'no key, no map');
  });

  it('looks keys up in every namespace, each language on its own (no English fallback in a map)', () => {
    assert.match(messageInAnyNamespace('de', 'unplayable') ?? '', /übersprungen/);
    assert.match(messageInAnyNamespace('fr', 'handler-failed') ?? '', /côté/, 'a key of the common namespace');
    assert.match(messageInAnyNamespace('ja', 'cmd.pause.description') ?? '', /一時停止/, 'a key of the commands namespace');
    assert.equal(messageInAnyNamespace('de', 'cmd.nothing.description'), undefined);
    assert.equal(localizationsOf('cmd.nothing.description'), undefined);
    const map = localizationsOf('cmd.pause.description');
    assert.deepEqual(Object.keys(map ?? {}).sort(), [...ALL_DISCORD_LOCALES].sort());
    assert.equal(map?.['es-419'], map?.['es-ES']);
  });

  it('the sandbox takes them as Discord does, and refuses what Discord refuses', () => {
    assert.deepEqual(localizationProblems(definitions), []);
    const bad = [{ name: 'x', description: 'x', description_localizations: { klingon: 'x', de: 'y'.repeat(101) }, options: [{ name: 'o', description: 'o', choices: [{ name: 'a', value: 'a', name_localizations: { fr: '' } }] }] }];
    assert.equal(localizationProblems(bad).length, 3, localizationProblems(bad).join('; '));
    assert.equal(JSON.stringify(withoutLocalizations(definitions)).includes('_localizations'), false);
  });

  it('the sandbox refuses a localized name Discord refuses: its pattern, length, case, and a repeated name per locale', () => {
    const command = (name: string, names: Record<string, string>, options: unknown[] = []) => ({ name, description: 'd', name_localizations: names, options });
    const refused = (defs: Record<string, unknown>[]) => localizationProblems(defs).join('; ');
    assert.match(refused([command('play', { de: 'ab spielen' })]), /de.*pattern/);
    assert.match(refused([command('play', { fr: 'x'.repeat(33) })]), /fr/);
    assert.match(refused([command('play', { de: 'Abspielen' })]), /lower case/);
    assert.match(refused([command('play', { ja: '再生!' })]), /ja.*pattern/);
    assert.match(refused([command('play', { de: 'los' }), command('stop', { de: 'los' })]), /commands: two have the name "los" in de/);
    assert.match(refused([command('play', { de: 'stop' }), command('stop', {})]), /"stop" in de/, 'a localized name against another command\'s default name');
    assert.match(refused([command('move', {}, [{ name: 'from', description: 'd', name_localizations: { 'es-ES': 'de' } }, { name: 'to', description: 'd', name_localizations: { 'es-ES': 'de' } }])]), /0\.options: two have the name "de" in es-ES/);
    assert.equal(refused([command('play', { ja: '再生', 'pt-BR': 'tocar', 'es-ES': 'añadir', de: "it's-ok_2" }), { name: 'Play Here', type: 3, name_localizations: { de: 'Hier Spielen' } }]), '');
  });

  it('the sandbox\'s registration route answers 400 and 50035 to an invalid localized name, and keeps valid maps for with_localizations=true only', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hiqty-names-'));
    const sandbox = await startSandbox({ dataDir, log: silentLogger });
    try {
      const route = `${sandbox.apiBase}/v10/applications/${sandbox.applicationId}/commands`;
      const headers = { authorization: `Bot ${sandbox.token}`, 'content-type': 'application/json' };
      const bad = await fetch(route, { method: 'PUT', headers, body: JSON.stringify([{ name: 'play', description: 'd', name_localizations: { de: 'Abspielen' } }]) });
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /"code":50035.*Abspielen.*lower case/);
      const good = await fetch(route, { method: 'PUT', headers, body: JSON.stringify(definitions) });
      assert.equal(good.status, 200, await good.text());
      const plain = await (await fetch(route, { headers })).text();
      assert.equal(plain.includes('name_localizations'), false);
      const full = await (await fetch(`${route}?with_localizations=true`, { headers })).text();
      assert.ok(full.includes('"abspielen"'), 'the German name of /play comes back when asked');
    } finally {
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
