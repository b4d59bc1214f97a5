/** The token bucket behind the Responder's per-user limit and the REST API's limits (src/state), against a real Redis. */
import { strict as assert } from 'node:assert';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { envCodec, loadConfig } from '../../src/config';
import { peekToken, takeToken, type TokenVerdict } from '../../src/state';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';

let n = 0;
const fresh = (): string => `hiqty:test-bucket:${++n}`;

async function serverNowMs(db: Redis): Promise<number> {
  const [s, us] = await db.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

function retryOf(v: TokenVerdict): number {
  assert.equal(v.allowed, false, 'expected to be limited');
  return v.allowed ? 0 : v.retryAfterMs;
}

describe('rate limit: a token bucket in Redis', () => {
  const redis = useRedis();
  let db: Redis;
  before(() => {
    db = redis.current.client();
  });
  after(() => db.disconnect());

  it('a burst of 10 is allowed at once, the 11th waits for one refill and says how long', async () => {
    const key = fresh();
    const bucket = { burst: 10, refillMs: 2000 };
    const verdicts = [];
    for (let i = 0; i < 10; i++) verdicts.push(await takeToken(db, key, bucket));
    assert.deepEqual(verdicts.map((v) => v.allowed), Array(10).fill(true));
    assert.deepEqual(verdicts.map((v) => (v.allowed ? v.tokensLeft : -1)), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const wait = retryOf(await takeToken(db, key, bucket));
    assert.ok(wait > 0 && wait <= 2000, `retry after ${wait} ms, expected at most one refill (2000 ms)`);
    // Refused takes cost nothing: the wait does not grow.
    assert.ok(retryOf(await takeToken(db, key, bucket)) <= wait);
  });

  it('tokens come back one per refill interval, and the key expires once the bucket is full', async () => {
    const key = fresh();
    const bucket = { burst: 2, refillMs: 500 };
    for (let i = 0; i < 2; i++) assert.equal((await takeToken(db, key, bucket)).allowed, true);
    assert.equal((await takeToken(db, key, bucket)).allowed, false);
    await waitFor('a token to come back', async () => ((await peekToken(db, key, bucket)).allowed ? true : undefined), { timeoutMs: 5000 });
    assert.equal((await takeToken(db, key, bucket)).allowed, true);
    assert.equal((await takeToken(db, key, bucket)).allowed, false, 'only one came back');
    const ttl = await db.pttl(key);
    assert.ok(ttl > 0 && ttl <= 2 * 500, `the key lives until the bucket is full again (${ttl} ms)`);
  });

  it('the value is Redis server time, so callers with skewed clocks share one bucket; peek takes nothing', async () => {
    const key = fresh();
    const bucket = { burst: 5, refillMs: 60_000 };
    await takeToken(db, key, bucket);
    const now = await serverNowMs(db);
    const stored = Number(await db.get(key));
    // The theoretical arrival time: one interval past the server's now (the caller sent no time at all).
    assert.ok(stored > now && stored <= now + 60_000, `stored ${stored}, server now ${now}`);
    for (let i = 0; i < 3; i++) assert.deepEqual(await peekToken(db, key, bucket), { allowed: true, tokensLeft: 3 });
  });

  it('garbage in the key reads as a full bucket; a value beyond reach (written by hand) as an empty one, never a longer wait', async () => {
    const bucket = { burst: 3, refillMs: 1000 };
    const garbage = fresh();
    await db.set(garbage, 'not a number');
    assert.deepEqual(await takeToken(db, garbage, bucket), { allowed: true, tokensLeft: 2 });
    const far = fresh();
    await db.set(far, String((await serverNowMs(db)) + 86_400_000));
    const wait = retryOf(await takeToken(db, far, bucket));
    assert.ok(wait <= 1000, `a hand-written far future waits at most one interval, not a day (${wait} ms)`);
  });

  it('HIQTY_RATE_LIMIT reads 10+1/2s and 20+3/1m, keeps the older 5/10s at the same average rate, and refuses nonsense clearly', () => {
    const codec = envCodec('i');
    const read = (value: string | undefined) => codec.decode(value === undefined ? {} : { HIQTY_RATE_LIMIT: value });
    const limit = (value: string | undefined) => {
      const r = read(value);
      if (isLeft(r)) throw new Error(`${value} did not decode`);
      return r.right.HIQTY_RATE_LIMIT;
    };
    assert.deepEqual(limit(undefined), { burst: 10, refillMs: 2000 }, 'the default');
    assert.deepEqual(limit('10+1/2s'), { burst: 10, refillMs: 2000 });
    assert.deepEqual(limit('20+3/1m'), { burst: 20, refillMs: 20_000 });
    assert.deepEqual(limit('5/10s'), { burst: 5, refillMs: 2000 });
    assert.deepEqual(limit(' 300/1m '), { burst: 300, refillMs: 200 });
    for (const bad of ['10', '10+/2s', '0+1/2s', '10+1/2d', '10/0s', 'fast']) assert.ok(isLeft(read(bad)), `${bad} is refused`);
    const refused = loadConfig({ HIQTY_RATE_LIMIT: 'fast' }, 'i');
    assert.ok(isLeft(refused));
    assert.match(refused.left[0]?.message ?? '', /^HIQTY_RATE_LIMIT is "fast": expected a token bucket <burst>\+<tokens>\/<period>, e\.g\. 10\+1\/2s/);
  });
});
