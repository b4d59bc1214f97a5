/**
 * Issue 11, "A skip during a drain hands the guild over": while an instance drains, only the track
 * that was playing when the drain began may play there. A skip (the same operation /skip, the REST
 * API and the CLI run) must hand the guild to another instance instead of starting the next track.
 */
import { strict as assert } from 'node:assert';
import { isLeft } from 'fp-ts/Either';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import { createServiceLayer } from '../../src/sources';
import { NO_SOURCE_METRICS } from '../../src/sources/source-metrics';
import { serviceConfig } from '../support/services';
import * as ops from '../../src/ops';
import { DEFAULT_OPS_LIMITS, type OpsDeps } from '../../src/ops';
import { GuildStore, guildKeys } from '../../src/state';
import { SessionBook } from '../support/bot-sessions';
import { useRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

/** The old instance's audio may trail the skip by at most this much (the "about a second"). */
const TRAIL_MS = 1000;

describe('player: a skip during a drain', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let book: SessionBook;
  let deps: OpsDeps;
  beforeEach(async () => {
    await redis.current.client().flushall();
    stage = await Stage.start(redis.current, { env: { HIQTY_LOCK_TTL_MS: '2000' } });
    book = new SessionBook(stage);
    deps = { store: new GuildStore(stage.db, systemClock), redis: stage.db, clock: systemClock, resolver: createServiceLayer(serviceConfig(), { redis: stage.db, clock: systemClock, log: silentLogger, metrics: NO_SOURCE_METRICS }).resolver, limits: DEFAULT_OPS_LIMITS };
  });
  afterEach(() => stage.stop());
  Stage.dumpOnFailure(() => stage);
  const keys = () => guildKeys(stage.guild.id);

  it('hands the guild over: the next track plays on the other instance, the old one plays nothing new and exits 0', async () => {
    const a = await book.startBot();
    const b = await book.startBot();
    await stage.play([await stage.tone(440, 8000), await stage.tone(660, 3000), await stage.tone(880, 2000)]);
    await waitFor('1 s of the first track', () => framesOf(stage.segments(), 440) >= 50, { timeoutMs: 15_000 });
    const old = await stage.owner();
    const other = old === a ? b : a;
    const oldSessions = book.sessionsOf(old);
    const otherSessions = book.sessionsOf(other);

    old.proc.kill('SIGTERM');
    await old.proc.waitForLine('the drain to start', (l) => l.msg === 'drain started');
    const skipped = await ops.skip(deps)({ guild: stage.guild.id })();
    if (isLeft(skipped)) throw new Error(`the skip was refused: ${JSON.stringify(skipped.left)}`);
    const skippedAt = performance.now();
    assert.equal(framesOf(stage.segments(), 660), 0, 'the second track had not started before the skip');

    const next = await waitFor('the second track', () => stage.segments().find((s) => Math.abs(s.hz - 660) <= 10), { timeoutMs: 15_000 });
    assert.ok(otherSessions.has(next.sessionId), `the track after the skip plays on the other instance, not on the draining one (${oldSessions.has(next.sessionId) ? 'it played on the draining one' : 'an unknown session'})`);
    const exit = await old.proc.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, 'the draining instance exits 0 by itself');

    await waitFor('the queue to empty', async () => (await stage.db.llen(keys().playlist)) === 0, { timeoutMs: 15_000 });
    const stats = stage.sandbox.voiceStats(stage.guild.id);
    const oldLast = Math.max(...[...oldSessions].map((s) => stats.lastPacketBySession[s] ?? -Infinity));
    assert.ok(oldLast <= skippedAt + TRAIL_MS, `the draining instance sent audio ${Math.round(oldLast - skippedAt)} ms after the skip (limit ${TRAIL_MS})`);
    const onOld = stats.segments.filter((s) => oldSessions.has(s.sessionId)).map((s) => Math.round(s.hz));
    assert.ok(onOld.every((hz) => Math.abs(hz - 440) <= 10), `the draining instance played only the track it was playing when the drain began; it played ${JSON.stringify(onOld)} Hz`);
    assert.ok(framesOf(stats.segments.filter((s) => otherSessions.has(s.sessionId)), 880) > 0, 'the third track plays on the other instance too');
    assert.equal(stats.overlap, 0);
    console.log(`      skip to the next track on the other instance: ${Math.round(next.startMs - skippedAt)} ms; old instance's last packet ${Math.round(oldLast - skippedAt)} ms after the skip`);
  });
});
