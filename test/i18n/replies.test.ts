/**
 * The Responder's words: every refusal and denial exists in every language (none left in English, no
 * key or placeholder showing), lists follow the language, and every message key the Responder's code
 * names is in the catalogue (a typo would otherwise show the key itself to members).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { deniedMessage, type Denied } from '../../controllers/responder/access';
import { LOCALES, translator } from '../../src/i18n';
import { NAMESPACES } from '../../src/i18n/messages';
import { listOf, opErrorMessage, sourceLabel, type OpError } from '../../src/ops';

/** One of each refusal; a Record, so a new kind of OpError fails to compile here until it has a sample. */
const OP_ERRORS: { readonly [K in OpError['kind']]: Extract<OpError, { kind: K }> } = {
  'invalid-input': { kind: 'invalid-input', problems: ['page: expected an integer'] },
  'query-too-long': { kind: 'query-too-long', length: 600, max: 500 },
  'empty-query': { kind: 'empty-query' },
  'link-refused': { kind: 'link-refused', reason: 'not an audio file' },
  'source-unavailable': { kind: 'source-unavailable', source: 'youtube', reason: 'private video' },
  'source-failed': { kind: 'source-failed', source: 'soundcloud', reason: 'HTTP 503' },
  'cooling-down': { kind: 'cooling-down', sources: ['youtube', 'soundcloud'] },
  'no-results': { kind: 'no-results', query: 'never gonna', skipped: [{ source: 'bandcamp', reason: 'resting after errors' }] },
  'playlist-empty': { kind: 'playlist-empty', what: 'playlist' },
  cancelled: { kind: 'cancelled' },
  'queue-empty': { kind: 'queue-empty' },
  'index-out-of-range': { kind: 'index-out-of-range', index: 9, length: 3 },
  'queue-full': { kind: 'queue-full', limit: 500 },
  'user-limit': { kind: 'user-limit', limit: 20 },
  'bad-position': { kind: 'bad-position', input: 'soon' },
  'position-beyond-end': { kind: 'position-beyond-end', positionMs: 400_000, durationMs: 212_000 },
  'not-seekable': { kind: 'not-seekable' },
  'volume-out-of-range': { kind: 'volume-out-of-range', percent: 250 },
  'not-playing': { kind: 'not-playing' },
  'not-paused': { kind: 'not-paused' },
  'no-channel': { kind: 'no-channel' },
  'page-out-of-range': { kind: 'page-out-of-range', page: 5, pages: 2 },
  'not-yours': { kind: 'not-yours', index: 2, owner: 'bob' },
  changed: { kind: 'changed' },
  'still-corrupt': { kind: 'still-corrupt', index: 1, reason: 'no url' },
  unavailable: { kind: 'unavailable', reason: 'ECONNREFUSED' },
  'history-empty': { kind: 'history-empty' },
  'history-corrupt': { kind: 'history-corrupt', reason: 'track: missing url' },
  'history-gone': { kind: 'history-gone' },
};

const DENIALS: readonly Denied[] = [
  { kind: 'not-in-voice' },
  { kind: 'other-channel', memberChannel: '1', botChannel: '2' },
  { kind: 'not-dj', role: '3' },
  { kind: 'not-manager' },
];

/** No key, namespace or placeholder left in a message a member reads. */
function assertFinished(text: string, what: string): void {
  assert.ok(text.trim() !== '', `${what} is empty`);
  assert.doesNotMatch(text, /\{\{|\}\}|\b(errors|replies|render|common):/, `${what}: ${text}`);
}

