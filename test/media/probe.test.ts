import { strict as assert } from 'node:assert';
import { opusPacketDurationMs, SkipUntil } from '../../src/media/passthrough';
import { probe } from '../../src/media/probe';

function oggFirstPage(codecHeader: string): Buffer {
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header[26] = 1; // one segment
  return Buffer.concat([header, Buffer.from([19]), Buffer.from(codecHeader.padEnd(19, '\0'), 'latin1')]);
}

describe('media/probe', () => {
  it('Ogg with OpusHead passes through; Ogg with another codec is transcoded', () => {
    assert.deepEqual(probe(oggFirstPage('OpusHead'), 'audio/ogg', false), { kind: 'ogg-opus' });
    assert.deepEqual(probe(oggFirstPage('\x01vorbis'), 'audio/ogg', false), { kind: 'transcode', format: 'ogg' });
    assert.deepEqual(probe(oggFirstPage('OpusHead').subarray(0, 20), undefined, false), { kind: 'need-more' });
  });

  it('WebM with A_OPUS passes through; WebM without it is transcoded once a cluster starts', () => {
    const ebml = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80]);
    const opusTrack = Buffer.concat([ebml, Buffer.from([0x86, 0x86]), Buffer.from('A_OPUS')]);
    assert.deepEqual(probe(opusTrack, 'audio/webm', false), { kind: 'webm-opus' });
    assert.deepEqual(probe(ebml, 'audio/webm', false), { kind: 'need-more' });
    const vorbisTrack = Buffer.concat([ebml, Buffer.from([0x86, 0x88]), Buffer.from('A_VORBIS'), Buffer.from([0x1f, 0x43, 0xb6, 0x75])]);
    assert.deepEqual(probe(vorbisTrack, 'audio/webm', false), { kind: 'transcode', format: 'matroska' });
  });

  it('recognizes the common formats that need ffmpeg', () => {
    assert.deepEqual(probe(Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1'), undefined, false), { kind: 'transcode', format: 'mp3' });
    assert.deepEqual(probe(Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0]), undefined, false), { kind: 'transcode', format: 'mp3' });
    assert.deepEqual(probe(Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), undefined, false), { kind: 'transcode', format: 'wav' });
    assert.deepEqual(probe(Buffer.from('fLaC\0\0\0\x22', 'latin1'), undefined, false), { kind: 'transcode', format: 'flac' });
    assert.deepEqual(probe(Buffer.from([0xff, 0xf1, 0x50, 0x80, 1, 2, 3, 4, 5]), 'audio/aac', false), { kind: 'transcode', format: 'unknown' });
  });

  it('refuses what is clearly not audio, saying what it looks like', () => {
    assert.deepEqual(probe(Buffer.alloc(0), 'audio/mpeg', true), { kind: 'not-audio', reason: 'the file is empty' });
    assert.deepEqual(probe(Buffer.from('<!doctype html><html>'), 'audio/mpeg', false), { kind: 'not-audio', reason: 'not an audio file (it looks like an HTML page)' });
    assert.deepEqual(probe(Buffer.from('  <html><body>x</body></html>'), 'text/html; charset=utf-8', false), { kind: 'not-audio', reason: 'not an audio file (text/html)' });
    assert.deepEqual(probe(Buffer.from('{"error":"not found"}'), 'application/json', false), { kind: 'not-audio', reason: 'not an audio file (application/json)' });
    assert.deepEqual(probe(Buffer.from('Access denied. Please log in first.'), undefined, false), { kind: 'not-audio', reason: 'not an audio file (it looks like text)' });
    assert.deepEqual(probe(oggFirstPage('OpusHead').subarray(0, 20), undefined, true), { kind: 'not-audio', reason: 'the file is cut short (an incomplete Ogg header)' });
  });
});

describe('media/passthrough packet durations', () => {
  it('reads frame size and count from the TOC byte', () => {
    assert.equal(opusPacketDurationMs(Buffer.from([(31 << 3) | 0])), 20); // CELT FB 20 ms, one frame
    assert.equal(opusPacketDurationMs(Buffer.from([(28 << 3) | 0])), 2.5); // CELT 2.5 ms
    assert.equal(opusPacketDurationMs(Buffer.from([(31 << 3) | 1])), 40); // two frames
    assert.equal(opusPacketDurationMs(Buffer.from([(31 << 3) | 3, 3])), 60); // code 3, three frames
    assert.equal(opusPacketDurationMs(Buffer.from([(3 << 3) | 0])), 60); // SILK NB 60 ms
    assert.equal(opusPacketDurationMs(Buffer.from([(13 << 3) | 0])), 20); // hybrid 20 ms
    assert.equal(opusPacketDurationMs(Buffer.alloc(0)), 0);
  });

  it('SkipUntil drops whole packets before the position', async () => {
    const skip = new SkipUntil(50);
    const packet = Buffer.from([31 << 3]);
    for (let i = 0; i < 5; i++) skip.write(packet);
    skip.end();
    const out: Buffer[] = [];
    for await (const p of skip) if (Buffer.isBuffer(p)) out.push(p);
    assert.equal(out.length, 2); // 3 × 20 ms dropped to reach 50 ms
  });
});
