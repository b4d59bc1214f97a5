/**
 * The HLS reader's choices that need no network: which variant of a master playlist a plan's preferred
 * rendition picks, and when a plan that expires is refreshed.
 */
import { strict as assert } from 'node:assert';
import { parse, type types } from 'hls-parser';
import { chooseAudio } from '../../src/media/hls/playlist';
import { DEFAULT_REFRESH_AHEAD_MS, refreshTime } from '../../src/media/hls/replan';

function master(text: string): types.MasterPlaylist {
  const parsed = parse(text);
  assert.ok(parsed.isMasterPlaylist);
  return parsed;
}

// Twitch's shape: every variant a VIDEO group, audio_only among them (here without CODECS, and above the
// lowest video variant's bandwidth, so only its name tells).
const TWITCH_LIKE = master(
  [
    '#EXTM3U',
    '#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID="chunked",NAME="1080p60 (source)",AUTOSELECT=YES,DEFAULT=YES',
    '#EXT-X-STREAM-INF:BANDWIDTH=6000000,RESOLUTION=1920x1080,CODECS="avc1.64002A,mp4a.40.2",VIDEO="chunked"',
    'chunked.m3u8',
    '#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID="160p30",NAME="160p",AUTOSELECT=YES,DEFAULT=YES',
    '#EXT-X-STREAM-INF:BANDWIDTH=100000,RESOLUTION=284x160,CODECS="avc1.4D400C,mp4a.40.2",VIDEO="160p30"',
    '160p.m3u8',
    '#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID="audio_only",NAME="audio_only",AUTOSELECT=NO,DEFAULT=NO',
    '#EXT-X-STREAM-INF:BANDWIDTH=160000,VIDEO="audio_only"',
    'audio.m3u8',
    '',
  ].join('\n'),
);

describe('media/hls: choices', () => {
  it('a preferred rendition is played when the master offers it, by NAME or GROUP-ID', () => {
    assert.equal(chooseAudio(TWITCH_LIKE, 'audio_only'), 'audio.m3u8');
    assert.equal(chooseAudio(TWITCH_LIKE, '160p'), '160p.m3u8');
    assert.equal(chooseAudio(TWITCH_LIKE, '160p30'), '160p.m3u8');
  });

  it('without a preference, or one not offered, the usual choice: here the lowest-bandwidth variant (its codecs say nothing of audio only)', () => {
    assert.equal(chooseAudio(TWITCH_LIKE), '160p.m3u8');
    assert.equal(chooseAudio(TWITCH_LIKE, 'no_such_rendition'), '160p.m3u8');
  });

  it('a plan is refreshed a minute before it expires, or a third of its lifetime before when that is shorter', () => {
    const now = 1_000_000;
    assert.equal(refreshTime(undefined, now), undefined);
    assert.equal(refreshTime(now + 20 * 60_000, now), now + 20 * 60_000 - DEFAULT_REFRESH_AHEAD_MS);
    assert.equal(refreshTime(now + 6000, now), now + 4000);
    assert.equal(refreshTime(now - 1000, now), now - 1000, 'already expired: at once');
  });
});