describe('i18n: the Responder\'s refusals and denials in every language', () => {
  const english = translator('en');

  it('English keeps its wording (the REST API and the CLI speak it)', () => {
    assert.equal(opErrorMessage(OP_ERRORS['queue-empty'], english, 'en'), 'The queue is empty. Add something with /play first.');
    assert.equal(
      opErrorMessage(OP_ERRORS['cooling-down'], english, 'en'),
      'YouTube and SoundCloud search are resting after errors; try again in a minute or paste a link.',
    );
    assert.equal(opErrorMessage({ kind: 'cooling-down', sources: ['youtube'] }, english, 'en'), 'YouTube search is resting after errors; try again in a minute or paste a link.');
    assert.equal(
      opErrorMessage(OP_ERRORS['no-results'], english, 'en'),
      'Nothing found for "never gonna" (Bandcamp skipped: resting after errors). Try other words, a yt:, ytm:, sc: or bc: prefix, or paste a link.',
    );
    assert.equal(opErrorMessage(OP_ERRORS['index-out-of-range'], english, 'en'), 'There is no track 9: the queue has 3 tracks (1 is the current one). See /queue for the numbers.');
    assert.equal(opErrorMessage({ kind: 'page-out-of-range', page: 2, pages: 1 }, english, 'en'), 'There is no page 2: the queue has 1 page. Pick a page from 1 to 1.');
  });

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    it(`${locale}: every refusal and denial is written in ${locale}, not English`, () => {
      const t = translator(locale);
      for (const e of Object.values(OP_ERRORS)) {
        const text = opErrorMessage(e, t, locale);
        assertFinished(text, `${e.kind} in ${locale}`);
        assert.notEqual(text, opErrorMessage(e, english, 'en'), `${e.kind} in ${locale} is the English text`);
      }
      for (const d of DENIALS) {
        const text = deniedMessage(d, t);
        assertFinished(text, `${d.kind} in ${locale}`);
        assert.notEqual(text, deniedMessage(d, english), `${d.kind} in ${locale} is the English text`);
      }
    });
  }

  it('picks plural forms by count, French and Spanish included', () => {
    assert.match(opErrorMessage({ kind: 'index-out-of-range', index: 4, length: 1 }, translator('fr'), 'fr'), /la file contient 1 titre \(/);
    assert.match(opErrorMessage({ kind: 'index-out-of-range', index: 9, length: 3 }, translator('fr'), 'fr'), /la file contient 3 titres \(/);
    assert.match(opErrorMessage({ kind: 'page-out-of-range', page: 2, pages: 1 }, translator('es'), 'es'), /la cola tiene 1 página\./);
    assert.match(opErrorMessage({ kind: 'page-out-of-range', page: 9, pages: 3 }, translator('es'), 'es'), /la cola tiene 3 páginas\./);
  });

  it('lists are written as each language writes them; only sources that are words are translated', () => {
    const names = ['YouTube', 'SoundCloud', 'Bandcamp'];
    assert.equal(listOf(names, 'en'), 'YouTube, SoundCloud and Bandcamp');
    assert.equal(listOf(names, 'de'), 'YouTube, SoundCloud und Bandcamp');
    assert.equal(listOf(names, 'pt-BR'), 'YouTube, SoundCloud e Bandcamp');
    assert.equal(listOf(names, 'ja'), 'YouTube、SoundCloud、Bandcamp');
    assert.equal(listOf(['YouTube'], 'fr'), 'YouTube');
    assert.equal(listOf([], 'fr'), '');
    assert.equal(sourceLabel('youtube', translator('ja')), 'YouTube');
    assert.equal(sourceLabel('attachment', translator('de')), 'Anhang');
    assert.equal(sourceLabel('url', translator('ja')), 'リンク');
    assert.equal(sourceLabel('url', english), 'Link');
    assert.equal(sourceLabel('some-new-source', english), 'some-new-source');
  });
});

describe('i18n: every message key the Responder names exists', () => {
  const root = path.join(__dirname, '..', '..');
  const files = [
    ...readdirSync(path.join(root, 'controllers/responder')).map((f) => path.join(root, 'controllers/responder', f)),
    path.join(root, 'src/ops/errors.ts'),
  ].filter((f) => f.endsWith('.ts'));

  it('each literal `t(\'namespace:key\')` is an English message (or a plural one)', () => {
    const english = (key: string): boolean => {
      const [ns = '', name = ''] = key.split(':');
      const messages = Object.hasOwn(NAMESPACES, ns) ? NAMESPACES[ns]?.en : undefined;
      return messages !== undefined && (Object.hasOwn(messages, name) || Object.hasOwn(messages, `${name}_other`));
    };
    const named = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'((?:common|errors|replies|render):[\w.-]+)'/g)].map((m) => m[1] ?? ''));
    assert.ok(named.length > 80, `found only ${named.length} keys: is the pattern still right?`);
    const missing = named.filter((k) => !english(k));
    assert.deepEqual(missing, [], 'keys named in the code but not in the catalogue');
  });

  it('no reply, label or embed text is written as an English literal in the Responder\'s code', () => {
    // commands.ts and register.ts hold the command definitions, English by design (their translations are localizations).
    const replying = files.filter((f) => f.includes('controllers/responder') && !/\/(commands|register)\.ts$/.test(f));
    const found = replying.flatMap((f) => {
      const code = readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|\s)\/\/ .*$/gm, '')
        // Log lines and a resync's reason are for operators, in English.
        .replace(/\blog\.(trace|debug|info|warn|error|fatal)\([^;]*\)/g, '')
        .replace(/\.trigger\([^;]*\)/g, '');
      const sentences = [...code.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`/g)]
        .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
        .filter((v) => /[A-Za-z]{2,} [A-Za-z]{2,}/.test(v.replace(/\$\{[^}]*\}/g, '')));
      const labels = [...code.matchAll(/\.set(?:Label|Placeholder|Title|Description)\(\s*['"`][^'"`]*['"`]\s*\)|\bcontent: ['"][^'"]+['"]|\bname: ['"][A-Z][^'"]*['"]/g)].map((m) => m[0]);
      return [...sentences, ...labels].map((v) => `${path.basename(f)}: ${v}`);
    });
    assert.deepEqual(found, []);
  });
});
