import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withRangeParam } from '../../src/media/fetch-context';
import { mp3SeekOffset } from '../../src/media/seek/mp3-seek';
import { parseMp4Layout, parseSidx } from '../../src/media/seek/mp4-index';
import { parseCues, parseWebmHeader, pointAtOrBefore } from '../../src/media/seek/webm-index';
import { makeTone } from '../../src/sandbox/fixtures/tones';

describe('media/seek indexes, on ffmpeg-made files', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-seek-'));
  let webm: Buffer;
  let m4a: Buffer;
  let mp3: Buffer;

  before(async function () {
    this.timeout(120_000);
    webm = readFileSync(await makeTone({ hz: 440, durationMs: 240_000, format: 'webm-opus', dir }));
    m4a = readFileSync(await makeTone({ hz: 440, durationMs: 240_000, format: 'm4a-aac', dir }));
    mp3 = readFileSync(await makeTone({ hz: 440, durationMs: 240_000, format: 'mp3', dir }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('WebM: the SeekHead finds the Cues, and each cue points at a Cluster', () => {
    const header = parseWebmHeader(webm.subarray(0, 256 * 1024));
    assert.ok(header?.cuesAt !== undefined && header.headerEnd !== undefined);
    assert.equal(webm.readUInt32BE(header.headerEnd), 0x1f43b675, 'the header ends at the first Cluster');
    const points = parseCues(webm.subarray(header.cuesAt), header);
    assert.ok(points.length > 20, `${points.length} cue points`);
    for (const p of points) assert.equal(webm.readUInt32BE(p.offset), 0x1f43b675);
    const at = pointAtOrBefore(points, 170_000);
    assert.ok(at !== undefined && at.timeMs <= 170_000 && at.timeMs > 160_000, `cluster at ${at?.timeMs} ms`);
    assert.equal(pointAtOrBefore(points, 0)?.timeMs, 0);
  });

  it('WebM: bytes that are not WebM have no header', () => {
    assert.equal(parseWebmHeader(m4a.subarray(0, 1024)), undefined);
    assert.equal(parseWebmHeader(Buffer.alloc(0)), undefined);
  });

  it('MP4: ftyp+moov, then a sidx whose subsegments start at moof boxes', () => {
    const layout = parseMp4Layout(m4a.subarray(0, 64 * 1024));
    assert.ok(layout.initEnd !== undefined && layout.sidx !== undefined);
    assert.equal(m4a.toString('latin1', layout.initEnd + 4, layout.initEnd + 8), 'sidx', 'the sidx follows the moov');
    const subsegments = parseSidx(m4a.subarray(layout.sidx.start, layout.sidx.end), layout.sidx.start);
    assert.ok(subsegments.length >= 100, `${subsegments.length} subsegments`);
    for (const s of subsegments) assert.equal(m4a.toString('latin1', s.offset + 4, s.offset + 8), 'moof');
    const at = pointAtOrBefore(subsegments, 170_000);
    assert.ok(at !== undefined && at.timeMs <= 170_000 && at.timeMs > 167_000, `fragment at ${at?.timeMs} ms`);
    assert.deepEqual(parseSidx(Buffer.from('garbage!'), 0), []);
  });

  it('MP3: the Xing/Info TOC corrects the bitrate estimate, landing near the position', () => {
    const seek = mp3SeekOffset(mp3.subarray(0, 64 * 1024), 170_000, mp3.length, 240_000);
    assert.equal(seek.how, 'toc');
    const fraction = seek.offset / mp3.length;
    assert.ok(Math.abs(fraction - 170 / 240) < 0.01, `at ${(fraction * 100).toFixed(1)} % of the file`);
    const plain = mp3SeekOffset(Buffer.from('not an mp3 header at all'), 60_000, 1_000_000, 240_000);
    assert.deepEqual(plain, { offset: 250_000, how: 'bitrate' });
  });

  it('range= goes into the query without re-encoding the rest, and replaces an earlier one', () => {
    assert.equal(withRangeParam('https://r1.googlevideo.com/videoplayback?sig=a%2Cb&x=1', 0, 99), 'https://r1.googlevideo.com/videoplayback?sig=a%2Cb&x=1&range=0-99');
    assert.equal(withRangeParam('https://h/v?range=0-9&x=1', 10, 19), 'https://h/v?range=10-19&x=1');
    assert.equal(withRangeParam('https://h/v', 5, 6), 'https://h/v?range=5-6');
  });
});
