/**
 * Twitch in the service layer (createServiceLayer against the Twitch fake and a real Redis): a live
 * channel's resolution is not shared for ten minutes the way a video's is (it says the channel is on the
 * air now), and a live stream that will not open is not looked for on the fallback sources.
 */
import { strict as assert } from 'node:assert';
import type { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { CHANNEL_ASLEEP, CHANNEL_TONES, VIDEO_TONES, channelUrl, videoUrl, type TwitchFake } from '../../src/sandbox/services/twitch';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { createServiceLayer, type ServiceLayer } from '../../src/sources';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { sourceCacheKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { serviceConfig } from '../support/services';
import { startFake } from './twitch-support';

describe('sources: Twitch in the service layer', function () {
  this.timeout(30_000);
  const redis = useRedis();
  let fake: TwitchFake;
  let db: Redis;
  const layer = (): ServiceLayer =>
    createServiceLayer(serviceConfig({ HIQTY_FETCH_ALLOW: fake.allow.join(','), HIQTY_SERVICE_ORIGINS: serviceOriginsValue([fake]) }), { redis: db, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS });

  before(async () => {
    fake = await startFake();
    db = redis.current.client();
  });
  beforeEach(async () => {
    await db.flushall();
    fake.goLive(CHANNEL_TONES.login);
  });
  after(async () => {
    db.disconnect();
    await fake.stop();
  });

  it('a live channel resolves through the layer but is not kept in Redis; a video is', async () => {
    const live = await layer().resolver.resolve(channelUrl(CHANNEL_TONES));
    assert.equal(live.kind, 'tracks', JSON.stringify(live));
    assert.equal(await db.exists(sourceCacheKey('resolve', 'twitch', channelUrl(CHANNEL_TONES))), 0);
    fake.goOffline(CHANNEL_TONES.login);
    assert.notEqual((await layer().resolver.resolve(channelUrl(CHANNEL_TONES))).kind, 'tracks', 'off the air now, and nothing remembered says otherwise');
    const video = await layer().resolver.resolve(videoUrl(VIDEO_TONES));
    assert.equal(video.kind, 'tracks', JSON.stringify(video));
    assert.ok((await db.pttl(sourceCacheKey('resolve', 'twitch', videoUrl(VIDEO_TONES)))) > 0);
  });

  it('a live stream that is off the air at play time is unplayable for its own reason, without a search elsewhere', async () => {
    const planned = layer().planner({ url: channelUrl(CHANNEL_ASLEEP), source: 'twitch', sourceId: CHANNEL_ASLEEP.login, live: true, title: CHANNEL_ASLEEP.title, artist: CHANNEL_ASLEEP.displayName });
    assert.ok(planned.kind === 'planned' && planned.plan !== undefined);
    assert.equal(planned.isLive, true);
    assert.deepEqual(await planned.plan(0, new AbortController().signal), { kind: 'unplayable', reason: 'sleepysines is not live right now' });
  });
});
