import { strict as assert } from 'node:assert';
import { LOCALES } from '../../src/i18n';
import { NAMESPACES } from '../../src/i18n/messages';
import { commandDefinitions, sameDefinitions } from '../../controllers/responder';

/** Discord's limits for chat input commands (docs: Application Commands). */
const NAME = /^[-_\p{Ll}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

function check(where: string, def: Record<string, unknown>, problems: string[]): number {
  const name = def.name;
  const description = def.description;
  if (typeof name !== 'string' || !NAME.test(name) || name !== name.toLowerCase()) problems.push(`${where}: name ${JSON.stringify(name)} is not 1-32 lowercase characters`);
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) problems.push(`${where}: description is ${String(description).length} characters (1-100)`);
  let chars = String(name).length + String(description).length;
  const options = Array.isArray(def.options) ? def.options : [];
  if (options.length > 25) problems.push(`${where}: ${options.length} options (at most 25)`);
  let optionalSeen = false;
  for (const o of options) {
    if (!isRecord(o)) continue;
    if (o.required === true && optionalSeen) problems.push(`${where}.${String(o.name)}: a required option after an optional one`);
    if (o.required !== true) optionalSeen = true;
    chars += check(`${where}.${String(o.name)}`, o, problems);
    const choices = Array.isArray(o.choices) ? o.choices : [];
    if (choices.length > 25) problems.push(`${where}.${String(o.name)}: more than 25 choices`);
    for (const c of choices) if (isRecord(c)) chars += String(c.name).length + String(c.value).length;
  }
  return chars;
}

