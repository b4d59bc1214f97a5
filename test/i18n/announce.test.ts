/**
 * The Player's announcements as written for each guild language: the track and the reason are in every
 * one, the language is the one the lookup gives, and a lookup that fails (Redis away) costs nothing
 * but the language: the announcement still goes out, in English. The path through Redis, discord.js
 * and the sandbox is test/player/announce-language.test.ts.
 */
import { strict as assert } from 'node:assert';
import pino from 'pino';
import { announcer, type TextPoster } from '../../src/discord/announce';
import { LOCALES, type Locale } from '../../src/i18n';
import { waitFor } from '../support/wait';

/** The Discord side of posting, recorded: what would have been sent to which channel. */
function recordingPoster(): TextPoster & { readonly sent: Array<{ channel: string; content: string }> } {
  const sent: Array<{ channel: string; content: string }> = [];
  return { sent, post: async (channel, content) => void sent.push({ channel, content }) };
}

const track = { id: 't1', url: 'https://example.org/a.ogg', title: 'Song A', artist: 'Band B' };
const UNPLAYABLE: Readonly<Record<Locale, RegExp>> = {
  en: /^⚠️ Skipped \*\*Song A\*\*: it broke\. It was moved to the quarantine; the queue goes on\.$/,
  de: /^⚠️ \*\*Song A\*\* übersprungen: it broke\. .*Quarantäne/,
  fr: /^⚠️ \*\*Song A\*\* passé : it broke\. .*quarantaine/,
  es: /^⚠️ Se omitió \*\*Song A\*\*: it broke\. .*cuarentena/,
  'pt-BR': /^⚠️ \*\*Song A\*\* foi pulada: it broke\. .*quarentena/,
  ja: /^⚠️ \*\*Song A\*\* をスキップしました: it broke。隔離リスト/,
};

describe('discord/announce: announcements in the guild language', () => {
  for (const locale of LOCALES) {
    it(`${locale}: every announcement names the track and keeps the reason`, async () => {
      const poster = recordingPoster();
      const asked: string[] = [];
      const a = announcer(poster, async (guild) => (asked.push(guild), locale));
      a.unplayable('g1', 'c1', track, 'it broke');
      a.playedElsewhere('g1', 'c1', track, { source: 'soundcloud', label: 'SoundCloud', because: 'YouTube refused it' });
      a.playedElsewhere('g1', 'c1', track, { source: 'soundcloud', label: 'SoundCloud' });
      a.streamEnded('g1', 'c1', track, 'the broadcast ended');
      a.streamEnded('g1', 'c1', { ...track, artist: ' ' }, 'the broadcast ended');
      await waitFor('five posts', () => poster.sent.length === 5 || undefined);
      assert.deepEqual(asked, ['g1', 'g1', 'g1', 'g1', 'g1']);
      const [unplayable, elsewhere, noReason, ended, endedNoArtist] = poster.sent.map((s) => s.content);
      assert.match(unplayable ?? '', UNPLAYABLE[locale]);
      assert.match(elsewhere ?? '', /^🔁 \*\*Song A\*\*.*YouTube refused it.*SoundCloud/);
      assert.doesNotMatch(noReason ?? '', /\{\{|undefined/);
      assert.match(ended ?? '', /^📴 \*\*Band B\*\*.*\*\*Song A\*\*.*the broadcast ended/);
      assert.doesNotMatch(endedNoArtist ?? '', /Band B|\*\* \*\*/);
      assert.ok(poster.sent.every((s) => s.channel === 'c1'));
    });
  }

  it('nothing is looked up or posted without a text channel', async () => {
    const poster = recordingPoster();
    let asked = 0;
    announcer(poster, async () => (asked++, 'de')).unplayable('g1', undefined, track, 'x');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(asked, 0);
    assert.deepEqual(poster.sent, []);
  });

  it('a lookup that fails still announces, in English, and logs why', async () => {
    const poster = recordingPoster();
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    announcer(poster, () => Promise.reject(new Error('redis away')), log).unplayable('g1', 'c1', track, 'it broke');
    await waitFor('the post', () => poster.sent[0]);
    assert.match(poster.sent[0]?.content ?? '', UNPLAYABLE.en);
    assert.ok(lines.some((l) => l.includes('announcing in English') && l.includes('redis away')), lines.join('\n'));
  });
});
