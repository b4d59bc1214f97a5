import { strict as assert } from 'node:assert';
import { isLeft, isRight } from 'fp-ts/Either';
import { availableParallelism } from 'node:os';
import { defaultVoiceWorkers, loadConfig } from '../src/config';

function errorsOf(env: NodeJS.ProcessEnv): string[] {
  const result = loadConfig(env, 'test-1');
  assert.ok(isLeft(result), 'expected the configuration to be rejected');
  return result.left.map((e) => e.message);
}

describe('config', () => {
  it('runs one voice worker per core it may use: the cgroup CPU limit where there is one', () => {
    const cores = availableParallelism();
    assert.equal(defaultVoiceWorkers(() => undefined), Math.min(64, cores), 'no cgroup file: every core');
    assert.equal(defaultVoiceWorkers(() => 'max 100000\n'), Math.min(64, cores), 'no limit');
    assert.equal(defaultVoiceWorkers(() => '150000 100000\n'), Math.min(2, cores), '1.5 CPUs round up');
    assert.equal(defaultVoiceWorkers(() => '25000 100000\n'), 1, 'a quarter CPU still gets one worker');
    assert.equal(defaultVoiceWorkers(() => 'garbage'), Math.min(64, cores), 'an unreadable limit is ignored');
  });

  it('applies the documented defaults to an empty environment', () => {
    const result = loadConfig({}, 'host-42');
    assert.ok(isRight(result));
    const c = result.right;
    assert.equal(c.DISCORD_TOKEN, undefined);
    assert.equal(c.DISCORD_API_BASE, 'https://discord.com/api');
    assert.equal(c.REDIS_URL, undefined);
    assert.equal(c.HIQTY_INSTANCE_ID, 'host-42');
    assert.equal(c.HIQTY_LOCK_TTL_MS, 5000);
    assert.equal(c.HIQTY_HTTP_PORT, 8080);
    assert.deepEqual(c.HIQTY_FETCH_ALLOW, []);
    assert.equal(c.HIQTY_LOG_LEVEL, 'info');
  });

  it('decodes given values into their types', () => {
    const result = loadConfig(
      { HIQTY_LOCK_TTL_MS: '3000', HIQTY_FETCH_ALLOW: '127.0.0.1:8081, Localhost:9000', REDIS_URL: 'redis://h:6379/0', HIQTY_LOG_LEVEL: 'debug' },
      'x',
    );
    assert.ok(isRight(result));
    assert.equal(result.right.HIQTY_LOCK_TTL_MS, 3000);
    assert.deepEqual(result.right.HIQTY_FETCH_ALLOW, ['127.0.0.1:8081', 'localhost:9000']);
    assert.equal(result.right.REDIS_URL, 'redis://h:6379/0');
  });

  it('HIQTY_REDIS_WAIT_MS: 250 by default (fits the smallest TTL), at most TTL/4, 0 turns it off', () => {
    const ok = loadConfig({ HIQTY_LOCK_TTL_MS: '1000' }, 'test-1');
    assert.ok(isRight(ok));
    assert.equal(ok.right.HIQTY_REDIS_WAIT_MS, 250);
    assert.ok(isRight(loadConfig({ HIQTY_LOCK_TTL_MS: '1000', HIQTY_REDIS_WAIT_MS: '0' }, 'test-1')));
    assert.deepEqual(errorsOf({ HIQTY_LOCK_TTL_MS: '1000', HIQTY_REDIS_WAIT_MS: '300' }), [
      'HIQTY_REDIS_WAIT_MS is 300: with HIQTY_LOCK_TTL_MS 1000 it must be at most 250 (under the renewal period, TTL/3), or 0 to turn the wait off',
    ]);
  });

  it('names the variable, the value and what was expected', () => {
    assert.deepEqual(errorsOf({ HIQTY_LOCK_TTL_MS: 'abc' }), ['HIQTY_LOCK_TTL_MS is "abc": expected an integer from 1000 to 60000']);
    assert.deepEqual(errorsOf({ HIQTY_HTTP_PORT: '70000' }), ['HIQTY_HTTP_PORT is "70000": expected an integer from 0 to 65535']);
    assert.deepEqual(errorsOf({ HIQTY_LOG_LEVEL: 'loud' }), ['HIQTY_LOG_LEVEL is "loud": expected one of fatal, error, warn, info, debug, trace, silent']);
    assert.match(errorsOf({ HIQTY_FETCH_ALLOW: 'nohostport' })[0] ?? '', /^HIQTY_FETCH_ALLOW is "nohostport": expected a comma-separated list of host:port pairs/);
    assert.deepEqual(errorsOf({ HIQTY_INSTANCE_ID: 'a:b' }), ['HIQTY_INSTANCE_ID is "a:b": expected letters, digits, dot, underscore or dash (1 to 64 characters)']);
  });

  it('reports every bad variable at once', () => {
    const errors = errorsOf({ HIQTY_LOCK_TTL_MS: '1', DISCORD_API_BASE: 'ftp://x' });
    assert.equal(errors.length, 2);
    assert.ok(errors.some((e) => e.startsWith('HIQTY_LOCK_TTL_MS')));
    assert.ok(errors.some((e) => e.startsWith('DISCORD_API_BASE is "ftp://x": expected a URL starting with http:// or https://')));
  });

  it('never echoes a secret in an error', () => {
    const errors = errorsOf({ REDIS_URL: 'http://user:hunter2@host' });
    assert.deepEqual(errors, ['REDIS_URL is invalid: expected a URL starting with redis:// or rediss://']);
  });

  describe('the dashboard (HIQTY_DASHBOARD_URL and its OAuth2 client)', () => {
    const client = { HIQTY_DISCORD_CLIENT_ID: '123456789012345678', HIQTY_DISCORD_CLIENT_SECRET: 'shh-a-secret' };

    it('is off by default, and on with an origin and both client values; the origin loses a trailing slash', () => {
      const off = loadConfig({}, 'x');
      assert.ok(isRight(off));
      assert.equal(off.right.HIQTY_DASHBOARD_URL, undefined);
      assert.equal(off.right.HIQTY_DISCORD_CLIENT_ID, undefined);
      assert.equal(off.right.HIQTY_DISCORD_CLIENT_SECRET, undefined);
      const on = loadConfig({ HIQTY_DASHBOARD_URL: 'https://Music.Example.com/', ...client }, 'x');
      assert.ok(isRight(on));
      assert.equal(on.right.HIQTY_DASHBOARD_URL, 'https://music.example.com');
      assert.equal(on.right.HIQTY_DISCORD_CLIENT_ID, '123456789012345678');
      const port = loadConfig({ HIQTY_DASHBOARD_URL: 'http://127.0.0.1:8080', ...client }, 'x');
      assert.ok(isRight(port));
      assert.equal(port.right.HIQTY_DASHBOARD_URL, 'http://127.0.0.1:8080');
    });

    it('refuses a URL with a path, a query, a fragment, credentials or another scheme, naming what is expected', () => {
      for (const bad of ['https://music.example.com/dash', 'https://music.example.com?x=1', 'https://music.example.com/#top', 'https://u:p@music.example.com', 'ftp://music.example.com', 'music.example.com']) {
        const errors = errorsOf({ HIQTY_DASHBOARD_URL: bad, ...client });
        assert.equal(errors.length, 1, `${bad}: ${errors.join(' | ')}`);
        assert.match(errors[0] ?? '', /^HIQTY_DASHBOARD_URL is ".*": expected an origin such as https:\/\/music\.example\.com .*no path, query or fragment/);
      }
    });

    it('needs the client id and secret with the URL, and names the missing one', () => {
      const both = errorsOf({ HIQTY_DASHBOARD_URL: 'https://music.example.com' });
      assert.equal(both.length, 2);
      assert.ok(both.every((e) => /HIQTY_DASHBOARD_URL is set/.test(e)));
      assert.ok(both.some((e) => e.startsWith('HIQTY_DISCORD_CLIENT_ID is missing')));
      assert.ok(both.some((e) => e.startsWith('HIQTY_DISCORD_CLIENT_SECRET is missing')));
      const secret = errorsOf({ HIQTY_DASHBOARD_URL: 'https://music.example.com', HIQTY_DISCORD_CLIENT_ID: '1' });
      assert.equal(secret.length, 1);
      assert.match(secret[0] ?? '', /^HIQTY_DISCORD_CLIENT_SECRET is missing/);
      // Without the URL the client values alone are harmless (the dashboard stays off).
      assert.ok(isRight(loadConfig(client, 'x')));
    });

    it('takes trusted proxies as addresses or CIDR ranges, and refuses anything else', () => {
      const accepted = loadConfig({ HIQTY_TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1' }, 'test-1');
      assert.ok(isRight(accepted));
      assert.deepEqual(accepted.right.HIQTY_TRUST_PROXY, ['10.0.0.0/8', '192.168.1.5', '::1']);
      const [error] = errorsOf({ HIQTY_TRUST_PROXY: '10.0.0.0/8,ingress.local' });
      assert.match(error ?? '', /^HIQTY_TRUST_PROXY is "10\.0\.0\.0\/8,ingress\.local": expected addresses or CIDR ranges/);
    });

    it('refuses a client id that is not a Discord id, and never shows the secret', () => {
      assert.deepEqual(errorsOf({ HIQTY_DASHBOARD_URL: 'https://m.example', HIQTY_DISCORD_CLIENT_ID: 'abc', HIQTY_DISCORD_CLIENT_SECRET: 'x' }), ['HIQTY_DISCORD_CLIENT_ID is "abc": expected a Discord id (digits only)']);
      const errors = errorsOf({ HIQTY_DASHBOARD_URL: 'https://m.example/path', ...client });
      assert.ok(errors.every((e) => !e.includes('shh-a-secret')));
    });
  });
});