describe('responder: command definitions', () => {
  const definitions = commandDefinitions();

  it('has exactly the commands of issue #5, /search of issue #12 and history, back, /lyrics, /playlist, /filter and /autoplay of issue #16', () => {
    assert.deepEqual(definitions.map((d) => d.name).sort(), ['autoplay', 'clear', 'filter', 'history', 'leave', 'loop', 'lyrics', 'move', 'nowplaying', 'pause', 'play', 'playlist', 'previous', 'queue', 'remove', 'resume', 'search', 'seek', 'settings', 'shuffle', 'skip', 'skipto', 'stay', 'stop', 'volume']);
    const optionsOf = (name: string) => (definitions.find((d) => d.name === name)?.options ?? []).map((o) => o.name);
    assert.deepEqual(optionsOf('play'), ['query', 'file', 'next']);
    assert.deepEqual(optionsOf('search'), ['query']);
    assert.deepEqual(optionsOf('queue'), ['page']);
    assert.deepEqual(optionsOf('history'), ['page']);
    assert.deepEqual(optionsOf('skipto'), ['index']);
    assert.deepEqual(optionsOf('previous'), []);
    assert.deepEqual(optionsOf('remove'), ['index']);
    assert.deepEqual(optionsOf('move'), ['from', 'to']);
    assert.deepEqual(optionsOf('loop'), ['mode']);
    assert.deepEqual(optionsOf('seek'), ['position']);
    assert.deepEqual(optionsOf('volume'), ['percent']);
    assert.deepEqual(optionsOf('stay'), ['enabled']);
    assert.deepEqual(optionsOf('lyrics'), []);
    assert.deepEqual(optionsOf('autoplay'), ['mode']);
    assert.deepEqual(optionsOf('playlist'), ['save', 'load', 'list', 'show', 'delete', 'rename', 'add']);
    // Subcommands: their options, in order.
    const subs = (definitions.find((d) => d.name === 'filter')?.options ?? []).map((o) => [o.name, 'options' in o ? (o.options ?? []).map((x) => x.name) : []]);
    assert.deepEqual(subs, [
      ['preset', ['name', 'level']],
      ['equalizer', ['band', 'gain', 'bands']],
      ['speed', ['value']],
      ['pitch', ['value']],
      ['rate', ['value']],
      ['off', ['name']],
      ['show', []],
    ]);
  });

  it('/playlist: every subcommand has scope (mine or server); existing names autocomplete; every language\'s descriptions fit Discord', () => {
    const playlist = definitions.find((d) => d.name === 'playlist');
    const subs: unknown[] = playlist?.options ?? [];
    for (const sub of subs) {
      assert.ok(isRecord(sub) && Array.isArray(sub.options));
      const options = sub.options.filter(isRecord);
      const scope = options.find((o) => o.name === 'scope');
      const choices: unknown[] = Array.isArray(scope?.choices) ? scope.choices : [];
      assert.deepEqual(choices.filter(isRecord).map((c) => [c.name, c.value]), [['mine', 'mine'], ['server', 'server']], String(sub.name));
      const name = options.find((o) => o.name === 'name');
      if (sub.name !== 'list') assert.equal(name?.autocomplete, sub.name !== 'save', `${String(sub.name)} name autocompletes an existing playlist`);
    }
    for (const locale of LOCALES) {
      for (const [key, value] of Object.entries(NAMESPACES.playlists?.[locale] ?? {})) {
        if (key.startsWith('cmd.') && key.endsWith('.description')) assert.ok(value.length >= 1 && value.length <= 100, `${locale} ${key}: ${value.length} characters`);
        if (key.includes('.choice.')) assert.ok(value.length >= 1 && value.length <= 100, `${locale} ${key}`);
      }
    }
  });

  it('/play autocompletes its query and takes a file (type 11); both are optional, so the handler asks for one', () => {
    const play = definitions.find((d) => d.name === 'play');
    const option = (name: string): Record<string, unknown> => {
      const o: unknown = play?.options?.find((x) => x.name === name);
      assert.ok(isRecord(o), `option ${name}`);
      return o;
    };
    assert.equal(option('query').autocomplete, true);
    assert.notEqual(option('query').required, true);
    assert.equal(option('file').type, 11);
    assert.notEqual(option('file').required, true);
  });

  it('every definition is within Discord\'s limits', () => {
    const problems: string[] = [];
    assert.ok(definitions.length <= 100);
    for (const def of definitions) {
      assert.ok(isRecord(def));
      const chars = check(def.name, { ...def }, problems);
      if (chars > 4000) problems.push(`${def.name}: ${chars} characters in names, descriptions and choices (at most 4000)`);
    }
    assert.deepEqual(problems, []);
  });

  it('the checker catches what Discord would refuse', () => {
    const problems: string[] = [];
    check('bad', { name: 'Play Music', description: 'x'.repeat(101), options: Array.from({ length: 26 }, (_, i) => ({ name: `o${i}`, description: 'd' })) }, problems);
    assert.equal(problems.length, 3);
  });

  it('compares registered definitions by meaning: Discord\'s extra fields do not count, a changed description does', () => {
    const registered = definitions.map((d) => ({ ...d, id: '1', application_id: '2', version: '3', nsfw: false, integration_types: [0], dm_permission: true }));
    assert.equal(sameDefinitions(registered, definitions), true);
    const changed = registered.map((d) => (d.name === 'skip' ? { ...d, description: 'Skip it' } : d));
    assert.equal(sameDefinitions(changed, definitions), false);
    assert.equal(sameDefinitions(registered.slice(1), definitions), false);
  });

  it('a changed or missing localized name counts as a change (a new translation is registered)', () => {
    const registered = definitions.map((d) => JSON.parse(JSON.stringify(d)));
    assert.equal(sameDefinitions(registered, definitions), true);
    const renamed = registered.map((d) => (d.name === 'play' ? { ...d, name_localizations: { ...d.name_localizations, de: 'spielen' } } : d));
    assert.equal(sameDefinitions(renamed, definitions), false);
    const option = (d: Record<string, unknown>) => ({ ...d, options: (Array.isArray(d.options) ? d.options : []).map((o) => ({ ...o, name_localizations: undefined })) });
    assert.equal(sameDefinitions(registered.map((d) => (d.name === 'move' ? option(d) : d)), definitions), false, 'an option registered without its names');
  });
});
