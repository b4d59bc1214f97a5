/**
 * Issue 14, "a worker killed mid-track": the voice worker playing a guild dies; its host restarts it,
 * and the guild plays on from where it was, on the same instance, with no wait for a lease TTL and no
 * overlap. The app runs in this process (startApp, the real voice workers) so that the test can kill one
 * of its workers; everything else (the sandbox with DAVE required, Redis, ffmpeg) is real as elsewhere.
 */
import { strict as assert } from 'node:assert';
import { isLeft } from 'fp-ts/Either';
import { startApp, type RunningApp } from '../../app/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { trustSandboxCa } from '../../src/sandbox';
import { guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { framesOf, Stage } from '../support/stage';
import { waitFor } from '../support/wait';

/** 8 s of tone: 400 frames heard in all when the guild resumes exactly where the worker died. */
const TRACK_MS = 8000;
const TRACK_FRAMES = TRACK_MS / 20;

describe('player: a voice worker killed mid-track', function () {
  this.timeout(90_000);
  const redis = useRedis();
  let stage: Stage;
  let app: RunningApp | undefined;
  beforeEach(async () => {
    await redis.current.client().flushall();
    // A lock TTL far above the recovery: a resume that waited for the lease to lapse would show.
    stage = await Stage.start(redis.current, { env: { HIQTY_LOCK_TTL_MS: '30000' } });
  });
  afterEach(async () => {
    await app?.shutdown('fast');
    app = undefined;
    await stage.stop();
  });
  Stage.dumpOnFailure(() => stage);

  it('is restarted, and its guild resumes on the same instance at its position, with no overlap', async () => {
    trustSandboxCa(stage.sandbox.caCertPem);
    const env = { ...stage.botEnv(stage.nextInstance(), { HIQTY_VOICE_WORKERS: '2', HIQTY_LOG_LEVEL: 'info' }), NODE_EXTRA_CA_CERTS: undefined };
    const config = loadConfig(env);
    if (isLeft(config)) throw new Error(`bad test configuration: ${config.left.map((e) => e.message).join('; ')}`);
    const lines: Array<{ msg?: string }> = [];
    const log = createLogger('info', {}, { write: (line: string) => void lines.push(JSON.parse(line) as { msg?: string }) });
    app = await startApp(config.right, { token: config.right.DISCORD_TOKEN ?? '', apiBase: config.right.DISCORD_API_BASE }, log);
    const running = app;
    const keys = guildKeys(stage.guild.id);

    await stage.play([await stage.tone(440, TRACK_MS)]);
    // 2 s in: starting over instead of resuming would replay 100 frames, twice the ±50 allowed below.
    await waitFor('2 s of audio', () => framesOf(stage.segments(), 440) >= 100, { timeoutMs: 20_000 });
    const lockBefore = await stage.db.get(keys.player_lock);
    const worker = running.voice.port.hostOf(stage.guild.id);
    assert.ok(worker?.startsWith('worker-'), `the guild plays in a voice worker (${worker})`);
    if (worker === undefined) return;
    assert.ok(await running.voice.kill(worker));
    const killedAt = performance.now();
    await waitFor('the track to finish', async () => (await stage.db.llen(keys.playlist)) === 0, { timeoutMs: 20_000 });

    assert.equal(running.voice.totals().workerRestarts, 1, 'the worker was restarted once');
    assert.equal(await stage.db.get(keys.player_lock), lockBefore, 'the same instance played it to its end, on the same lease (no new claim, no TTL wait)');
    const stats = stage.sandbox.voiceStats(stage.guild.id);
    const total = framesOf(stats.segments, 440);
    assert.ok(Math.abs(total - TRACK_FRAMES) <= 50, `heard ${total} frames of a ${TRACK_FRAMES}-frame track: resumed more than 1 s off`);
    assert.equal(stats.overlap, 0, 'the dead worker and its successor never sent at once');
    assert.ok((stats.dave?.e2eeFrames ?? 0) > 0, 'the successor joined the DAVE group and was heard through it');
    assert.equal(stats.unencrypted, 0);
    assert.equal(stats.e2eeFailures, 0);
    assert.ok(lines.some((l) => l.msg?.includes('voice worker') === true), 'the death was logged');
    const silence = Math.max(0, ...stats.gaps.filter((g) => g.atMs >= killedAt - 100).map((g) => g.ms));
    console.log(`      silence after the kill: ${Math.round(silence)} ms (not asserted: make bench); position error: ${(total - TRACK_FRAMES) * 20} ms`);
  });
});
