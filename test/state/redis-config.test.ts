/** The Redis settings (issue 18): decoding, the rules across them, and the endpoint they describe. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isLeft, isRight } from 'fp-ts/Either';
import { loadConfig, type Config } from '../../src/config';
import { describeEndpoint, redisEndpointOf } from '../../src/state/redis-endpoint';
import { makeTestCa } from '../support/redis-topology';

function errorsOf(env: NodeJS.ProcessEnv): string[] {
  const result = loadConfig(env, 'test-1');
  assert.ok(isLeft(result), 'expected the configuration to be rejected');
  return result.left.map((e) => e.message);
}

function configOf(env: NodeJS.ProcessEnv): Config {
  const result = loadConfig(env, 'test-1');
  assert.ok(isRight(result), isLeft(result) ? result.left.map((e) => e.message).join('; ') : '');
  return result.right;
}

describe('redis configuration', () => {
  let dir: string;
  let caFile: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hiqty-redis-config-'));
    caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, (await makeTestCa()).certPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults: no Sentinels, name mymaster, no TLS, a 10 s outage grace; nothing configured means the embedded server', () => {
    const c = configOf({});
    assert.equal(c.REDIS_SENTINELS, undefined);
    assert.equal(c.REDIS_SENTINEL_NAME, 'mymaster');
    assert.equal(c.REDIS_TLS, false);
    assert.equal(c.REDIS_TLS_CA_FILE, undefined);
    assert.equal(c.HIQTY_REDIS_OUTAGE_GRACE_MS, 10_000);
    assert.equal(redisEndpointOf(c), undefined);
  });

  it('Sentinel mode: the list, the name, both passwords, TLS with the CA read at start', () => {
    const c = configOf({
      REDIS_SENTINELS: 'sentinel-0:26379, 10.0.0.7:26380,[::1]:26381',
      REDIS_SENTINEL_NAME: 'hiqty',
      REDIS_SENTINEL_PASSWORD: 's-secret',
      REDIS_USERNAME: 'bot',
      REDIS_PASSWORD: 'n-secret',
      REDIS_TLS: 'true',
      REDIS_TLS_CA_FILE: caFile,
    });
    const endpoint = redisEndpointOf(c);
    assert.ok(endpoint?.kind === 'sentinel');
    assert.deepEqual(endpoint.sentinels, [
      { host: 'sentinel-0', port: 26379 },
      { host: '10.0.0.7', port: 26380 },
      { host: '::1', port: 26381 },
    ]);
    assert.equal(endpoint.name, 'hiqty');
    assert.equal(endpoint.sentinelPassword, 's-secret');
    assert.equal(endpoint.username, 'bot');
    assert.equal(endpoint.password, 'n-secret');
    assert.equal(endpoint.tls, true);
    assert.match(endpoint.caPem ?? '', /BEGIN CERTIFICATE/);
    const shown = describeEndpoint(endpoint);
    assert.match(shown, /hiqty.*sentinel-0:26379,10\.0\.0\.7:26380,\[::1\]:26381/);
    assert.ok(!shown.includes('secret'));
  });

  it('URL mode: the URL\'s credentials are kept and never shown; the CLI\'s --redis replaces the configured endpoint', () => {
    const c = configOf({ REDIS_URL: 'rediss://bot:p%40ss@redis.example:6380/2', REDIS_TLS_CA_FILE: caFile });
    const endpoint = redisEndpointOf(c);
    assert.ok(endpoint?.kind === 'url');
    assert.match(endpoint.caPem ?? '', /BEGIN CERTIFICATE/);
    assert.equal(describeEndpoint(endpoint), 'rediss://bot@redis.example:6380/2');
    const sentinels = configOf({ REDIS_SENTINELS: 'a:1' });
    assert.deepEqual(redisEndpointOf(sentinels, 'redis://127.0.0.1:7000'), { kind: 'url', url: 'redis://127.0.0.1:7000' });
  });

  it('REDIS_PASSWORD beside REDIS_URL is allowed (the chart sets both) and only fills in for a URL without credentials', () => {
    const endpoint = redisEndpointOf(configOf({ REDIS_URL: 'redis://h:6379', REDIS_PASSWORD: 'x' }));
    assert.deepEqual(endpoint, { kind: 'url', url: 'redis://h:6379', password: 'x' });
  });

  it('refuses a URL and Sentinels together, REDIS_TLS with a redis:// URL, and a CA file on a plain connection', () => {
    assert.deepEqual(errorsOf({ REDIS_URL: 'redis://h:6379', REDIS_SENTINELS: 'a:26379' }), [
      'REDIS_URL and REDIS_SENTINELS are both set: use REDIS_URL for one Redis, or REDIS_SENTINELS (with REDIS_SENTINEL_NAME) for a Sentinel-managed primary, not both',
    ]);
    assert.match(errorsOf({ REDIS_URL: 'redis://h:6379', REDIS_TLS: 'true' }).join(), /REDIS_TLS=true is for Sentinel mode; .*rediss:\/\//);
    assert.match(errorsOf({ REDIS_URL: 'redis://h:6379', REDIS_TLS_CA_FILE: caFile }).join(), /REDIS_TLS_CA_FILE is set but the connection is not TLS: write REDIS_URL as rediss/);
    assert.match(errorsOf({ REDIS_SENTINELS: 'a:26379', REDIS_TLS_CA_FILE: caFile }).join(), /set REDIS_TLS=true/);
  });

  it('refuses a malformed Sentinel list, a non-boolean REDIS_TLS, and a CA file that is missing or not PEM', () => {
    assert.match(errorsOf({ REDIS_SENTINELS: 'a:26379,b' }).join(), /^REDIS_SENTINELS is "a:26379,b": expected a comma-separated list of Sentinel host:port pairs/);
    assert.match(errorsOf({ REDIS_SENTINELS: 'a:99999' }).join(), /REDIS_SENTINELS is "a:99999"/);
    assert.match(errorsOf({ REDIS_TLS: 'maybe' }).join(), /REDIS_TLS is "maybe": expected true or false/);
    const missing = path.join(dir, 'nope.pem');
    assert.deepEqual(errorsOf({ REDIS_TLS_CA_FILE: missing }), [`REDIS_TLS_CA_FILE is ${JSON.stringify(missing)}: expected a readable PEM file of CA certificates (-----BEGIN CERTIFICATE-----)`]);
    const garbage = path.join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    assert.match(errorsOf({ REDIS_TLS_CA_FILE: garbage }).join(), /expected a readable PEM file/);
  });

  it('never shows the Redis passwords in an error', () => {
    const errors = errorsOf({ REDIS_URL: 'http://u:hunter2@h', REDIS_PASSWORD: '', REDIS_SENTINEL_PASSWORD: '' });
    assert.ok(errors.length >= 1);
    assert.ok(errors.every((e) => !e.includes('hunter2')));
  });
});
