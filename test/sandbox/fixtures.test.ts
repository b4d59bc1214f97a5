import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { resolveFfmpeg } from '../../src/media/ffmpeg-path';
import { makeBadFiles, type BadFiles } from '../../src/sandbox/fixtures/bad-files';
import { oggOpusDurationMs, readOggPages } from '../../src/sandbox/fixtures/ogg';
import { parseRange } from '../../src/sandbox/fixtures/range';
import { runFfmpeg } from '../../src/sandbox/fixtures/run-ffmpeg';
import { startFixtureServer, type FixtureServer } from '../../src/sandbox/fixtures/server';
import { makeTone } from '../../src/sandbox/fixtures/tones';
import { waitFor } from '../support/wait';

/** Duration as ffmpeg reports it in `ffmpeg -i` (it exits non-zero for lack of an output: fine). */
async function ffmpegDurationMs(file: string): Promise<number | undefined> {
  const { stderr } = await runFfmpeg(['-i', file]);
  const m = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  if (m === null) return undefined;
  return (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000;
}

interface Got {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** A streaming GET that records when each chunk arrived. */
function listen(url: string): { chunks: Array<{ atMs: number; bytes: number }>; first: Buffer[]; ended: Promise<void>; response: Promise<IncomingMessage>; abort(): void } {
  const chunks: Array<{ atMs: number; bytes: number }> = [];
  const first: Buffer[] = [];
  let resolveResponse: (r: IncomingMessage) => void = () => undefined;
  const response = new Promise<IncomingMessage>((resolve) => (resolveResponse = resolve));
  let resolveEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const req = http.get(url, (res) => {
    resolveResponse(res);
    res.on('data', (c: Buffer) => {
      if (first.length < 4) first.push(c);
      chunks.push({ atMs: performance.now(), bytes: c.length });
    });
    res.once('close', resolveEnded);
  });
  req.once('error', resolveEnded);
  return { chunks, first, ended, response, abort: () => req.destroy() };
}

const total = (chunks: ReadonlyArray<{ bytes: number }>): number => chunks.reduce((n, c) => n + c.bytes, 0);

describe('resolveFfmpeg', () => {
  it('prefers FFMPEG_PATH, then a working ffmpeg-static, then PATH', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hiqty-ffmpeg-'));
    try {
      const fake = path.join(dir, 'ffmpeg');
      await writeFile(fake, '#!/bin/sh\n', { mode: 0o755 });
      assert.deepEqual(resolveFfmpeg({ FFMPEG_PATH: '/opt/x/ffmpeg', PATH: dir }), { path: '/opt/x/ffmpeg', source: 'env', found: false });
      assert.deepEqual(resolveFfmpeg({ PATH: '' }, { ffmpegStatic: () => fake }), { path: fake, source: 'ffmpeg-static', found: true });
      // ffmpeg-static installed offline: the package is there, its binary is not.
      assert.deepEqual(resolveFfmpeg({ PATH: dir }, { ffmpegStatic: () => path.join(dir, 'missing') }), { path: fake, source: 'path', found: true });
      assert.deepEqual(resolveFfmpeg({ PATH: '' }, { ffmpegStatic: () => undefined }), { path: 'ffmpeg', source: 'path', found: false });
      assert.equal(resolveFfmpeg(process.env).found, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fixture files', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hiqty-fixtures-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes tones of every format with the asked duration', async () => {
    const formats = ['ogg-opus', 'webm-opus', 'mp3', 'wav'] as const;
    const files = await Promise.all(formats.map((format) => makeTone({ hz: 440, durationMs: 1500, format, dir })));
    assert.deepEqual(
      files.map((f) => path.extname(f)),
      ['.ogg', '.webm', '.mp3', '.wav'],
    );
    const ogg = await readFile(files[0] ?? '');
    const oggMs = oggOpusDurationMs(ogg);
    assert.ok(oggMs !== undefined && Math.abs(oggMs - 1500) <= 30, `ogg ${String(oggMs)} ms`);
    for (const file of files) {
      const ms = await ffmpegDurationMs(file);
      assert.ok(ms !== undefined && Math.abs(ms - 1500) <= 100, `${file}: ${String(ms)} ms`);
    }
    assert.equal((await readFile(files[3] ?? '')).toString('latin1', 0, 4), 'RIFF');
    assert.equal((await readFile(files[1] ?? '')).readUInt32BE(0), 0x1a45dfa3);
  });

  it('caches by parameters: same parameters, same file, not regenerated', async () => {
    const spec = { hz: 523, durationMs: 700, format: 'ogg-opus', dir } as const;
    const [a, b] = await Promise.all([makeTone(spec), makeTone(spec)]);
    assert.equal(a, b);
    const before = await stat(a);
    assert.equal(await makeTone(spec), a);
    assert.equal((await stat(a)).mtimeMs, before.mtimeMs);
    assert.notEqual(await makeTone({ ...spec, volume: 0.5 }), a);
    assert.notEqual(await makeTone({ ...spec, hz: 524 }), a);
    await assert.rejects(makeTone({ ...spec, hz: -1 }), RangeError);
  });

  describe('bad files', () => {
    let bad: BadFiles;
    before(async () => {
      bad = await makeBadFiles(dir);
    });

    it('random bytes are 64 KiB of no known container', async () => {
      const bytes = await readFile(bad.randomOgg);
      assert.equal(bytes.length, 64 * 1024);
      assert.notEqual(bytes.toString('latin1', 0, 4), 'OggS');
      assert.notEqual(bytes.toString('latin1', 0, 3), 'ID3');
      assert.deepEqual(await readFile(bad.randomMp3), bytes);
      assert.equal(readOggPages(bytes).pages.length, 0);
    });

    it('empty files are empty', async () => {
      assert.equal((await stat(bad.emptyOgg)).size, 0);
      assert.equal((await stat(bad.emptyMp3)).size, 0);
    });

    it('truncated files are the first 30% of valid ones', async () => {
      const ogg = await readFile(bad.truncatedOgg);
      const full = await readFile(await makeTone({ hz: 440, durationMs: 5000, format: 'ogg-opus', dir }));
      assert.equal(ogg.length, Math.floor(full.length * 0.3));
      assert.deepEqual(ogg, full.subarray(0, ogg.length));
      const pages = readOggPages(ogg);
      assert.ok(pages.pages.length >= 2 && pages.truncated);
      const mp3 = await readFile(bad.truncatedMp3);
      const fullMp3 = await readFile(await makeTone({ hz: 440, durationMs: 5000, format: 'mp3', dir }));
      assert.equal(mp3.length, Math.floor(fullMp3.length * 0.3));
      assert.deepEqual(mp3, fullMp3.subarray(0, mp3.length));
    });

    it('the HTML one is HTML with an audio name', async () => {
      assert.equal(path.extname(bad.htmlMp3), '.mp3');
      assert.match((await readFile(bad.htmlMp3, 'utf8')).slice(0, 15), /^<!DOCTYPE html>/);
    });
  });
});

describe('parseRange', () => {
  it('reads single byte ranges and rejects unsatisfiable ones', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { kind: 'ok', start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=900-', 1000), { kind: 'ok', start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-100', 1000), { kind: 'ok', start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=990-5000', 1000), { kind: 'ok', start: 990, end: 999 });
    assert.deepEqual(parseRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=0-1,5-6', 1000), { kind: 'none' });
    assert.deepEqual(parseRange('items=0-1', 1000), { kind: 'none' });
    assert.deepEqual(parseRange(undefined, 1000), { kind: 'none' });
  });
});

describe('fixture server', function () {
  this.timeout(60_000);
  let dir: string;
  let server: FixtureServer;
  let ogg: Buffer;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hiqty-fixture-server-'));
    await Promise.all(
      (['ogg-opus', 'webm-opus', 'mp3', 'wav'] as const).map((format) => makeTone({ hz: 440, durationMs: 1000, format, dir })),
    );
    ogg = await readFile(path.join(dir, 'tone-440hz-1000ms-v1.ogg'));
  });
  beforeEach(async () => {
    server = await startFixtureServer({ dir, trickleBytes: 500 });
  });
  afterEach(async () => {
    await server.stop();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves files whole with their audio Content-Type and length', async () => {
    const got = await get(server.url('tone-440hz-1000ms-v1.ogg'));
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'audio/ogg');
    assert.equal(got.headers['content-length'], String(ogg.length));
    assert.equal(got.headers['accept-ranges'], 'bytes');
    assert.deepEqual(got.body, ogg);
    const types = await Promise.all(['webm', 'mp3', 'wav'].map(async (ext) => (await get(server.url(`tone-440hz-1000ms-v1.${ext}`))).headers['content-type']));
    assert.deepEqual(types, ['audio/webm', 'audio/mpeg', 'audio/wav']);
    const head = await get(server.url('tone-440hz-1000ms-v1.ogg'), {}, 'HEAD');
    assert.equal(head.headers['content-length'], String(ogg.length));
    assert.equal(head.body.length, 0);
  });

  it('answers Range requests with 206 and the right bytes, and 416 out of range', async () => {
    const url = server.url('tone-440hz-1000ms-v1.ogg');
    const mid = await get(url, { Range: 'bytes=100-1099' });
    assert.equal(mid.status, 206);
    assert.equal(mid.headers['content-range'], `bytes 100-1099/${ogg.length}`);
    assert.equal(mid.headers['content-length'], '1000');
    assert.deepEqual(mid.body, ogg.subarray(100, 1100));
    const tail = await get(url, { Range: 'bytes=-200' });
    assert.equal(tail.status, 206);
    assert.deepEqual(tail.body, ogg.subarray(ogg.length - 200));
    const open = await get(url, { Range: `bytes=${ogg.length - 10}-` });
    assert.deepEqual(open.body, ogg.subarray(ogg.length - 10));
    const beyond = await get(url, { Range: `bytes=${ogg.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers['content-range'], `bytes */${ogg.length}`);
    assert.deepEqual(
      server.requests.map((r) => r.range),
      ['bytes=100-1099', 'bytes=-200', `bytes=${ogg.length - 10}-`, `bytes=${ogg.length}-`],
    );
    assert.ok(server.requests.every((r) => r.method === 'GET' && r.path === '/tone-440hz-1000ms-v1.ogg'));
  });

  it('answers status codes, redirects anywhere, HTML posing as audio, and 404s escapes', async () => {
    assert.equal((await get(`${server.origin}/status/503`)).status, 503);
    assert.equal((await get(`${server.origin}/status/404`)).status, 404);
    const redirect = await get(`${server.origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data')}`);
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.location, 'http://169.254.169.254/latest/meta-data');
    assert.equal((await get(`${server.origin}/redirect?to=/x&code=307`)).status, 307);
    const html = await get(server.url('html.mp3'));
    assert.equal(html.headers['content-type'], 'audio/mpeg');
    assert.match(html.body.toString('utf8'), /^<!DOCTYPE html>/);
    assert.equal((await get(`${server.origin}/..%2f..%2fetc%2fpasswd`)).status, 404);
    assert.equal((await get(server.url('nope.ogg'))).status, 404);
    assert.deepEqual(
      server.requests.map((r) => r.path).slice(0, 2),
      ['/status/503', '/status/404'],
    );
  });

  it('streams /live.ogg continuously at about real time and stops with the server', async () => {
    const l = listen(server.url('live.ogg'));
    const res = await l.response;
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'audio/ogg');
    assert.equal(res.headers['content-length'], undefined);
    const first = await waitFor('first live bytes', () => l.chunks[0]);
    // A measurement window: watch 1.5 s of the stream after its first bytes.
    const chunks = await waitFor('1.5 s of live stream', () => ((l.chunks.at(-1)?.atMs ?? 0) - first.atMs >= 1500 ? l.chunks.slice() : undefined), { timeoutMs: 5000 });
    assert.equal(Buffer.concat(l.first).toString('latin1', 0, 4), 'OggS');
    let worstPause = 0;
    for (let i = 1; i < chunks.length; i++) worstPause = Math.max(worstPause, (chunks[i]?.atMs ?? 0) - (chunks[i - 1]?.atMs ?? 0));
    const seconds = ((chunks.at(-1)?.atMs ?? 0) - first.atMs) / 1000;
    const kbps = (total(chunks) * 8) / 1000 / seconds;
    // 96 kbit/s Opus: far above would mean a file dumped at once, far below a stalled encoder. How
    // evenly it flows (the longest pause) depends on the machine's load, so it is shown, not asserted.
    assert.ok(kbps > 30 && kbps < 300, `live rate ${kbps.toFixed(0)} kbit/s`);
    assert.ok(chunks.length >= 3, `${chunks.length} chunks in 1.5 s: not a stream`);
    console.log(`      live stream: ${kbps.toFixed(0)} kbit/s, longest pause ${worstPause.toFixed(0)} ms`);
    assert.equal(server.liveStreams(), 1);
    await server.stop();
    await l.ended;
    assert.equal(server.liveStreams(), 0);
  });

  it('ends a /live.mp3 encoder when its listener hangs up', async () => {
    const l = listen(server.url('live.mp3'));
    assert.equal((await l.response).headers['content-type'], 'audio/mpeg');
    await waitFor('live mp3 bytes', () => total(l.chunks) > 1000);
    l.abort();
    await waitFor('encoder gone', () => server.liveStreams() === 0);
  });

  it('trickles: full Content-Length, a first chunk, then nothing until the server stops', async () => {
    const l = listen(`${server.origin}/trickle/tone-440hz-1000ms-v1.ogg`);
    const res = await l.response;
    assert.equal(res.headers['content-length'], String(ogg.length));
    await waitFor('first trickle bytes', () => total(l.chunks) === 500);
    // Proving a stall needs time to pass with nothing arriving; 300 ms is ~10x the gap between chunks of a real send.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(total(l.chunks), 500);
    assert.deepEqual(Buffer.concat(l.first).subarray(0, 4).toString('latin1'), 'OggS');
    await server.stop();
    await l.ended;
  });
});
