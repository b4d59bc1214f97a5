/**
 * Root hooks for the whole mocha run: the shared Redis, and the open-handle check after every
 * top-level suite (each file's outer describe) that lets mocha exit by itself (.mocharc.cjs has no
 * `exit: true`). How the check works: test/support/handles.ts and README "Testing".
 */
import type { Context, Suite } from 'mocha';
import { defuse, leaksSince, snapshot, trackHandles, type Leaks, type Snapshot } from './handles';
import { TEST_RUN_MARKER } from './procfs';
import { closeSharedRedis, sharedRedis } from './redis';
import { runSuiteEnd } from './suite-end';
import { waitFor } from './wait';

// Every process the run starts inherits this (test/support/proc.ts cleanEnv passes it on explicitly).
process.env[TEST_RUN_MARKER] = String(process.pid);
trackHandles();

/** How long closing sockets, exiting children and their pipes get to finish after a suite. */
const GRACE_MS = 5000;

/** Stdio and mocha itself: what may stay open when the run ends. */
let atStart: Snapshot | undefined;
/** That plus the shared Redis (its server process and pipes): what may stay open between suites. */
let betweenSuites: Snapshot | undefined;
let leaked = false;

/** A moment for the current timer or immediate to finish, so that it is not counted as open. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Later checks treat what was already reported as known, so only the suite that leaked is blamed. */
function absorb(into: Snapshot, leaks: Snapshot): Snapshot {
  const counts = new Map(into.counts);
  for (const [type, n] of leaks.counts) counts.set(type, Math.max(n, counts.get(type) ?? 0));
  return {
    counts,
    handles: new Set([...into.handles, ...leaks.handles]),
    timers: new Set([...into.timers, ...leaks.timers]),
    processes: new Map([...into.processes, ...leaks.processes]),
  };
}

/**
 * Waits up to GRACE_MS for everything opened since `baseline` to close; throws naming what did not.
 * Returns the baseline for the next check.
 */
async function expectNoLeaks(what: string, baseline: Snapshot, ownTimer: unknown): Promise<Snapshot> {
  let last: { leaks: Leaks; now: Snapshot } | undefined;
  const started = performance.now();
  let first: readonly string[] | undefined;
  try {
    await waitFor(
      'no open handles',
      async () => {
        await tick();
        const now = snapshot();
        const leaks = leaksSince(baseline, now, ownTimer);
        last = { leaks, now };
        first ??= leaks.lines;
        return leaks.lines.length === 0;
      },
      { timeoutMs: GRACE_MS, intervalMs: 25 },
    );
    // HIQTY_TEST_HANDLES=verbose shows what was still closing when the suite ended, and for how long.
    if (process.env.HIQTY_TEST_HANDLES === 'verbose' && first !== undefined && first.length > 0) {
      console.log(`      [handles] ${what}: ${first.length} closed within ${Math.round(performance.now() - started)} ms:\n${first.map((l) => `        ${l}`).join('\n')}`);
    }
    return baseline;
  } catch {
    if (!last) throw new Error(`${what}: the open-handle check could not run`);
    defuse(last.leaks);
    const earlier = leaked ? ' (perhaps the work of a leak reported earlier, e.g. a client reconnecting)' : '';
    leaked = true;
    throw new Error(
      `${what} left ${last.leaks.lines.length} open handle(s)${earlier} ${GRACE_MS / 1000} s after it ended. Close them in its after/afterEach hooks:\n` +
        last.leaks.lines.map((l) => `  - ${l}`).join('\n'),
    );
  } finally {
    if (last && last.leaks.lines.length > 0) betweenSuites = absorb(baseline, last.now);
  }
}

function addCheck(suite: Suite): void {
  suite.afterAll('leaves no open handles', async function (this: Context) {
    this.timeout(GRACE_MS + 30_000);
    await runSuiteEnd();
    if (betweenSuites) betweenSuites = await expectNoLeaks(`"${suite.fullTitle()}"`, betweenSuites, this.runnable().timer);
  });
}

export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    this.timeout(60_000);
    await tick();
    atStart = snapshot();
    // Started here, before any suite, so that it is part of the baseline rather than blamed on the first suite to use it.
    await sharedRedis();
    await tick();
    betweenSuites = snapshot();
    for (const suite of this.test?.parent?.suites ?? []) addCheck(suite);
  },

  async afterAll(this: Context): Promise<void> {
    this.timeout(GRACE_MS + 30_000);
    await runSuiteEnd();
    await closeSharedRedis();
    if (!atStart) return;
    try {
      await expectNoLeaks('the test run (root-level hooks and the shared Redis)', atStart, this.runnable().timer);
    } finally {
      // A leak that could not be unref'd would keep the process, and CI, waiting forever: once the
      // failure is reported, end the run. Unref'd, so a clean run never waits for it.
      if (leaked) setTimeout(() => process.exit(), 10_000).unref();
    }
  },
};
