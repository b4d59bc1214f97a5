import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { Readable } from 'node:stream';
import { isBodyError, type BodyFailure } from '../../src/media/metered-body';
import { safeFetch, type FetchOutcome, type LookupAll, type RequestFn, type SafeFetchOptions } from '../../src/media/safe-fetch';
import { useRedis } from '../support/redis';
import { startFixtureServer, startRecorder, type ConnectionRecorder, type FixtureServer } from './support';

/** Reads a body to its end or its error. */
async function drain(body: Readable): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of body) if (Buffer.isBuffer(chunk)) bytes += chunk.length;
    return { bytes };
  } catch (error) {
    return { bytes, error };
  }
}

function assertRefused(outcome: FetchOutcome, reason: RegExp): void {
  assert.equal(outcome.kind, 'refused', `expected refused, got ${JSON.stringify(outcome.kind === 'ok' ? { kind: 'ok' } : outcome)}`);
  if (outcome.kind === 'refused') assert.match(outcome.reason, reason);
}

function assertBodyFails(result: { error?: unknown }, kind: BodyFailure): void {
  assert.ok(isBodyError(result.error), `expected a BodyError, got ${String(result.error)}`);
  if (isBodyError(result.error)) assert.equal(result.error.kind, kind);
}

describe('media/safe-fetch', function () {
  this.timeout(10_000);
  const redis = useRedis();
  let v4: ConnectionRecorder;
  let v6: ConnectionRecorder | undefined;
  let fixture: FixtureServer;
  /** Every call to the guarded transport, by URL. */
  let transportCalls: string[] = [];

  /**
   * The transport for tests whose targets are not loopback: it records the call and refuses to
   * connect anywhere but the allowed fixture, so a policy bug fails the test instead of sending
   * traffic off this machine.
   */
  const guarded: RequestFn = (url, options) => {
    transportCalls.push(url.toString());
    if (`${url.hostname}:${url.port}` !== fixture.hostPort) throw new Error(`the test transport refuses ${url.toString()}`);
    return http.request(options);
  };

  before(async () => {
    const recorder = await startRecorder('127.0.0.1');
    if (!recorder) throw new Error('no IPv4 loopback');
    v4 = recorder;
    v6 = await startRecorder('::1');
    fixture = await startFixtureServer();
  });
  after(async () => {
    await v4.close();
    await v6?.close();
    await fixture.close();
  });
  beforeEach(() => {
    transportCalls = [];
  });
  afterEach(() => {
    assert.equal(v4.connections, 0, 'a connection reached the IPv4 recorder');
    assert.equal(v6?.connections ?? 0, 0, 'a connection reached the IPv6 recorder');
  });

  const options = (extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({ allow: [fixture.hostPort], ...extra });

  describe('refuses before connecting', () => {
    it('schemes other than http and https', async () => {
      for (const url of ['file:///etc/passwd', `ftp://127.0.0.1:${v4.port}/`, `gopher://127.0.0.1:${v4.port}/`, 'data:audio/ogg;base64,T2dnUw==', 'javascript:alert(1)', 'hiqty://track']) {
        const outcome = await safeFetch(url, options({ request: guarded }));
        assertRefused(outcome, /scheme .* is not allowed/);
      }
      assertRefused(await safeFetch('not a url', options()), /not a valid URL/);
      assert.deepEqual(transportCalls, []);
    });

    // These use the real transport: if the policy let one through, the recorder would count it.
    it('loopback in every spelling, with a listener on the port', async () => {
      const cases: Array<readonly [string, RegExp]> = [
        [`http://127.0.0.1:${v4.port}/`, /127\.0\.0\.1 is a loopback address/],
        [`http://127.9.9.9:${v4.port}/`, /loopback/],
        [`http://0.0.0.0:${v4.port}/`, /unspecified/],
        [`http://2130706433:${v4.port}/`, /loopback/],
        [`http://0177.0.0.1:${v4.port}/`, /loopback/],
        [`http://0x7f.1:${v4.port}/`, /loopback/],
        [`http://[::ffff:127.0.0.1]:${v4.port}/`, /IPv4-mapped/],
        [`http://[::ffff:7f00:1]:${v4.port}/`, /IPv4-mapped/],
        [`https://127.0.0.1:${v4.port}/`, /loopback/],
      ];
      if (v6) cases.push([`http://[::1]:${v6.port}/`, /::1 is a loopback address/]);
      for (const [url, reason] of cases) assertRefused(await safeFetch(url, options()), reason);
    });

    it('a hostname that resolves to loopback (localhost, through the real resolver)', async () => {
      assertRefused(await safeFetch(`http://localhost:${v4.port}/`, options()), /localhost resolves to .* loopback/);
    });

    it('the test Redis port', async () => {
      const admin = redis.current.client();
      const connections = async (): Promise<number> => Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))?.[1]);
      const before = await connections();
      assertRefused(await safeFetch(`http://127.0.0.1:${redis.current.port}/`, options()), /loopback/);
      assertRefused(await safeFetch(`http://localhost:${redis.current.port}/`, options()), /loopback/);
      assertRefused(await safeFetch(`http://[::ffff:127.0.0.1]:${redis.current.port}/`, options()), /IPv4-mapped/);
      assert.equal(await connections(), before);
      admin.disconnect();
    });

    it('private, link-local (metadata) and CGNAT hosts, without a single transport call', async () => {
      const cases: ReadonlyArray<readonly [string, RegExp]> = [
        ['http://10.0.0.1/', /private/],
        ['http://10.255.0.7:8080/x.mp3', /private/],
        ['http://172.16.0.1/', /private/],
        ['http://172.31.1.1/', /private/],
        ['http://192.168.0.1/', /private/],
        ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local/],
        ['http://100.64.0.1/', /carrier-grade NAT/],
        ['http://[fd00::1]/', /unique-local/],
        ['http://[fe80::1]/', /link-local/],
        ['http://[64:ff9b::a9fe:a9fe]/', /embeds 169\.254\.169\.254/],
      ];
      for (const [url, reason] of cases) assertRefused(await safeFetch(url, options({ request: guarded })), reason);
      assert.deepEqual(transportCalls, []);
    });

    it('a hostname that an (injected) resolver points at a forbidden address', async () => {
      const asked: string[] = [];
      const pointing = (...addresses: string[]): LookupAll => async (host) => {
        asked.push(host);
        return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      };
      assertRefused(await safeFetch(`http://evil.test:${v4.port}/`, options({ lookup: pointing('127.0.0.1') })), /evil\.test resolves to 127\.0\.0\.1/);
      assertRefused(await safeFetch('http://evil.test/', options({ lookup: pointing('10.0.0.1'), request: guarded })), /private/);
      assertRefused(await safeFetch('http://evil.test/', options({ lookup: pointing('169.254.169.254'), request: guarded })), /link-local/);
      // One bad answer among good ones refuses the host: the connection could pick either.
      assertRefused(await safeFetch('http://evil.test/', options({ lookup: pointing('8.8.8.8', '127.0.0.1'), request: guarded })), /loopback/);
      if (v6) assertRefused(await safeFetch(`http://evil.test:${v6.port}/`, options({ lookup: pointing('::1') })), /::1 is a loopback/);
      assert.ok(asked.every((h) => h === 'evil.test') && asked.length >= 4);
      assert.deepEqual(transportCalls, []);
    });

    it('a redirect from an allowed server to any forbidden target', async () => {
      const targets: Array<readonly [string, RegExp]> = [
        [`http://127.0.0.1:${v4.port}/`, /loopback/],
        [`http://localhost:${v4.port}/`, /loopback/],
        [`http://[::ffff:127.0.0.1]:${v4.port}/`, /IPv4-mapped/],
        [`http://2130706433:${v4.port}/`, /loopback/],
        [`http://127.0.0.1:${redis.current.port}/`, /loopback/],
        ['http://10.0.0.1/', /private/],
        ['http://192.168.1.1/', /private/],
        ['http://169.254.169.254/latest/meta-data/iam/', /link-local/],
        ['file:///etc/passwd', /scheme file: is not allowed/],
        ['ftp://example.com/a.mp3', /scheme ftp: is not allowed/],
      ];
      if (v6) targets.push([`http://[::1]:${v6.port}/`, /loopback/]);
      for (const [i, [target, reason]] of targets.entries()) {
        fixture.route(`/to/${i}`, (_req, res) => res.writeHead(302, { location: target }).end());
        transportCalls = [];
        const outcome = await safeFetch(fixture.url(`/to/${i}`), options({ request: guarded }));
        assertRefused(outcome, /^a redirect to .* was refused/);
        if (outcome.kind === 'refused') assert.match(outcome.reason, reason, target);
        assert.deepEqual(transportCalls, [fixture.url(`/to/${i}`)], 'only the allowed server was contacted');
      }
    });

    it('a redirect to the same host on a port that is not allow-listed', async () => {
      fixture.route('/elsewhere', (_req, res) => res.writeHead(307, { location: `http://127.0.0.1:${v4.port}/x` }).end());
      assertRefused(await safeFetch(fixture.url('/elsewhere'), options()), /loopback/);
    });
  });

  describe('redirects', () => {
    it('follows up to 5 and refuses the sixth (a loop)', async () => {
      fixture.route('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
      const before = fixture.hits.filter((h) => h === '/loop').length;
      assertRefused(await safeFetch(fixture.url('/loop'), options()), /too many redirects \(more than 5\)/);
      assert.equal(fixture.hits.filter((h) => h === '/loop').length - before, 6);
    });

    it('follows a chain of exactly 5, re-checking each hop, relative locations included', async () => {
      for (let i = 1; i <= 5; i++) fixture.route(`/chain/${i}`, (_req, res) => res.writeHead(i % 2 ? 301 : 308, { location: i === 5 ? fixture.url('/chain/end') : `/chain/${i + 1}` }).end());
      fixture.route('/chain/end', (_req, res) => res.writeHead(200, { 'content-type': 'audio/ogg' }).end('OggS'));
      const outcome = await safeFetch(fixture.url('/chain/1'), options());
      assert.equal(outcome.kind, 'ok');
      if (outcome.kind === 'ok') {
        assert.equal(outcome.finalUrl, fixture.url('/chain/end'));
        assert.equal((await drain(outcome.body)).bytes, 4);
      }
    });
  });

  describe('responses', () => {
    it('returns the body with its type, length and a byte count', async () => {
      const payload = Buffer.alloc(50_000, 7);
      fixture.route('/file', (_req, res) => res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(payload.length) }).end(payload));
      const outcome = await safeFetch(fixture.url('/file'), options());
      assert.equal(outcome.kind, 'ok');
      if (outcome.kind !== 'ok') return;
      assert.equal(outcome.contentType, 'audio/mpeg');
      assert.equal(outcome.contentLength, 50_000);
      assert.equal(outcome.offset, 0);
      assert.deepEqual(await drain(outcome.body), { bytes: 50_000 });
      assert.equal(outcome.bytesRead(), 50_000);
    });

    it('connects to the checked address, keeping the name in the Host header', async () => {
      let host: string | undefined;
      fixture.route('/named', (req, res) => {
        host = req.headers.host;
        res.writeHead(200).end('ok');
      });
      const name = `evil.test:${fixture.port}`;
      // The real resolver knows nothing of evil.test: only the pinned, checked answer can reach the fixture.
      const outcome = await safeFetch(`http://${name}/named`, { allow: [name], lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
      assert.ok(outcome.kind === 'ok');
      assert.equal((await drain(outcome.body)).bytes, 2);
      assert.equal(host, name);
    });

    it('404 and 500 are http errors', async () => {
      assert.deepEqual(await safeFetch(fixture.url('/missing'), options()), { kind: 'http-error', status: 404 });
      fixture.route('/boom', (_req, res) => res.writeHead(500).end());
      assert.deepEqual(await safeFetch(fixture.url('/boom'), options()), { kind: 'http-error', status: 500 });
    });

    it('a closed port on an allowed host fails with the connection error', async () => {
      const closed = await startRecorder('127.0.0.1');
      if (!closed) throw new Error('no recorder');
      const port = closed.port;
      await closed.close();
      const outcome = await safeFetch(`http://127.0.0.1:${port}/`, { allow: [`127.0.0.1:${port}`] });
      assert.equal(outcome.kind, 'failed');
      if (outcome.kind === 'failed') assert.match(outcome.reason, /ECONNREFUSED/);
    });

    it('an unresolvable host fails', async () => {
      const outcome = await safeFetch('http://nowhere.test/', options({ lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) }));
      assert.deepEqual(outcome, { kind: 'failed', reason: 'could not resolve nowhere.test (ENOTFOUND)' });
    });

    it('caps the size', async () => {
      fixture.route('/big', (_req, res) => res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.alloc(20_000)));
      const outcome = await safeFetch(fixture.url('/big'), options({ maxBytes: 5000 }));
      assert.equal(outcome.kind, 'ok');
      if (outcome.kind !== 'ok') return;
      const result = await drain(outcome.body);
      assertBodyFails(result, 'too-large');
      assert.ok(result.bytes <= 5000);
    });

    it('no cap when maxBytes is null (live streams)', async () => {
      fixture.route('/big2', (_req, res) => res.writeHead(200).end(Buffer.alloc(200_000)));
      const outcome = await safeFetch(fixture.url('/big2'), options({ maxBytes: null }));
      assert.ok(outcome.kind === 'ok');
      assert.deepEqual(await drain(outcome.body), { bytes: 200_000 });
    });

    it('a body shorter than its Content-Length fails as truncated', async () => {
      fixture.route('/short', (_req, res) => {
        res.writeHead(200, { 'content-length': '10000' });
        res.write(Buffer.alloc(3000), () => res.socket?.destroy());
      });
      const outcome = await safeFetch(fixture.url('/short'), options());
      assert.ok(outcome.kind === 'ok');
      const result = await drain(outcome.body);
      assertBodyFails(result, 'truncated');
      assert.equal(result.bytes, 3000);
    });

    it('a server that stalls mid-body fails with the idle timeout', async () => {
      fixture.route('/stall', (_req, res) => {
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        res.write(Buffer.alloc(100));
      });
      const started = Date.now();
      const outcome = await safeFetch(fixture.url('/stall'), options({ idleTimeoutMs: 200 }));
      assert.ok(outcome.kind === 'ok');
      const result = await drain(outcome.body);
      assertBodyFails(result, 'idle');
      assert.match(String(result.error), /no data for 200 ms/);
      assert.ok(Date.now() - started < 1000);
    });

    it('a slow reader is not a stalled server', async () => {
      fixture.route('/slow-reader', (_req, res) => res.writeHead(200).end(Buffer.alloc(1_000_000)));
      const outcome = await safeFetch(fixture.url('/slow-reader'), options({ idleTimeoutMs: 100 }));
      assert.ok(outcome.kind === 'ok');
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.deepEqual(await drain(outcome.body), { bytes: 1_000_000 });
    });

    it('a server that never answers fails with the headers timeout', async () => {
      fixture.route('/silent', () => undefined);
      const started = Date.now();
      const outcome = await safeFetch(fixture.url('/silent'), options({ headersTimeoutMs: 200 }));
      assert.equal(outcome.kind, 'failed');
      if (outcome.kind === 'failed') assert.match(outcome.reason, /did not answer within 200 ms/);
      assert.ok(Date.now() - started < 1000);
    });

    it('asks for a range and reports where the body starts', async () => {
      let range: string | undefined;
      fixture.route('/ranged', (req, res) => {
        range = req.headers.range;
        res.writeHead(206, { 'content-range': 'bytes 100-199/200', 'content-length': '100' }).end(Buffer.alloc(100));
      });
      const outcome = await safeFetch(fixture.url('/ranged'), options({ rangeStart: 100 }));
      assert.equal(range, 'bytes=100-');
      assert.ok(outcome.kind === 'ok');
      assert.equal(outcome.offset, 100);
      assert.equal((await drain(outcome.body)).bytes, 100);
    });

    it('destroying the body closes the connection', async () => {
      let closed = false;
      fixture.route('/endless', (_req, res) => {
        res.writeHead(200);
        const timer = setInterval(() => res.write(Buffer.alloc(1000)), 10);
        res.on('close', () => {
          clearInterval(timer);
          closed = true;
        });
      });
      const outcome = await safeFetch(fixture.url('/endless'), options({ maxBytes: null }));
      assert.ok(outcome.kind === 'ok');
      outcome.body.destroy();
      const deadline = Date.now() + 2000;
      while (!closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(closed);
    });
  });
});
