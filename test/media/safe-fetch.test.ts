import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { dnsLookup } from '../../src/media/dns-lookup';
import { isBodyError, type BodyFailure } from '../../src/media/metered-body';
import { safeFetch, type FetchOutcome, type LookupAll, type RequestFn, type SafeFetchOptions } from '../../src/media/safe-fetch';
import { createSandboxCert } from '../../src/sandbox/certs';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';
import { startFakeDns, type FakeDns } from './fake-dns';
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
      // It ends by its timeout rather than hanging; the bound is generous for a loaded machine.
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
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
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
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
      assert.ok(await waitFor('the server to see the connection close', () => closed));
    });
  });
  describe('DNS through the resolver', () => {
    let dns: FakeDns;
    before(async () => {
      dns = await startFakeDns();
    });
    after(() => dns.close());
    beforeEach(() => {
      dns.queries.length = 0;
      dns.silent.clear();
      dns.records.clear();
    });
    const viaDns = (extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => options({ lookup: dnsLookup({ servers: [dns.server], tryTimeoutMs: 100, tries: 2, timeoutMs: 2000 }), ...extra });

    it('checks every answer of a real DNS query, one bad answer among good ones refusing the host', async () => {
      const cases: ReadonlyArray<readonly [string, readonly string[], RegExp]> = [
        ['rebind.test', ['127.0.0.1'], /rebind\.test resolves to 127\.0\.0\.1 is a loopback address/],
        ['mixed.test', ['8.8.8.8', '10.0.0.1'], /resolves to 10\.0\.0\.1 is a private address/],
        ['mixed6.test', ['8.8.8.8', 'fd00::1'], /resolves to fd00::1 is a unique-local address/],
        ['mapped.test', ['::ffff:7f00:1'], /IPv4-mapped/],
        ['translated.test', ['::ffff:0:7f00:1'], /IPv4-translated/],
        ['nat64.test', ['64:ff9b::a9fe:a9fe'], /embeds 169\.254\.169\.254/],
        ['teredo.test', ['2001:0:4136:e378:8000:63bf:3fff:fdd2'], /Teredo/],
      ];
      for (const [name, answers, reason] of cases) {
        dns.records.set(name, answers);
        assertRefused(await safeFetch(`http://${name}:${v4.port}/`, viaDns({ request: guarded })), reason);
      }
      assert.deepEqual(transportCalls, []);
      assert.ok(dns.queries.includes('rebind.test A') && dns.queries.includes('rebind.test AAAA'));
    });

    it('a DNS server that does not answer fails the fetch in bounded time, with the reason', async () => {
      dns.silent.add('slow.test');
      const started = Date.now();
      const outcome = await safeFetch('http://slow.test/', viaDns({ request: guarded }));
      assert.deepEqual(outcome, { kind: 'failed', reason: 'could not resolve slow.test (ETIMEOUT)' });
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      assert.deepEqual(transportCalls, []);
    });

    it('an abort during DNS answers cancelled and connects to nothing', async () => {
      dns.silent.add('aborted.test');
      const abort = new AbortController();
      const pending = safeFetch('http://aborted.test/', viaDns({ request: guarded, signal: abort.signal, lookup: dnsLookup({ servers: [dns.server], tryTimeoutMs: 5000, timeoutMs: 10_000 }) }));
      await waitFor('the DNS queries', () => dns.queries.length >= 2, { timeoutMs: 1000 });
      const started = Date.now();
      abort.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
      assert.deepEqual(transportCalls, []);
    });
  });

  describe('cancellation', () => {
    it('an aborted signal connects to nothing', async () => {
      const abort = new AbortController();
      abort.abort();
      assert.deepEqual(await safeFetch(fixture.url('/never'), options({ request: guarded, signal: abort.signal })), { kind: 'cancelled' });
      assert.deepEqual(transportCalls, []);
    });

    it('an abort while waiting for the headers closes the connection within 1 s', async () => {
      let asked = false;
      fixture.route('/hang', () => void (asked = true));
      const abort = new AbortController();
      const pending = safeFetch(fixture.url('/hang'), options({ signal: abort.signal }));
      await waitFor('the request to arrive', () => asked);
      assert.equal(fixture.openConnections(), 1);
      abort.abort();
      assert.deepEqual(await pending, { kind: 'cancelled' });
      await waitFor('the connection to close', () => fixture.openConnections() === 0, { timeoutMs: 1000 });
    });

    it('an abort during a slow body fails the body as cancelled and closes the connection within 1 s', async () => {
      fixture.route('/drip', (_req, res) => {
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': '1000000' });
        res.write(Buffer.alloc(100));
      });
      const abort = new AbortController();
      const outcome = await safeFetch(fixture.url('/drip'), options({ signal: abort.signal }));
      assert.ok(outcome.kind === 'ok');
      const reading = drain(outcome.body);
      abort.abort();
      assertBodyFails(await reading, 'cancelled');
      await waitFor('the connection to close', () => fixture.openConnections() === 0, { timeoutMs: 1000 });
    });
  });

  describe('https', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-tls-'));
    let tls: https.Server;
    let tlsHostPort: string;
    let ca: string;
    /** The real transport, trusting the test certificate for https. */
    const trusting: RequestFn = (url, requestOptions) => (url.protocol === 'https:' ? https.request({ ...requestOptions, ca }) : http.request(requestOptions));

    before(async () => {
      const cert = await createSandboxCert(dir);
      ca = cert.certPem;
      tls = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
        const to = new URL(req.url ?? '/', 'https://x').searchParams.get('to');
        if (to !== null) res.writeHead(302, { location: to }).end();
        else res.writeHead(200, { 'content-type': 'audio/ogg' }).end('OggS');
      });
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      const address: AddressInfo | string | null = tls.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      tlsHostPort = `127.0.0.1:${address.port}`;
    });
    after(async () => {
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('follows https to https, and refuses a redirect from https to plain http before connecting', async () => {
      const allow = [fixture.hostPort, tlsHostPort];
      const followed = await safeFetch(`https://${tlsHostPort}/?to=${encodeURIComponent(`https://${tlsHostPort}/file`)}`, { allow, request: trusting });
      assert.equal(followed.kind, 'ok');
      if (followed.kind === 'ok') assert.equal((await drain(followed.body)).bytes, 4);

      fixture.route('/plain', (_req, res) => res.writeHead(200).end('OggS'));
      const before = fixture.hits.filter((h) => h === '/plain').length;
      const downgraded = await safeFetch(`https://${tlsHostPort}/?to=${encodeURIComponent(fixture.url('/plain'))}`, { allow, request: trusting });
      assertRefused(downgraded, new RegExp(`^a redirect from https to plain http \\(http://${fixture.hostPort}\\) was refused: no downgrade$`));
      assert.equal(fixture.hits.filter((h) => h === '/plain').length, before, 'the plain-http server was not contacted');

      // http to https is an upgrade, and is followed.
      fixture.route('/up', (_req, res) => res.writeHead(301, { location: `https://${tlsHostPort}/file` }).end());
      assert.equal((await safeFetch(fixture.url('/up'), { allow, request: trusting })).kind, 'ok');
    });
  });
});
