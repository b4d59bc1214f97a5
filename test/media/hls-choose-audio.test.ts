/** Which URI of a master playlist the HLS reader plays: chooseAudio on parsed masters, no network. */
import { strict as assert } from 'node:assert';
import type { types } from 'hls-parser';
import { chooseAudio, parsePlaylistText } from '../../src/media/hls/playlist';

function master(lines: readonly string[]): types.MasterPlaylist {
  const parsed = parsePlaylistText(['#EXTM3U', '#EXT-X-VERSION:6', ...lines, ''].join('\n'));
  assert.ok(parsed.isMasterPlaylist, 'a master playlist');
  return parsed;
}

/** Video variants paired with two audio groups, the low one listed (and used) first, as Vimeo's masters can be. */
const TWO_GROUPS = [
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio-low",NAME="Original",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="../audio/low/playlist.m3u8"',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio-high",NAME="Original",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="../audio/high/playlist.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=350000,CODECS="avc1.64000D,mp4a.40.2",RESOLUTION=426x240,AUDIO="audio-low"',
  '240p/playlist.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=1200000,CODECS="avc1.64001E,mp4a.40.2",RESOLUTION=640x360,AUDIO="audio-high"',
  '360p/playlist.m3u8',
];

describe('media/hls chooseAudio', () => {
  it('takes the audio-only variant with the most bandwidth when there is one', () => {
    const uri = chooseAudio(
      master([
        '#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720',
        'video.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.5"',
        'low.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=160000,CODECS="mp4a.40.2"',
        'audio.m3u8',
      ]),
    );
    assert.equal(uri, 'audio.m3u8');
  });

  it('else an AUDIO rendition: the one of the highest-bandwidth variant\'s group, whatever the order they are listed in', () => {
    assert.equal(chooseAudio(master(TWO_GROUPS)), '../audio/high/playlist.m3u8');
    const reversed = [TWO_GROUPS[1], TWO_GROUPS[0], TWO_GROUPS[4], TWO_GROUPS[5], TWO_GROUPS[2], TWO_GROUPS[3]].flatMap((l) => (l === undefined ? [] : [l]));
    assert.equal(chooseAudio(master(reversed)), '../audio/high/playlist.m3u8');
  });

  it('within that group, the DEFAULT rendition first', () => {
    const uri = chooseAudio(
      master([
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Commentary",DEFAULT=NO,AUTOSELECT=NO,URI="commentary.m3u8"',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Main",DEFAULT=YES,AUTOSELECT=YES,URI="main.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.64001E,mp4a.40.2",RESOLUTION=640x360,AUDIO="aac"',
        '360p.m3u8',
      ]),
    );
    assert.equal(uri, 'main.m3u8');
  });

  it('passes over a best variant whose audio is muxed in (a rendition without a URI) to a group that has one', () => {
    const uri = chooseAudio(
      master([
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="muxed",NAME="Main",DEFAULT=YES',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="separate",NAME="Main",DEFAULT=YES,URI="separate.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=3000000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080,AUDIO="muxed"',
        '1080p.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=600000,CODECS="avc1.64001E,mp4a.40.2",RESOLUTION=640x360,AUDIO="separate"',
        '360p.m3u8',
      ]),
    );
    assert.equal(uri, 'separate.m3u8');
  });

  it('else the lowest-bandwidth variant, its video dropped by ffmpeg', () => {
    const uri = chooseAudio(
      master([
        '#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720',
        '720p.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360',
        '360p.m3u8',
      ]),
    );
    assert.equal(uri, '360p.m3u8');
  });
});
