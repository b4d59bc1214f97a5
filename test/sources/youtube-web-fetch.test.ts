/**
 * webFetch, the WHATWG fetch youtubei.js is given: every request through safeFetch (so through the
 * address policy), with methods, headers, bodies, error statuses, response headers and signals as
 * fetch has them.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeFetch } from '../../src/media/safe-fetch';
import type { Fetcher } from '../../src/sources/types';
import { webFetch, withSignal } from '../../src/sources/web-fetch';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

describe('webFetch (a WHATWG fetch over safeFetch)', () => {
  let server: Server;
  let base: string;
  let allow: string[];
  const seen: Seen[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (req.url === '/hang') return; // never answers; the client's signal ends it
        if (req.url === '/error') {
          res.writeHead(400, { 'content-type': 'application/json', 'x-thing': 'yes' });
          res.end('{"error":{"code":400}}');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
        res.end('hello');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    allow = [`127.0.0.1:${port}`];
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const fetcher: Fetcher = (url, options = {}) => safeFetch(url, { ...options, allow });

  it('sends the method, headers and a string body, and hands back status, headers and body', async () => {
    const response = await webFetch(fetcher)(`${base}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Goog-Visitor-Id': 'v1', 'Accept-Encoding': 'gzip' }, body: '{"a":1}' });
    assert.equal(response.status, 200);
    assert.equal(response.ok, true);
    assert.equal(await response.text(), 'hello');
    assert.equal(response.headers.get('content-type'), 'text/plain');
    assert.equal(response.url, `${base}/echo`);
    const last = seen[seen.length - 1];
    assert.equal(last?.method, 'POST');
    assert.equal(last?.body, '{"a":1}');
    assert.equal(last?.headers['x-goog-visitor-id'], 'v1');
    assert.equal(last?.headers['accept-encoding'], undefined, 'bodies are asked for as they are, uncompressed');
  });

  it('takes a Request, bytes and URLSearchParams bodies', async () => {
    const f = webFetch(fetcher);
    await f(new Request(`${base}/req`, { method: 'POST', body: 'from-request', headers: { 'x-a': 'b' } }));
    assert.deepEqual([seen.at(-1)?.body, seen.at(-1)?.headers['x-a']], ['from-request', 'b']);
    await f(`${base}/bytes`, { method: 'POST', body: new TextEncoder().encode('bytes!') });
    assert.equal(seen.at(-1)?.body, 'bytes!');
    await f(`${base}/form`, { method: 'POST', body: new URLSearchParams({ q: 'a b' }) });
    assert.equal(seen.at(-1)?.body, 'q=a+b');
    assert.match(String(seen.at(-1)?.headers['content-type']), /application\/x-www-form-urlencoded/);
  });

  it('hands an error status back with its JSON body, as fetch does', async () => {
    const response = await webFetch(fetcher)(`${base}/error`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 400);
    assert.equal(response.ok, false);
    assert.equal(response.headers.get('x-thing'), 'yes');
    assert.deepEqual(await response.json(), { error: { code: 400 } });
  });

  it('rejects with a TypeError carrying the reason when the policy refuses', async () => {
    const refusing: Fetcher = (url, options = {}) => safeFetch(url, { ...options, allow: [] });
    const before = seen.length;
    await assert.rejects(webFetch(refusing)(`${base}/refused`), (e: unknown) => e instanceof TypeError && /fetch failed: .*127\.0\.0\.1/.test(e.message));
    assert.equal(seen.length, before, 'no request reached the server');
  });

  it('rejects methods safeFetch does not speak', async () => {
    await assert.rejects(webFetch(fetcher)(`${base}/echo`, { method: 'DELETE' }), TypeError);
  });

  it('is cancelled by its signal, or by the signal of the call it runs in', async () => {
    const controller = new AbortController();
    const pending = webFetch(fetcher)(`${base}/hang`, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof Error && e.name === 'AbortError');

    const outer = new AbortController();
    const inCall = withSignal(outer.signal, () => webFetch(fetcher)(`${base}/hang`));
    outer.abort();
    await assert.rejects(inCall, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  });
});
