import { strict as assert } from 'node:assert';
import { choicesOf, expiredSearchBody, parsePickCustomId, pickCustomId, resultName, resultValue, searchBody } from '../../controllers/responder/results';
import { translator } from '../../src/i18n';
import type { SearchView } from '../../src/ops';
import type { SourceTrack } from '../../src/sources/types';

const en = translator('en');

const track = (over: Partial<SourceTrack> = {}): SourceTrack => ({ url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', title: 'Never Gonna Give You Up', source: 'youtube', artist: 'Rick Astley', durationMs: 212_000, ...over });

function json(u: unknown): unknown {
  return JSON.parse(JSON.stringify(u));
}

function field(u: unknown, name: string): unknown {
  return typeof u === 'object' && u !== null ? Object.entries(u).find(([k]) => k === name)?.[1] : undefined;
}

function list(u: unknown): unknown[] {
  return Array.isArray(u) ? u : [];
}

describe('responder: search results as choices and as /search\'s menu', () => {
  it('a result is named "title — artist (m:ss) · Source"; live and unknown lengths say so or leave it out', () => {
    assert.equal(resultName(track(), en), 'Never Gonna Give You Up — Rick Astley (3:32) · YouTube');
    assert.equal(resultName(track({ source: 'soundcloud', durationMs: undefined }), en), 'Never Gonna Give You Up — Rick Astley · SoundCloud');
    assert.equal(resultName(track({ source: 'youtube-music', live: true, artist: undefined }), en), 'Never Gonna Give You Up (live) · YouTube Music');
  });

  it('a long title gives way first, so the name keeps its artist, length and source within 100 characters', () => {
    const name = resultName(track({ title: 'x'.repeat(300), artist: 'a'.repeat(100) }), en);
    assert.ok(name.length <= 100, `${name.length}`);
    assert.match(name, /^x+… — a+… \(3:32\) · YouTube$/);
  });

  it('a value is the link when it fits in 100 characters, else the title and artist searched on that source', () => {
    assert.equal(resultValue(track()), 'https://www.youtube.com/watch?v=dQw4w9WgXcQ');
    const long = track({ source: 'soundcloud', url: `https://soundcloud.com/someone/${'s'.repeat(120)}` });
    assert.equal(resultValue(long), 'sc:Never Gonna Give You Up Rick Astley');
    assert.ok(resultValue(track({ url: `https://x.org/${'y'.repeat(200)}`, title: 't'.repeat(200) })).length <= 100);
  });

  it('choices are at most 25, with distinct values', () => {
    const many = Array.from({ length: 40 }, (_, i) => track({ url: `https://www.youtube.com/watch?v=v${i % 30}` }));
    const choices = choicesOf(many, en);
    assert.equal(choices.length, 25);
    assert.equal(new Set(choices.map((c) => c.value)).size, 25);
  });

  it('/search\'s body: an embed of at most 10 results, a multi-select of each distinct one, the expiry in the custom id; expired, no menu', () => {
    const view: SearchView = {
      kind: 'search',
      query: 'never gonna',
      results: [...Array.from({ length: 12 }, (_, i) => track({ url: `https://www.youtube.com/watch?v=v${i}`, title: `Song ${i}` })), track({ url: 'https://www.youtube.com/watch?v=v0' })],
      skipped: [{ source: 'soundcloud', reason: 'resting after errors' }],
    };
    const body = json(searchBody(view, 1_800_000_000_000, en));
    const [embed] = list(field(body, 'embeds'));
    assert.equal(String(field(embed, 'description')).split('\n').length, 10);
    assert.match(String(field(field(embed, 'footer'), 'text')), /Not searched: SoundCloud \(resting after errors\)/);
    const row = list(field(body, 'components'))[0];
    const menu = list(field(row, 'components'))[0];
    assert.equal(field(menu, 'custom_id'), 'search:pick:1800000000000');
    const options = field(menu, 'options');
    assert.ok(Array.isArray(options) && options.length === 10);
    assert.equal(field(menu, 'max_values'), 10);
    for (const o of options) assert.ok(String(field(o, 'label')).length <= 100 && String(field(o, 'description')).length <= 100);
    assert.equal(parsePickCustomId(pickCustomId(1_800_000_000_000)), 1_800_000_000_000);
    assert.equal(parsePickCustomId('search:pick:soon'), undefined);
    assert.equal(parsePickCustomId('queue:page:2'), undefined);
    const expired = json(expiredSearchBody(view, en));
    assert.deepEqual(field(expired, 'components'), []);
    assert.match(String(field(expired, 'content')), /expired/);
  });
});
