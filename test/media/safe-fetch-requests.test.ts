/**
 * What safeFetch does for the service APIs: methods, headers and bodies, ranges, error bodies, and
 * HIQTY_SERVICE_ORIGINS applied to every hop while the address policy judges where a request really goes.
 */
import { strict as assert } from 'node:assert';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { parseOriginOverrides, type OriginOverrides } from '../../src/media/origins';
import { safeFetch, type FetchOutcome } from '../../src/media/safe-fetch';
import { startFixtureServer, startRecorder, type ConnectionRecorder, type FixtureServer } from './support';

async function text(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return text(req);
}

function overrides(value: string): OriginOverrides {
  const parsed = parseOriginOverrides(value);
  if (!('ok' in parsed)) throw new Error(parsed.error);
  return parsed.ok;
}

function ok(outcome: FetchOutcome): Extract<FetchOutcome, { kind: 'ok' }> {
  assert.equal(outcome.kind, 'ok', JSON.stringify(outcome));
  if (outcome.kind !== 'ok') throw new Error('unreachable');
  return outcome;
}

describe('media/safe-fetch: requests for service APIs', function () {
  this.timeout(10_000);
  let fixture: FixtureServer;
  let trap: ConnectionRecorder;
  const seen: Array<{ method: string; url: string; host: string; body: string; headers: IncomingMessage['headers'] }> = [];

  before(async () => {
    fixture = await startFixtureServer();
    const recorder = await startRecorder('127.0.0.1');
    if (!recorder) throw new Error('no IPv4 loopback');
    trap = recorder;
    const echo = (status: number) => async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
      const body = await bodyOf(req);
      seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', body, headers: req.headers });
      res.writeHead(status, { 'content-type': 'application/json', 'x-answer': 'yes' }).end(JSON.stringify({ method: req.method, body }));
    };
    fixture.route('/youtubei/v1/player', (req, res) => void echo(200)(req, res));
    // The fixture server routes by path and query: the query must arrive as asked.
    fixture.route('/youtubei/v1/player?prettyPrint=false', (req, res) => void echo(200)(req, res));
    fixture.route('/youtubei/v1/bad', (req, res) => void echo(400)(req, res));
    fixture.route('/see-other', (_req, res) => res.writeHead(303, { location: '/youtubei/v1/player' }).end());
    fixture.route('/keep-method', (_req, res) => res.writeHead(307, { location: '/youtubei/v1/player' }).end());
    fixture.route('/to-media', (_req, res) => res.writeHead(302, { location: 'https://rr1---sn-abc.googlevideo.com/youtubei/v1/player' }).end());
    fixture.route('/to-trap', (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${trap.port}/` }).end());
    fixture.route('/length-only', (_req, res) => res.writeHead(200, { 'content-length': '123456' }).end());
  });
  after(async () => {
    await fixture.close();
    await trap.close();
  });
  beforeEach(() => void (seen.length = 0));
  afterEach(() => assert.equal(trap.connections, 0, 'a connection reached the trap'));

  const mapped = () => overrides(`www.youtube.com=${fixture.url('/').replace(/\/$/, '')},*.googlevideo.com=${fixture.url('/').replace(/\/$/, '')}`);

  it('sends a POST with its headers and body to the overridden origin, and hands back the response headers', async () => {
    const fetched = ok(await safeFetch('https://www.youtube.com/youtubei/v1/player?prettyPrint=false', {
      allow: [fixture.hostPort],
      overrides: mapped(),
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-visitor-id': 'abc' },
      body: '{"videoId":"x"}',
    }));
    assert.deepEqual(JSON.parse(await text(fetched.body)), { method: 'POST', body: '{"videoId":"x"}' });
    assert.equal(fetched.headers['x-answer'], 'yes');
    assert.equal(fetched.finalUrl, 'https://www.youtube.com/youtubei/v1/player?prettyPrint=false', 'the URL as asked, not the override');
    assert.equal(seen[0]?.headers['x-goog-visitor-id'], 'abc');
    assert.equal(seen[0]?.url, '/youtubei/v1/player?prettyPrint=false');
  });

  it('hands back an error status with its body when asked to (InnerTube errors are JSON)', async () => {
    const plain = await safeFetch('https://www.youtube.com/youtubei/v1/bad', { allow: [fixture.hostPort], overrides: mapped(), method: 'POST', body: '{}' });
    assert.deepEqual(plain.kind === 'http-error' ? plain.status : plain.kind, 400);
    const fetched = ok(await safeFetch('https://www.youtube.com/youtubei/v1/bad', { allow: [fixture.hostPort], overrides: mapped(), method: 'POST', body: '{}', anyStatus: true }));
    assert.equal(fetched.status, 400);
    assert.equal(JSON.parse(await text(fetched.body)).method, 'POST');
  });

  it('turns a POST into a GET on a 303 and keeps it on a 307, relative redirects staying on the overridden host', async () => {
    ok(await safeFetch('https://www.youtube.com/see-other', { allow: [fixture.hostPort], overrides: mapped(), method: 'POST', body: 'x' }));
    ok(await safeFetch('https://www.youtube.com/keep-method', { allow: [fixture.hostPort], overrides: mapped(), method: 'POST', body: 'y' }));
    assert.deepEqual(seen.map((s) => [s.method, s.body]), [['GET', ''], ['POST', 'y']]);
  });

  it('maps a redirect to another overridden host (a media URL) as well', async () => {
    const fetched = ok(await safeFetch('https://www.youtube.com/to-media', { allow: [fixture.hostPort], overrides: mapped() }));
    assert.equal(fetched.finalUrl, 'https://rr1---sn-abc.googlevideo.com/youtubei/v1/player');
    assert.equal(seen.length, 1);
  });

  it('judges where a request really goes: an override to a private origin not allowed is refused, and so is a redirect to one', async () => {
    const unlisted = overrides(`www.youtube.com=http://127.0.0.1:${trap.port}`);
    const refused = await safeFetch('https://www.youtube.com/youtubei/v1/player', { allow: [fixture.hostPort], overrides: unlisted });
    assert.equal(refused.kind, 'refused');
    if (refused.kind === 'refused') assert.match(refused.reason, /loopback/);
    const redirected = await safeFetch('https://www.youtube.com/to-trap', { allow: [fixture.hostPort], overrides: mapped() });
    assert.equal(redirected.kind, 'refused', 'a redirect from an https URL to plain http, or to a private address, is refused');
  });

  it('asks for a closed byte range', async () => {
    fixture.route('/range', (req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', host: '', body: '', headers: req.headers });
      res.writeHead(206, { 'content-range': 'bytes 10-19/100', 'content-length': '10' }).end('0123456789');
    });
    const fetched = ok(await safeFetch(fixture.url('/range'), { allow: [fixture.hostPort], rangeStart: 10, rangeEnd: 19 }));
    assert.equal(await text(fetched.body), '0123456789');
    assert.equal(fetched.offset, 10);
    assert.equal(seen[0]?.headers.range, 'bytes=10-19');
  });

  it('a HEAD answer with a content-length is not a truncated download', async () => {
    const fetched = ok(await safeFetch(fixture.url('/length-only'), { allow: [fixture.hostPort], method: 'HEAD' }));
    assert.equal(fetched.contentLength, 123456);
    assert.equal(await text(fetched.body), '');
  });
});
