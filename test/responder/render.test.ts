import { strict as assert } from 'node:assert';
import { nowPlayingContent } from '../../controllers/responder/render';
import { translator } from '../../src/i18n';
import type { NowPlaying } from '../../src/ops';

const en = translator('en');

const np = (over: Partial<NowPlaying> = {}): NowPlaying => ({
  kind: 'now-playing',
  track: { id: 't1', url: 'https://open.spotify.com/track/1', title: 'Blue Tone', artist: 'The Tones', source: 'spotify', requester: { id: '1', name: 'alice' } },
  state: 'playing',
  started: true,
  positionMs: 30_000,
  durationMs: 200_000,
  loop: 'off',
  volume: 100,
  queueLength: 1,
  next: undefined,
  playedFrom: undefined,
  ...over,
});

describe('responder: the now-playing text', () => {
  it('shows the original metadata and source, and names the source that plays it when that is another', () => {
    assert.match(nowPlayingContent(np(), en), /\*\*Now playing:\*\* Blue Tone — The Tones\nRequested by alice · Spotify · 🔊 100%/);
    assert.match(nowPlayingContent(np({ playedFrom: 'YouTube' }), en), /Requested by alice · Spotify, played from YouTube · 🔊 100%/);
  });
});
