import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rangedReader } from '../../src/media/ranged-reader';
import { parseRange } from '../../src/sandbox/fixtures/range';
import { waitFor } from '../support/wait';
import { providerOf } from './plan-support';
import { startFixtureServer, type FixtureServer } from './support';

const FILE = randomBytes(300_000);
const CHUNK = 64 * 1024;

/** Serves FILE with Range support; `cut` cuts every other response half-way (so never twice in a row). */
function rangedHandler(options: { cut?: boolean; ignoreRange?: boolean; forbidFrom?: number } = {}) {
  let served = 0;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const range = parseRange(req.headers.range, FILE.length);
    const start = range.kind === 'ok' ? range.start : 0;
    if (options.forbidFrom !== undefined && start >= options.forbidFrom) {
      res.writeHead(403).end();
      return;
    }
    if (options.ignoreRange === true || range.kind !== 'ok') {
      res.writeHead(200, { 'content-length': FILE.length }).end(FILE);
      return;
    }
    const body = FILE.subarray(range.start, range.end + 1);
    res.writeHead(206, { 'content-length': body.length, 'content-range': `bytes ${range.start}-${range.end}/${FILE.length}` });
    if (options.cut === true && served++ % 2 === 0) {
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  };
}

async function readAllOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

describe('media/rangedReader', () => {
  let server: FixtureServer;
  before(async () => {
    server = await startFixtureServer();
    server.route('/plain', rangedHandler());
    server.route('/cut', rangedHandler({ cut: true }));
    server.route('/whole', rangedHandler({ ignoreRange: true }));
    server.route('/forbidden', rangedHandler({ forbidFrom: 0 }));
  });
  after(() => server.close());
  afterEach(() => waitFor('no connection left open', () => server.openConnections() === 0));

  const reader = (path: string, extra: Partial<Parameters<typeof rangedReader>[0]> = {}) =>
    rangedReader({ target: { url: server.url(path), rangeParam: false }, contentLength: FILE.length, chunkBytes: CHUNK, fetch: { allow: [server.hostPort] }, ...extra });

  it('reads every chunk in order, from a start byte, after a prefix', async () => {
    const prefix = Buffer.from('HEADER');
    const got = await readAllOf(reader('/plain', { startByte: 100_000, prefix }));
    assert.ok(got.equals(Buffer.concat([prefix, FILE.subarray(100_000)])));
  });

  it('a connection cut mid-chunk is asked again from the byte it stopped at', async () => {
    const got = await readAllOf(reader('/cut'));
    assert.ok(got.equals(FILE));
    const chunks = Math.ceil(FILE.length / CHUNK);
    assert.ok(server.hits.filter((h) => h === '/cut').length >= chunks + 2, 'chunks were cut and asked again');
  });

  it('a server that ignores ranges is read whole from byte 0, and refused from anywhere else', async () => {
    assert.ok((await readAllOf(reader('/whole'))).equals(FILE));
    await assert.rejects(readAllOf(reader('/whole', { startByte: 1000 })), /the server ignores byte ranges/);
  });

  it('an expiry on the first chunk asks the provider too; a plan of another size is refused', async () => {
    const fresh = providerOf({ kind: 'ranged', url: server.url('/plain'), contentLength: FILE.length, container: 'unknown', rangeParam: false });
    assert.ok((await readAllOf(reader('/forbidden', { provider: fresh.provide }))).equals(FILE));
    assert.deepEqual(fresh.attempts, [1]);
    const other = providerOf({ kind: 'ranged', url: server.url('/plain'), contentLength: 5, container: 'unknown', rangeParam: false });
    await assert.rejects(readAllOf(reader('/forbidden', { provider: other.provide })), /the media URL expired \(HTTP 403\) and the new one is not the same file/);
    const gone = (): Promise<{ kind: 'unplayable'; reason: string }> => Promise.resolve({ kind: 'unplayable', reason: 'the video was removed' });
    await assert.rejects(readAllOf(reader('/forbidden', { provider: gone })), /the media URL expired \(HTTP 403\) and asking again failed: the video was removed/);
    await assert.rejects(readAllOf(reader('/forbidden')), /^MediaInputError: the media URL expired \(HTTP 403\)$/);
  });

  it('destroying the reader mid-download closes the connection', async () => {
    server.route('/stall', (_req, res) => {
      res.writeHead(206, { 'content-length': CHUNK });
      res.write(FILE.subarray(0, 1000));
    });
    const stream = reader('/stall');
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.destroy();
    await waitFor('the connection to close', () => server.openConnections() === 0, { timeoutMs: 1000 });
  });
});
