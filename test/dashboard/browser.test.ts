/**
 * Issue 17, the dashboard in a real browser: Debian's headless Chromium (through playwright-core) against
 * the real bot (a hiqty child process), the sandbox's Discord with its OAuth2 consent page, Redis, ffmpeg
 * and the service fakes. One member (A, 1280×800) logs in and steers; a second browser context (B, another
 * member, 390×844, dark) only watches, and must see every change live through its SSE stream.
 *
 * "Drag the third track to first" is in the queue as the page shows it: "Up next", the tracks after the
 * current one. The first row there is queue index 2 of ops.move's 1-based indexes (1 is the current track,
 * which Now playing shows), so the drag sends {from: 4, to: 2} and the dragged track plays next.
 *
 * Nothing here sleeps: every wait polls the DOM, Redis or the sandbox's ears until a generous deadline.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { VIDEOS } from '../../src/sandbox/services/youtube';
import { makeStair, stairHzAt } from '../../src/sandbox/fixtures/stair';
import { dashboardSessionKey, guildKeys } from '../../src/state';
import { freePort } from '../../src/state/server';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { storedQueue } from '../support/stored-queue';
import { waitFor } from '../support/wait';
import { BOT_ENV, ServiceScene } from '../services/support';
import { dashboardOn } from './browser';

const ROOT = path.resolve(__dirname, '..', '..');
const OUTPUT = path.join(ROOT, 'test-output', 'dashboard');
/** Debian's chromium (make setup installs it); CHROMIUM_PATH names another build of it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const DESKTOP = { width: 1280, height: 800 } as const;
const PHONE = { width: 390, height: 844 } as const;

/** 8 steps of 15 s, 1200 Hz up by 100 Hz: far from every other tone here, and long steps, so a seek is heard as a jump. */
const STAIR = { firstHz: 1200, stepHz: 100, steps: 8, stepMs: 15_000 } as const;
const STAIR_TITLE = 'Stair';
/** Where the seek clicks on the bar: the middle of step 5 (1700 Hz). */
const SEEK_FRACTION = 5.5 / STAIR.steps;

/** The searched track: four minutes of 880 Hz, so it is still playing when the others are queued. */
const SEARCHED = VIDEOS.fourMinutes;

/** The controls that must be in view and apart at every size, per page. */
const GUILD_LIST_CONTROLS = ['guild-card', 'theme-toggle', 'logout'];
const GUILD_PAGE_CONTROLS = ['now-playing-title', 'seek-bar', 'position', 'previous', 'pause|resume', 'skip', 'shuffle', 'clear', 'volume', 'loop', 'search-input', 'theme-toggle', 'logout'];

/** Counts CSP violations from the first byte of every document (an init script runs before the page's own). */
const CSP_PROBE = `window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`;

const run = promisify(execFile);


async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allTextContents()).map((t) => t.trim());
}

/** Polls a page until `probe` holds, with the page's state in the failure message. */
function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, probe, { timeoutMs, intervalMs: 50 });
}

async function numberIn(page: Page, expression: string): Promise<number> {
  const value: unknown = await page.evaluate(expression);
  if (typeof value !== 'number') throw new Error(`${expression} is ${JSON.stringify(value)}, not a number`);
  return value;
}

/**
 * The layout check: each control's box lies inside the viewport and no two boxes overlap. `a|b` names
 * alternatives (pause or resume, whichever the state shows). Boxes are in viewport coordinates, at the top.
 */
async function checkLayout(page: Page, testids: readonly string[], size: { width: number; height: number }, where: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  const boxes: { id: string; x: number; y: number; width: number; height: number }[] = [];
  for (const id of testids) {
    const choices = id.split('|').map((one) => page.getByTestId(one).first());
    let box: { x: number; y: number; width: number; height: number } | null = null;
    for (const c of choices) if (box === null && (await c.count()) > 0) box = await c.boundingBox();
    assert.ok(box !== null, `${where}: ${id} is on the page and visible`);
    assert.ok(box.width > 0 && box.height > 0, `${where}: ${id} has a size`);
    const eps = 0.5;
    assert.ok(box.x >= -eps && box.y >= -eps && box.x + box.width <= size.width + eps && box.y + box.height <= size.height + eps, `${where}: ${id} ${JSON.stringify(box)} is inside the ${size.width}×${size.height} viewport`);
    boxes.push({ id, ...box });
  }
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a === undefined || b === undefined) continue;
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      assert.ok(w <= 0.5 || h <= 0.5, `${where}: ${a.id} ${JSON.stringify(a)} and ${b.id} ${JSON.stringify(b)} overlap`);
    }
}

