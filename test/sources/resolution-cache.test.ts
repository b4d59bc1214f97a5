/**
 * Link resolutions of the services are shared through Redis (hiqty:resolve_cache:*): the second /play of
 * a playlist anywhere in the fleet does not ask YouTube again, a corrupt entry is asked again, and a refusal
 * is never kept. Against the YouTube fake, through the whole service layer and a real Redis.
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { MISSING_PLAYLIST_ID, PLAYLISTS, type YoutubeFake } from '../../src/sandbox/services/youtube';
import { createServiceLayer, type ServiceLayer } from '../../src/sources';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { sourceCacheKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { serviceConfig } from '../support/services';
import { startFake } from './youtube-support';

describe('sources: link resolutions shared through Redis', function () {
  this.timeout(30_000);
  const redis = useRedis();
  let fake: YoutubeFake;
  let db: Redis;
  const layer = (): ServiceLayer =>
    createServiceLayer(serviceConfig({ HIQTY_FETCH_ALLOW: fake.allow.join(','), HIQTY_SERVICE_ORIGINS: serviceOriginsValue([fake]) }), { redis: db, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS });
  const browses = (): number => fake.requests.filter((r) => r.path.startsWith('/youtubei/v1/browse')).length;
  const link = `https://www.youtube.com/playlist?list=${PLAYLISTS.tones.id}`;

  before(async () => {
    fake = await startFake();
    db = redis.current.client();
  });
  beforeEach(() => db.flushall());
  after(async () => {
    db.disconnect();
    await fake.stop();
  });

  it('a second resolution of the same link, on another instance, is answered from Redis', async () => {
    const first = await layer().resolver.resolve(link);
    assert.equal(first.kind, 'tracks');
    const asked = browses();
    assert.ok(asked > 0, 'the first resolution asked YouTube');
    assert.ok((await db.pttl(sourceCacheKey('resolve', 'youtube', link))) > 0, 'kept with a TTL');
    const second = await layer().resolver.resolve(link);
    assert.deepEqual(second, first);
    assert.equal(browses(), asked, 'YouTube was not asked again');
  });

  it('a corrupt entry is asked again and replaced; a refusal is not kept', async () => {
    await db.set(sourceCacheKey('resolve', 'youtube', link), '{"tracks":[{"url":1}]}');
    const asked = browses();
    const outcome = await layer().resolver.resolve(link);
    assert.equal(outcome.kind, 'tracks');
    assert.ok(browses() > asked, 'asked YouTube again');
    assert.match((await db.get(sourceCacheKey('resolve', 'youtube', link))) ?? '', /"tracks":\[\{"url":"https/);
    const missing = `https://www.youtube.com/playlist?list=${MISSING_PLAYLIST_ID}`;
    assert.notEqual((await layer().resolver.resolve(missing)).kind, 'tracks');
    assert.equal(await db.exists(sourceCacheKey('resolve', 'youtube', missing)), 0);
  });
});
