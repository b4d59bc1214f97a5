import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OggEndCheck } from '../../src/media/ogg-end';
import { makeTone } from '../../src/sandbox/fixtures/tones';

/** Runs bytes through the check in chunks of `size` and returns its verdict and what passed through. */
async function check(bytes: Buffer, size: number): Promise<{ complete: boolean | undefined; out: Buffer }> {
  let complete: boolean | undefined;
  const parts: Buffer[] = [];
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  await pipeline(
    Readable.from(chunks),
    new OggEndCheck((c) => (complete = c)),
    new Writable({ write: (chunk: Buffer, _e, cb) => (parts.push(chunk), cb()) }),
  );
  return { complete, out: Buffer.concat(parts) };
}

describe('media: Ogg end-of-stream check', () => {
  let dir: string;
  let ogg: Buffer;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hiqty-oggend-'));
    ogg = await readFile(await makeTone({ hz: 440, durationMs: 1000, format: 'ogg-opus', dir }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const size of [1, 7, 4096, 1 << 20]) {
    it(`says a whole file is complete and passes every byte through (chunks of ${size})`, async () => {
      const { complete, out } = await check(ogg, size);
      assert.equal(complete, true);
      assert.ok(out.equals(ogg));
    });
  }

  it('says a file cut mid-page or at a page boundary is not complete', async () => {
    assert.equal((await check(ogg.subarray(0, Math.floor(ogg.length * 0.3)), 512)).complete, false);
    const lastPage = ogg.lastIndexOf(Buffer.from('OggS'));
    assert.equal((await check(ogg.subarray(0, lastPage), 512)).complete, false);
  });
});