describe('dashboard: real Chromium against the real bot and the sandbox (log in, search, drag, skip, seek, live in a second browser)', function () {
  this.timeout(120_000);
  const redis = useRedis();
  let stage: Stage;
  let scene: ServiceScene;
  let origin: string;
  let browser: Browser;
  let a: BrowserContext;
  let b: BrowserContext;
  let pageA: Page;
  let pageB: Page;
  let guild: string;
  let guildPath: string;
  /** performance.now() when the skip to the stair was pressed: the stair's windows are counted from it. */
  let stairMark = 0;

  before(async function () {
    this.timeout(120_000);
    await redis.current.client().flushall();
    // The page the server serves: `make test` builds it first (make web); built here too for a lone run.
    const built = run(process.execPath, [path.join(ROOT, 'web', 'build.mjs')], { cwd: ROOT });
    stage = await Stage.start(redis.current, { services: true });
    scene = new ServiceScene(stage);
    guild = stage.guild.id;
    guildPath = `/dashboard/guilds/${guild}`;
    const dashboard = dashboardOn(stage.sandbox.oauth, await freePort());
    origin = dashboard.origin;
    await built;
    await stage.startBot({ ...BOT_ENV, ...dashboard.env });
    await mkdir(OUTPUT, { recursive: true });
    // launch() gives the browser a fresh temporary profile (user-data-dir) of its own, removed on close.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // The sandbox's Discord is HTTPS with its own test CA, which this browser does not know.
    a = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light', ignoreHTTPSErrors: true });
    b = await browser.newContext({ viewport: PHONE, colorScheme: 'dark', ignoreHTTPSErrors: true, isMobile: true, hasTouch: true });
    await a.addInitScript(CSP_PROBE);
    await b.addInitScript(CSP_PROBE);
    pageA = await a.newPage();
    pageB = await b.newPage();
  });
  after(async () => {
    await browser?.close();
    await stage?.stop();
  });
  Stage.dumpOnFailure(() => stage);

  /** Through the sandbox's consent page as the world's `member`-th human (0: the first, who sits in voice). */
  async function logIn(page: Page, member: number): Promise<void> {
    const first = await page.goto(`${origin}/dashboard/`);
    assert.ok(first !== null);
    await page.waitForURL((u) => u.pathname === '/oauth2/authorize');
    const options = await page.locator('#sandbox-user option').count();
    assert.ok(options > member, `the consent page offers ${options} members`);
    await page.locator('#sandbox-user').selectOption({ index: member });
    await page.locator('#authorize').click();
    await page.waitForURL(`${origin}/dashboard/`);
    await page.getByTestId('guild-card').first().waitFor();
  }

  it('logs in through the sandbox consent page, lists the guild, and opens it in both browsers', async () => {
    await logIn(pageA, 0);
    await logIn(pageB, 1);
    for (const page of [pageA, pageB]) {
      const card = page.locator(`[data-testid="guild-card"][data-guild="${guild}"]`);
      assert.equal(await card.count(), 1, 'the shared guild is listed');
      assert.match((await card.textContent()) ?? '', new RegExp(stage.guild.name));
      await card.click();
      await page.waitForURL(`${origin}${guildPath}`);
      await page.getByTestId('now-playing-title').waitFor();
      await until('the live stream', async () => (await page.getByTestId('connection').textContent()) === 'Live');
    }
    assert.equal((await pageA.getByTestId('now-playing-title').textContent())?.trim(), 'Nothing is playing');
    // B is not in a voice channel: the policy disables skip for B, and says why.
    assert.equal(await pageB.getByTestId('skip').getAttribute('aria-disabled'), 'true');
    assert.notEqual((await pageB.getByTestId('skip').getAttribute('title')) ?? '', '');
  });

  it('searches and adds a track: Redis has it, the sandbox hears its tone, B sees it playing', async () => {
    const mark = scene.mark();
    await pageA.getByTestId('search-input').fill(SEARCHED.title);
    await pageA.getByTestId('search-input').press('Enter');
    const result = pageA.getByTestId('search-result').filter({ hasText: SEARCHED.title }).first();
    await result.waitFor();
    await result.getByTestId('add').click();
    const queue = await until('the track in Redis', async () => {
      const q = await storedQueue(stage.db, guild);
      return q.length === 1 ? q : undefined;
    });
    assert.equal(queue[0]?.sourceId, SEARCHED.id);
    await scene.heardWindows(mark, [SEARCHED.hz], 45_000);
    for (const page of [pageA, pageB]) await until(`${page === pageA ? 'A' : 'B'} to show it playing`, async () => (await page.getByTestId('now-playing-title').textContent())?.trim() === SEARCHED.title);
  });

  it('drags the third track of Up next to first: Redis changes, and B sees the new order', async () => {
    // Made once per machine (ffmpeg takes seconds for two minutes of audio), served from the stage's fixture server.
    const made = await makeStair({ ...STAIR, dir: path.join(tmpdir(), 'hiqty-tone-cache') });
    const stair = path.join(stage.dir, 'tracks', path.basename(made));
    await mkdir(path.dirname(stair), { recursive: true });
    await copyFile(made, stair);
    const [low, high] = [await stage.tone(500, 60_000), await stage.tone(600, 60_000)];
    const tracks = [
      { id: 'dash-500', url: low, title: 'Tone 500', durationMs: 60_000 },
      { id: 'dash-600', url: high, title: 'Tone 600', durationMs: 60_000 },
      { id: 'dash-stair', url: stage.fixtures.url(path.basename(stair)), title: STAIR_TITLE, durationMs: STAIR.steps * STAIR.stepMs },
    ];
    // Queued straight into Redis, the public contract: the page learns of them through its stream.
    await stage.db.rpush(guildKeys(guild).playlist, ...tracks.map((t) => JSON.stringify(t)));
    const before = ['Tone 500', 'Tone 600', STAIR_TITLE];
    for (const page of [pageA, pageB]) await until('the three queued tracks on the page', async () => JSON.stringify(await texts(page.getByTestId('queue-title'))) === JSON.stringify(before));
    const items = pageA.getByTestId('queue-item');
    const indexes = await Promise.all([0, 1, 2].map((n) => items.nth(n).getAttribute('data-index')));
    assert.deepEqual(indexes, ['2', '3', '4'], 'Up next starts at queue index 2');

    await items.nth(2).dragTo(items.nth(0));
    const after = [STAIR_TITLE, 'Tone 500', 'Tone 600'];
    const stored = await until('Redis to hold the new order', async () => {
      const q = (await storedQueue(stage.db, guild)).map((t) => t.id);
      return q[1] === 'dash-stair' ? q : undefined;
    });
    assert.deepEqual(stored.slice(1), ['dash-stair', 'dash-500', 'dash-600'], 'the stair moved from index 4 to index 2; the current track stayed');
    assert.equal((await storedQueue(stage.db, guild))[0]?.sourceId, SEARCHED.id);
    for (const page of [pageA, pageB]) await until(`${page === pageA ? 'A' : 'B'} to show the new order`, async () => JSON.stringify(await texts(page.getByTestId('queue-title'))) === JSON.stringify(after));
  });

  it('skips: the next tone (the stair) is heard, and B shows it as now playing', async () => {
    stairMark = scene.mark();
    await pageA.getByTestId('skip').click();
    await scene.heardWindows(stairMark, [STAIR.firstHz], 45_000);
    assert.equal((await storedQueue(stage.db, guild))[0]?.id, 'dash-stair');
    for (const page of [pageA, pageB]) await until('the stair as now playing', async () => (await page.getByTestId('now-playing-title').textContent())?.trim() === STAIR_TITLE);
  });

  it('seeks by clicking the bar: the head starts there in Redis, the stair jumps to that step, and B sees the position', async () => {
    const bar = pageA.getByTestId('seek-bar');
    assert.equal(await bar.isEnabled(), true);
    const box = await bar.boundingBox();
    assert.ok(box !== null);
    const seekMark = scene.mark();
    // The steps heard before the click: a slow machine may be past the first one already.
    const heardBefore = stairSteps(stage, stairMark, seekMark);
    await bar.click({ position: { x: box.width * SEEK_FRACTION, y: box.height / 2 } });
    const startMs = await until('the seek in Redis (a head with startMs)', async () => {
      const head = (await storedQueue(stage.db, guild))[0];
      return head?.url.includes('stair') === true && head.startMs !== undefined && head.startMs > 0 ? head.startMs : undefined;
    });
    const target = stairHzAt(STAIR, startMs);
    assert.equal(target, STAIR.firstHz + 5 * STAIR.stepHz, `the click at ${SEEK_FRACTION} of the bar asked for ${startMs} ms`);
    await scene.heardWindows(seekMark, [target], 45_000);
    // A jump: after the click, only the step that was playing (or the one after it, at a boundary) and then the target.
    const lastBefore = Math.max(STAIR.firstHz, ...heardBefore);
    const after = stairSteps(stage, seekMark, Number.POSITIVE_INFINITY);
    const between = after.slice(0, after.indexOf(target));
    assert.ok(
      between.every((hz) => hz <= lastBefore + STAIR.stepHz),
      `from the step playing (${lastBefore} Hz) straight to ${target} Hz; heard after the click: ${JSON.stringify(after)}`,
    );
    for (const page of [pageA, pageB])
      await until(`${page === pageA ? 'A' : 'B'} to show the new position`, async () => Number(await page.getByTestId('seek-bar').inputValue()) >= startMs - 1000);
  });

  it('turns a filter preset on: Redis has it, and B shows it on', async () => {
    await pageA.getByTestId('filter-nightcore').click();
    await until('the filter in Redis', async () => (await stage.db.hget(guildKeys(guild).settings, 'filters'))?.includes('nightcore') === true);
    for (const page of [pageA, pageB]) {
      await until(`${page === pageA ? 'A' : 'B'} to show it on`, async () => (await page.getByTestId('filter-nightcore').getAttribute('aria-pressed')) === 'true');
      assert.match((await page.getByTestId('filters-current').textContent()) ?? '', /Nightcore/);
    }
  });

  it('writes screenshots in light and dark at 1280×800 and 390×844, with the main controls in view and apart', async () => {
    const page = pageA;
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const tag = `${size.width}x${size.height}-${scheme}`;
        await page.goto(`${origin}/dashboard/`);
        await page.getByTestId('guild-card').first().waitFor();
        await checkLayout(page, GUILD_LIST_CONTROLS, size, `guild list ${tag}`);
        await page.screenshot({ path: path.join(OUTPUT, `guilds-${tag}.png`) });
        await page.goto(`${origin}${guildPath}`);
        await until('the guild page, live', async () => (await page.getByTestId('connection').textContent()) === 'Live');
        await until('the stair on the guild page', async () => (await page.getByTestId('now-playing-title').textContent())?.trim() === STAIR_TITLE);
        await checkLayout(page, GUILD_PAGE_CONTROLS, size, `guild page ${tag}`);
        await page.screenshot({ path: path.join(OUTPUT, `guild-${tag}.png`) });
        await page.screenshot({ path: path.join(OUTPUT, `guild-${tag}-full.png`), fullPage: true });
      }
    }
    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ colorScheme: 'light' });
    // The toggle wins over the system's choice, and is remembered across a reload.
    const dark = async (): Promise<boolean> => (await page.locator('html').getAttribute('class'))?.includes('theme-dark') === true;
    await until('the page to follow the system back to light', async () => !(await dark()));
    await page.getByTestId('theme-toggle').click();
    assert.equal(await dark(), true);
    await page.reload();
    await page.getByTestId('now-playing-title').waitFor();
    assert.equal(await dark(), true, 'the dark choice survived a reload');
    await page.getByTestId('theme-toggle').click();
    assert.equal(await dark(), false);
    await writeFile(path.join(OUTPUT, 'README.txt'), 'Screenshots written by test/dashboard/browser.test.ts (guilds-* is the guild list, guild-* a guild page; -full is the whole page).\n');
  });

  it('reorders with the keyboard, removes, and shows the history: Redis follows, and so does B', async () => {
    const upNext = async (page: Page): Promise<string> => JSON.stringify(await texts(page.getByTestId('queue-title')));
    assert.equal(await upNext(pageA), JSON.stringify(['Tone 500', 'Tone 600']));
    await pageA.getByTestId('queue-item').first().getByTestId('move-down').focus();
    await pageA.keyboard.press('Enter');
    await until('Redis to hold 600 before 500', async () => JSON.stringify((await storedQueue(stage.db, guild)).map((t) => t.id).slice(1)) === JSON.stringify(['dash-600', 'dash-500']));
    await until('B to show 600 before 500', async () => (await upNext(pageB)) === JSON.stringify(['Tone 600', 'Tone 500']));
    await pageA.getByTestId('queue-item').nth(1).getByTestId('remove').click();
    await until('Redis without the 500', async () => {
      const q = await storedQueue(stage.db, guild);
      return q.length === 2 && q[1]?.id === 'dash-600';
    });
    await until('B without the 500', async () => (await upNext(pageB)) === JSON.stringify(['Tone 600']));
    await pageA.locator('.history summary').click();
    await until('the searched track in the history', async () => (await texts(pageA.getByTestId('history-item'))).some((t) => t.includes(SEARCHED.title)));
  });

  it('saves a setting from the admin form: Redis has it, and B shows it', async () => {
    await pageA.getByTestId('setting-max-queue').fill('50');
    await pageA.getByTestId('settings-save').click();
    await until('max_queue in Redis', async () => (await stage.db.hget(guildKeys(guild).settings, 'max_queue')) === '50');
    await until('B to show it', async () => (await pageB.getByTestId('setting-max-queue').inputValue()) === '50');
  });

  it('requeues from the quarantine: the entry goes back to the queue in Redis, and B sees it', async () => {
    // As the player sets an entry aside: what it was, why, and when (here one that decodes now).
    const raw = JSON.stringify({ id: 'dash-back', url: await stage.tone(700, 60_000), title: 'Tone 700' });
    await stage.db.rpush(guildKeys(guild).quarantine, JSON.stringify({ raw, reason: 'set aside by the test', at: Date.now(), source: 'playlist' }));
    const item = pageA.getByTestId('quarantine-item');
    await until('A to list the quarantined entry', async () => ((await item.count()) === 1 ? true : undefined));
    assert.match((await item.textContent()) ?? '', /set aside by the test/);
    await item.getByTestId('requeue').click();
    await until('the entry back in the queue', async () => (await storedQueue(stage.db, guild)).some((t) => t.id === 'dash-back'));
    assert.equal(await stage.db.llen(guildKeys(guild).quarantine), 0);
    await until('B to show it in Up next', async () => (await texts(pageB.getByTestId('queue-title'))).includes('Tone 700'));
  });

  it('runs no inline script: the CSP header is strict, the page has none, and one injected is blocked and reported', async () => {
    const response = await pageA.goto(`${origin}${guildPath}`);
    assert.ok(response !== null);
    const csp = response.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    await pageA.getByTestId('now-playing-title').waitFor();
    for (const page of [pageA, pageB]) {
      assert.equal(await numberIn(page, `document.querySelectorAll('script:not([src])').length`), 0, 'no inline <script> in the page');
      assert.equal(await numberIn(page, `document.querySelectorAll('[style]').length`), 0, 'no style= attribute in the page');
      assert.equal(await numberIn(page, 'window.__cspViolations.length'), 0, `no CSP violation so far: ${JSON.stringify(await page.evaluate('window.__cspViolations'))}`);
    }
    // The probe works: an inline script put in by hand is refused and counted.
    await pageA.evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.body.appendChild(s); })()`);
    await until('the injected script to be reported', async () => (await numberIn(pageA, 'window.__cspViolations.length')) > 0, 5_000);
    assert.equal(await pageA.evaluate('window.__inlineRan === undefined'), true, 'the inline script did not run');
  });

  it('an ended session sends the page to the login at its next request (a 401 from the API)', async () => {
    const sessions = await stage.db.keys(dashboardSessionKey('*'));
    assert.equal(sessions.length, 2, 'A and B each have a session');
    await stage.db.del(...sessions);
    await pageB.getByTestId('search-input').fill(SEARCHED.title);
    await pageB.getByTestId('search-input').press('Enter');
    await pageB.waitForURL((u) => u.pathname === '/oauth2/authorize');
  });
});

/** The stair's steps heard between two marks, in order, each once (runs of at least 3 windows of 200 ms). */
function stairSteps(stage: Stage, fromMs: number, toMs: number): number[] {
  const steps: number[] = [];
  let run: { hz: number; n: number } | undefined;
  const close = (): void => {
    if (run !== undefined && run.n >= 3 && steps[steps.length - 1] !== run.hz) steps.push(run.hz);
  };
  for (const w of stage.sandbox.voiceStats(stage.guild.id, { flush: false }).windows) {
    if (w.startMs < fromMs || w.startMs >= toMs || w.hz === undefined) continue;
    const step = Math.round((w.hz - STAIR.firstHz) / STAIR.stepHz);
    const hz = STAIR.firstHz + step * STAIR.stepHz;
    if (step < 0 || step >= STAIR.steps || Math.abs(w.hz - hz) > 10) continue;
    if (run?.hz === hz) run.n += 1;
    else {
      close();
      run = { hz, n: 1 };
    }
  }
  close();
  return steps;
}
