/** LRC parsing, the line at a position (with the position a ManualClock extrapolates), and lyrics pages. */
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock';
import { lineIndexAt, nextLineAtMs, parseLrc, plainOf } from '../../src/lyrics/lrc';
import { LYRICS_PAGE_MAX_CHARS, lyricsPages } from '../../src/lyrics/pages';
import { nowPlayingOf } from '../../src/ops';
import { lyricPosition, withLyricLine } from '../../controllers/responder/lyrics-np';
import { RICKROLL_LINES, RICKROLL_LRC, SINE_PLAIN } from '../../src/sandbox/services/lrclib';
import { DEFAULT_SETTINGS, type GuildSnapshot } from '../../src/state';

describe('lyrics: LRC', () => {
  it('reads stamps of every precision, several stamps on one line, an offset, and skips tags and unstamped lines', () => {
    const lines = parseLrc(['[ar:The Oscillators]', '[ti:Square Dance]', '[offset:+500]', 'no stamp here', '[00:12.34] second', '[00:01.5]first', '[01:02.003][00:20.00] chorus <00:20.50>twice', '[00:30.00]', ''].join('\r\n'));
    assert.deepEqual(lines, [
      { atMs: 1000, text: 'first' },
      { atMs: 11_840, text: 'second' },
      { atMs: 19_500, text: 'chorus twice' },
      { atMs: 29_500, text: '' },
      { atMs: 61_503, text: 'chorus twice' },
    ]);
    assert.equal(plainOf(lines), 'first\nsecond\nchorus twice\n\nchorus twice');
  });

  it('is empty for text without stamps', () => {
    assert.deepEqual(parseLrc('just words\nno times'), []);
  });

  it('the line at a position: none before the first, each line from its stamp, the last to the end', () => {
    const lines = parseLrc(RICKROLL_LRC);
    assert.equal(lines.length, RICKROLL_LINES.length);
    assert.equal(lineIndexAt(lines, 0), undefined);
    assert.equal(nextLineAtMs(lines, 0), 300);
    assert.equal(lineIndexAt(lines, 300), 0);
    assert.equal(lineIndexAt(lines, 2799), 0);
    assert.equal(nextLineAtMs(lines, 2799), 2800);
    assert.equal(lineIndexAt(lines, 2800), 1);
    assert.equal(lineIndexAt(lines, 60_000), 2);
    assert.equal(nextLineAtMs(lines, 60_000), undefined);
  });

  it('follows the position a player checkpointed, extrapolated by the clock (as the now-playing message reads it)', async () => {
    const clock = new ManualClock();
    const lines = parseLrc(RICKROLL_LRC);
    const track = { id: 't1', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', title: 'Never Gonna Give You Up', durationMs: 8000 };
    const snapshot = (positionMs: number, updatedAt: number, state: 'playing' | 'paused'): GuildSnapshot => ({
      guild: '1',
      playlist: [track],
      playlistLength: 1,
      head: { kind: 'track', raw: JSON.stringify(track), track },
      state: 'playing',
      channel: '2',
      textChannel: '3',
      settings: DEFAULT_SETTINGS,
      lock: undefined,
      lockTtlMs: undefined,
      epoch: 1,
      status: { instance: 'a', epoch: 1, trackId: 't1', positionMs, state, updatedAt },
      quarantineLength: 0,
    });
    const checkpoint = clock.now();
    const at = () => lyricPosition(lines, nowPlayingOf(snapshot(1000, checkpoint, 'playing'), clock.now())?.positionMs ?? -1);
    assert.equal(at().index, 0);
    await clock.advance(1700);
    assert.equal(at().index, 0, 'at 2.7 s still the first line');
    await clock.advance(200);
    assert.deepEqual(at(), { index: 1, text: RICKROLL_LINES[1]?.[1], nextAtMs: 5400 });
    await clock.advance(10_000);
    assert.equal(at().index, 2, 'past the end the position stops at the length: the last line');
    // Paused: the position does not move with the clock.
    const paused = () => lyricPosition(lines, nowPlayingOf(snapshot(1000, checkpoint, 'paused'), clock.now())?.positionMs ?? -1);
    assert.equal(paused().index, 0);
  });

  it('puts the line under the message: the words in italics, ♪ in a gap, … before the first line', () => {
    const body = { content: '▶️ **Now playing:** x', components: [] };
    assert.equal(withLyricLine(body, { index: 1, text: 'a *b*', nextAtMs: 5 }).content, '▶️ **Now playing:** x\n🎤 *a \\*b\\**');
    assert.equal(withLyricLine(body, { index: 2, text: '', nextAtMs: undefined }).content.split('\n')[1], '🎤 ♪');
    assert.equal(withLyricLine(body, { index: -1, text: '', nextAtMs: 300 }).content.split('\n')[1], '🎤 …');
    assert.equal(withLyricLine(body, undefined), body);
  });
});

describe('lyrics: pages', () => {
  it('breaks between lines within the size, never inside one, and loses no line', () => {
    const pages = lyricsPages(SINE_PLAIN);
    assert.ok(pages.length >= 3, `${pages.length} pages`);
    for (const p of pages) {
      assert.ok(p.length <= LYRICS_PAGE_MAX_CHARS, `a page of ${p.length}`);
      assert.notEqual(p.split('\n')[0]?.trim(), '', 'a page does not start with a blank line');
      assert.notEqual(p.split('\n').at(-1)?.trim(), '', 'nor end with one');
    }
    const words = (s: string) => s.split('\n').filter((l) => l.trim() !== '');
    assert.deepEqual(pages.flatMap(words), words(SINE_PLAIN));
  });

  it('one short text is one page; an empty one is one empty page; an overlong line is cut', () => {
    assert.deepEqual(lyricsPages('a\n\nb'), ['a\n\nb']);
    assert.deepEqual(lyricsPages(''), ['']);
    const [page] = lyricsPages('x'.repeat(50), 10);
    assert.equal(page, `${'x'.repeat(9)}…`);
  });
});
