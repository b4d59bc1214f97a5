import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { dnsLookup, hostsFileNames, type DnsLookupOptions } from '../../src/media/dns-lookup';
import { startFakeDns, type FakeDns } from './fake-dns';

async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; message: string }> {
  try {
    await promise;
  } catch (e) {
    return { code: e instanceof Error && 'code' in e ? e.code : undefined, message: e instanceof Error ? e.message : String(e) };
  }
  throw new Error('expected a rejection');
}

describe('media/dns-lookup', function () {
  this.timeout(10_000);
  let dns: FakeDns;
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-dns-'));
  const hostsFile = path.join(dir, 'hosts');
  const lookup = (extra: Partial<DnsLookupOptions> = {}) => dnsLookup({ servers: [dns.server], hostsFile, ...extra });

  before(async () => {
    dns = await startFakeDns();
    writeFileSync(hostsFile, '127.0.0.1 localhost\n::1 localhost ip6-localhost # comment\n10.1.2.3 Media.Internal.Test  other\n');
  });
  after(async () => {
    await dns.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    dns.queries.length = 0;
    dns.silent.clear();
    dns.records.clear();
  });

  it('asks the DNS server for A and AAAA and returns every answer', async () => {
    dns.records.set('media.example', ['93.184.215.14', '93.184.215.15', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    const answers = await lookup()('media.example');
    assert.deepEqual(
      [...answers].sort((a, b) => a.address.localeCompare(b.address)),
      [
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
        { address: '93.184.215.14', family: 4 },
        { address: '93.184.215.15', family: 4 },
      ],
    );
    assert.deepEqual([...dns.queries].sort(), ['media.example A', 'media.example AAAA']);
  });

  it('one family missing is not a failure', async () => {
    dns.records.set('v4only.example', ['8.8.8.8']);
    assert.deepEqual(await lookup()('v4only.example'), [{ address: '8.8.8.8', family: 4 }]);
  });

  it('a name the server does not know fails with ENOTFOUND', async () => {
    const failure = await rejection(lookup()('nowhere.example'));
    assert.equal(failure.code, 'ENOTFOUND');
  });

  it('a silent server times out after the tries, bounded by the deadline', async () => {
    dns.silent.add('slow.example');
    const started = Date.now();
    const failure = await rejection(lookup({ tryTimeoutMs: 100, tries: 2, timeoutMs: 5000 })('slow.example'));
    assert.equal(failure.code, 'ETIMEOUT');
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    const asked = dns.queries.filter((q) => q === 'slow.example A').length;
    assert.ok(asked >= 2 && asked <= 4, `A was asked ${asked} times`);
  });

  it('the whole-lookup deadline cancels queries still retrying', async () => {
    dns.silent.add('slower.example');
    const started = Date.now();
    const failure = await rejection(lookup({ tryTimeoutMs: 2000, tries: 5, timeoutMs: 300 })('slower.example'));
    assert.equal(failure.code, 'ETIMEOUT');
    assert.match(failure.message, /no DNS answer within 300 ms/);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('an abort cancels the queries at once', async () => {
    dns.silent.add('aborted.example');
    const abort = new AbortController();
    const started = Date.now();
    const pending = rejection(lookup({ tryTimeoutMs: 5000, tries: 3, timeoutMs: 10_000 })('aborted.example', abort.signal));
    while (dns.queries.length < 2) await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    const failure = await pending;
    assert.equal(failure.code, 'ECANCELLED');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    // An already-aborted signal asks nothing.
    dns.queries.length = 0;
    assert.equal((await rejection(lookup()('aborted.example', abort.signal))).code, 'ECANCELLED');
    assert.deepEqual(dns.queries, []);
  });

  it('localhost and names in the hosts file go through the system lookup, not the DNS server', async () => {
    dns.records.set('localhost', ['8.8.8.8']);
    const answers = await lookup()('localhost');
    assert.ok(answers.length > 0 && answers.every((a) => a.address === '127.0.0.1' || a.address === '::1'), JSON.stringify(answers));
    assert.deepEqual(dns.queries, []);
  });

  it('reads the names of a hosts file, lowercased, comments and blank lines skipped', async () => {
    assert.deepEqual([...(await hostsFileNames(hostsFile))].sort(), ['ip6-localhost', 'localhost', 'media.internal.test', 'other']);
    assert.deepEqual([...(await hostsFileNames(path.join(dir, 'missing')))], []);
  });
});
