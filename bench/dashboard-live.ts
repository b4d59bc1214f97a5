/**
 * Issue 17: how soon a change made in one dashboard shows in another. Two members of a guild log in through
 * the sandbox's OAuth2; alice changes the volume through the dashboard's API while bob's page follows the
 * guild's event stream. Beside it, on the same changes, the usual approach of dashboards without a live
 * channel: a page that asks for the guild once a second.
 */
import { freePort } from '../src/state/server';
import { Browser, dashboardOn, field } from '../test/dashboard/browser';
import type { BenchStage } from './stage';
import { sleep, summarize, type Summary } from './stats';

export interface DashboardLiveConfig {
  /** Changes made, one at a time. */
  readonly changes: number;
  /** The polling page's period (ms). */
  readonly pollMs: number;
}

export const DASHBOARD_LIVE_FULL: DashboardLiveConfig = { changes: 30, pollMs: 1000 };
export const DASHBOARD_LIVE_SMOKE: DashboardLiveConfig = { changes: 3, pollMs: 1000 };

export interface DashboardLiveFigures {
  /** From alice's write being sent to bob's event stream carrying it (ms). */
  readonly streamMs: Summary;
  /** From the same write to the polling page first seeing it (ms). */
  readonly pollMs: Summary;
  readonly pollPeriodMs: number;
}

const volumeIn = (guildJson: unknown): unknown => field(guildJson, 'view', 'settings', 'volume');

/** Follows a guild's event stream, calling `onGuild` with each `event: guild` frame's JSON. */
async function follow(browser: Browser, url: string, onGuild: (guild: unknown) => void, signal: AbortSignal): Promise<void> {
  const cookie = [...browser.jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  const response = await fetch(new URL(url, browser.origin), { headers: { cookie, accept: 'text/event-stream' }, signal });
  if (response.status !== 200 || response.body === null) throw new Error(`the event stream answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = response.body.getReader();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const lines = frame.split('\n');
          if (!lines.includes('event: guild')) continue;
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          onGuild(JSON.parse(data));
        }
      }
    } catch {
      // aborted at the end of the measurement
    }
  })();
}

export async function measureDashboardLive(stage: BenchStage, c: DashboardLiveConfig): Promise<DashboardLiveFigures> {
  const guild = stage.guilds[0];
  if (guild === undefined) throw new Error('the bench stage has no guild');
  const [alice, bob] = guild.members;
  if (alice === undefined || bob === undefined) throw new Error('the bench guild needs two members');
  const { origin, env } = dashboardOn(stage.sandbox.oauth, await freePort());
  await stage.startBot(env);
  const stop = new AbortController();
  try {
    const writer = new Browser(origin);
    const csrf = await writer.loginForCsrf(alice.id);
    const watcher = new Browser(origin);
    await watcher.loginForCsrf(bob.id);
    const poller = new Browser(origin);
    await poller.loginForCsrf(bob.id);
    const url = `/dashboard/api/guilds/${guild.id}`;

    const seenByStream = new Map<unknown, number>();
    const seenByPoll = new Map<unknown, number>();
    await follow(watcher, `${url}/events`, (g) => {
      const v = volumeIn(g);
      if (!seenByStream.has(v)) seenByStream.set(v, performance.now());
    }, stop.signal);
    void (async () => {
      while (!stop.signal.aborted) {
        const answer = await poller.get(url).catch(() => undefined);
        const v = volumeIn(answer?.body);
        if (!seenByPoll.has(v)) seenByPoll.set(v, performance.now());
        await sleep(c.pollMs);
      }
    })();

    const stream: number[] = [];
    const poll: number[] = [];
    for (let i = 0; i < c.changes; i++) {
      // A random phase against the poller's period, as a change made by someone else would have.
      await sleep(Math.random() * c.pollMs);
      const volume = 30 + i;
      const sent = performance.now();
      const answer = await writer.write('POST', `${url}/volume`, csrf, { percent: volume });
      if (answer.status !== 200) throw new Error(`the volume change answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      const deadline = performance.now() + 10_000;
      while (!(seenByStream.has(volume) && seenByPoll.has(volume))) {
        if (performance.now() > deadline) throw new Error(`volume ${volume} was not seen in 10 s (stream: ${seenByStream.has(volume)}, poll: ${seenByPoll.has(volume)})`);
        await sleep(5);
      }
      stream.push((seenByStream.get(volume) ?? NaN) - sent);
      poll.push((seenByPoll.get(volume) ?? NaN) - sent);
    }
    return { streamMs: summarize(stream), pollMs: summarize(poll), pollPeriodMs: c.pollMs };
  } finally {
    stop.abort();
    await stage.stopBots();
  }
}
