import { strict as assert } from 'node:assert';
import { codePointText, parseXspf } from '../../src/media/playlist';

const BASE = new URL('https://example.com/lists/a.xspf');

function xspf(title: string, location = 'https://example.com/a.mp3'): string {
  return `<?xml version="1.0"?><playlist><trackList><track><location>${location}</location><title>${title}</title></track></trackList></playlist>`;
}

describe('media/playlist: character references', () => {
  const cases: ReadonlyArray<readonly [what: string, title: string, expected: string]> = [
    ['a valid hex reference', 'caf&#xE9;', 'café'],
    ['a valid decimal reference', 'caf&#233;', 'café'],
    ['an astral character', '&#x1F3B5; song', '🎵 song'],
    ['past U+10FFFF (hex)', 'a&#x110000;b', 'a\uFFFDb'],
    ['past U+10FFFF (decimal)', 'a&#1114112;b', 'a\uFFFDb'],
    ['a huge number', 'a&#99999999999999999999999;b', 'a\uFFFDb'],
    ['a huge hex number', 'a&#xFFFFFFFFFFFFFFFFFFFF;b', 'a\uFFFDb'],
    ['a high surrogate', 'a&#xD800;b', 'a\uFFFDb'],
    ['a low surrogate', 'a&#xDFFF;b', 'a\uFFFDb'],
    ['NUL', 'a&#0;b', 'a\uFFFDb'],
    ['named entities', 'Tom &amp; Jerry &lt;3', 'Tom & Jerry <3'],
    ['an unknown entity, left as it is', 'a &nbsp; b', 'a &nbsp; b'],
  ];
  for (const [what, title, expected] of cases) {
    it(`${what}: ${JSON.stringify(title)}`, () => {
      const entries = parseXspf(xspf(title), BASE);
      assert.deepEqual(entries, [{ url: 'https://example.com/a.mp3', title: expected }]);
    });
  }

  it('an invalid reference in a location does not throw either, and the entry is still read', () => {
    const entries = parseXspf(xspf('t', 'https://example.com/&#x110000;.mp3'), BASE);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.url, 'https://example.com/%EF%BF%BD.mp3');
  });

  it('codePointText bounds', () => {
    assert.equal(codePointText(0x10ffff), String.fromCodePoint(0x10ffff));
    assert.equal(codePointText(0xd7ff), '\uD7FF');
    assert.equal(codePointText(0xe000), '\uE000');
    assert.equal(codePointText(Number.NaN), '\uFFFD');
    assert.equal(codePointText(-1), '\uFFFD');
  });
});
