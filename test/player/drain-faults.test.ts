/**
 * Issue 11, "Redis stopped before SIGTERM": a drain must finish, and the process exit 0 by itself
 * within the drain timeout plus a few seconds, when Redis is frozen (SIGSTOP: sockets open, no
 * answers) or gone (SIGKILL: connections refused) at the moment the pod is told to stop.
 * Each suite gets its own redis-server: the shared one must never be frozen or killed.
 */
import { strict as assert } from 'node:assert';
import { startPausableRedis, type PausableRedis } from '../support/pausable-redis';
import type { LogLine } from '../support/proc';
import { framesOf, Stage, type Bot } from '../support/stage';
import { waitFor } from '../support/wait';

const DRAIN_TIMEOUT_MS = 4000;
/** The bound: exit 0 within the drain timeout plus 5 s. */
const EXIT_LIMIT_MS = DRAIN_TIMEOUT_MS + 5000;
/** What Node prints when a rejection or exception reaches the top: the crash the issue describes. */
const CRASH = /unhandledRejection|UnhandledPromiseRejection|uncaughtException|triggerUncaughtException|^Node\.js v\d+/im;
/** The line a drain ends with, whichever way it ended (handed over, cut short, or leases lost with Redis away). */
const DRAIN_END = /^drain (complete|cut short|finished|ended)\b/i;

function crashLines(bot: Bot): string[] {
  const text = bot.proc.lines.filter((l: LogLine) => typeof l.msg === 'string' && /unhandled|uncaught/i.test(l.msg)).map((l) => JSON.stringify(l));
  return [...text, ...bot.proc.other.filter((chunk) => CRASH.test(chunk))];
}

describe('player: a SIGTERM while Redis is away still drains and exits 0', function () {
  this.timeout(90_000);
  let redis: PausableRedis | undefined;
  let stage: Stage | undefined;
  // Registered first so that it runs before the clean-up below forgets the stage.
  Stage.dumpOnFailure(() => stage);
  afterEach(async () => {
    redis?.thaw();
    await stage?.stop();
    await redis?.close();
    stage = undefined;
    redis = undefined;
  });

  const cases = [
    { fault: 'stopped (SIGSTOP)', away: (r: PausableRedis) => r.freeze() },
    { fault: 'killed (SIGKILL)', away: (r: PausableRedis) => r.kill() },
  ] as const;
  // A lease that outlives the drain deadline makes the drain release at the deadline (the path that
  // rejected); one that expires first makes the player stop on its own deadline before that.
  const leases = [
    { ttlMs: 10_000, what: 'the lease outlives the drain deadline' },
    { ttlMs: 2000, what: 'the lease expires before the drain deadline' },
  ] as const;

  for (const { fault, away } of cases) {
    for (const { ttlMs, what } of leases) {
      it(`Redis ${fault}, ${what}: exits 0 within the drain timeout + 5 s, no unhandled rejection, the drain logged as finished`, async () => {
        const r = (redis = await startPausableRedis());
        const s = (stage = await Stage.start(r, { env: { HIQTY_LOCK_TTL_MS: String(ttlMs), HIQTY_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS) } }));
        const bot = await s.startBot();
        await s.play([await s.tone(440, 30_000)]);
        await waitFor('1 s of audio', () => framesOf(s.segments(), 440) >= 50, { timeoutMs: 15_000 });

        const awayAt = performance.now();
        await away(r);
        const termAt = performance.now();
        bot.proc.kill('SIGTERM');
        await waitFor(`the bot to exit by itself (Redis ${fault})`, () => bot.proc.child.exitCode !== null || bot.proc.child.signalCode !== null, { timeoutMs: EXIT_LIMIT_MS, intervalMs: 50 });
        const exitedAfter = performance.now() - termAt;
        const exit = await bot.proc.exited;

        assert.deepEqual(crashLines(bot), [], 'no unhandled rejection or exception');
        assert.deepEqual(exit, { code: 0, signal: null }, `exit ${JSON.stringify(exit)} ${Math.round(exitedAfter)} ms after the SIGTERM`);
        assert.ok(
          bot.proc.lines.some((l) => typeof l.msg === 'string' && DRAIN_END.test(l.msg)),
          `a log line saying the drain finished; the last lines: ${JSON.stringify(bot.proc.lines.slice(-8).map((l) => l.msg))}`,
        );
        const last = s.sandbox.voiceStats(s.guild.id, { flush: false }).lastPacketAtMs ?? 0;
        if (ttlMs < DRAIN_TIMEOUT_MS) {
          // Generous: the lease deadline (at most a TTL after the last good renewal) plus a second.
          assert.ok(last - awayAt <= ttlMs + 1000, `audio went on ${Math.round(last - awayAt)} ms after Redis went away (lease TTL ${ttlMs} ms)`);
        }
        console.log(`      exited ${Math.round(exitedAfter)} ms after the SIGTERM; audio stopped ${Math.round(last - awayAt)} ms after Redis went away`);
      });
    }
  }
});
