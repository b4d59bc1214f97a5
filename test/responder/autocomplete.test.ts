/**
 * /play's autocompleter against the real service layer (the SoundCloud fake, a real Redis): the
 * debounce per member and the deadline, with a manual clock for the autocompleter's own timers so
 * that nothing here depends on how fast the machine is. A "slow" fake holds every api-v2 request
 * unanswered, so only an abort can end a search.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { autocompleter, type Autocompleter } from '../../controllers/responder/autocomplete';
import { isLeft } from 'fp-ts/Either';
import { ManualClock, systemClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { translator } from '../../src/i18n';
import { silentLogger } from '../../src/log';
import { DEFAULT_OPS_LIMITS, type OpsDeps } from '../../src/ops';
import { startSoundcloudFake, type SoundcloudFake } from '../../src/sandbox/services/soundcloud';
import { serviceOriginsValue } from '../../src/sandbox/services/types';
import { createServiceLayer } from '../../src/sources';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { GuildStore } from '../../src/state';
import { useRedis } from '../support/redis';
import { waitFor } from '../support/wait';

const en = translator('en');

describe('responder: the autocompleter (debounce per member, deadline) over the real resolver', function () {
  this.timeout(60_000);
  const redis = useRedis();
  let dir: string;
  let soundcloud: SoundcloudFake;
  let db: Redis;
  let clock: ManualClock;
  let complete: Autocompleter;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hiqty-autocomplete-'));
    soundcloud = await startSoundcloudFake({ dir });
  });
  after(async () => {
    await soundcloud.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    db = redis.current.client();
    await db.flushall();
    soundcloud.setApiMode('ok');
    // The configuration as `hiqty run` reads it, pointed at the fake.
    const config = loadConfig({ HIQTY_FETCH_ALLOW: soundcloud.allow.join(','), HIQTY_SERVICE_ORIGINS: serviceOriginsValue([soundcloud]), HIQTY_SEARCH_SOURCES: 'soundcloud' });
    if (isLeft(config)) throw new Error(config.left.map((e) => e.message).join('; '));
    const services = createServiceLayer(config.right, { redis: db, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS });
    const ops: OpsDeps = { store: new GuildStore(db, systemClock), redis: db, clock: systemClock, resolver: services.resolver, limits: DEFAULT_OPS_LIMITS };
    clock = new ManualClock(1_000_000);
    complete = autocompleter({ ops, clock, log: silentLogger, deadlineMs: 2500 });
  });
  afterEach(() => {
    complete.stop();
    // Releases the requests a slow fake still holds.
    soundcloud.setApiMode('ok');
    db.disconnect();
  });

  it('answers with named choices whose values are the tracks\' links', async () => {
    const choices = await complete.choices('g:alice', 'never gonna give you up', en);
    assert.deepEqual(choices, [{ name: 'Never Gonna Give You Up — Rick Astley (0:06) · SoundCloud', value: 'https://soundcloud.com/rick-astley-official/never-gonna-give-you-up' }]);
  });

  it('a newer keystroke of the same member cancels the older search, which answers with no choices', async () => {
    soundcloud.setApiMode('slow');
    const older = complete.choices('g:bob', 'tone 440', en);
    // The older search is under way (its request is held by the fake) before the next keystroke.
    const searches = (): number => soundcloud.requests.filter((r) => r.path.startsWith('/search/tracks')).length;
    const before = searches();
    await waitFor('the older search to reach the fake', () => searches() > before || undefined, { timeoutMs: 10_000 });
    const newer = complete.choices('g:bob', 'tone 550', en);
    assert.deepEqual(await older, [], 'superseded: no choices, and it ended without any deadline passing');
    // The newer one is still held; the deadline aborts it and the answer is what it had: nothing.
    await waitFor('the newer search to reach the fake', () => searches() > before + 1 || undefined, { timeoutMs: 10_000 });
    await clock.advance(2500);
    await clock.advance(300);
    assert.deepEqual(await newer, []);
  });

  it('members do not cancel each other; a link or empty text is not searched', async () => {
    const [a, b] = await Promise.all([complete.choices('g:alice', 'never gonna', en), complete.choices('g:carol', 'never gonna give', en)]);
    assert.equal(a.length, 1);
    assert.equal(b.length, 1);
    const before = soundcloud.requests.length;
    assert.deepEqual(await complete.choices('g:alice', 'https://soundcloud.com/rick-astley-official/never-gonna-give-you-up', en), []);
    assert.deepEqual(await complete.choices('g:alice', '   ', en), []);
    assert.equal(soundcloud.requests.length, before);
  });
});
