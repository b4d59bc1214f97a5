/**
 * Recovery, with two bots at a time (the pattern of test/player/failover.test.ts):
 * - crash: SIGKILL the instance playing a guild; time until the other instance's first packet in that
 *   guild, and the position error (frames heard in total minus the track's frames: + replayed, − lost);
 * - rollout: SIGTERM the instance playing the first of two tracks; it plays that track to its end and
 *   hands the guild over; the gap is from its last packet to the other instance's first.
 * After every try a new bot replaces the one that went, so each try starts with two.
 */
import type { GuildSpec } from '../src/sandbox';
import { guildKeys } from '../src/state';
import { waitFor } from '../test/support/wait';
import type { Bot, BenchStage } from './stage';
import { summarize, type Summary } from './stats';

export interface RecoveryFigures {
  readonly lockTtlMs: number;
  readonly crash: { readonly resumeMs: Summary; readonly positionErrorMs: Summary; readonly tries: readonly { resumeMs: number; positionErrorMs: number }[] };
  readonly rollout: { readonly gapMs: Summary; readonly tries: readonly number[] };
}

export interface RecoveryOptions {
  readonly tries: number;
  readonly lockTtlMs: number;
  readonly crashUrl: string;
  readonly crashTrackMs: number;
  readonly crashAfterMs: number;
  readonly rolloutUrls: readonly [string, string];
  readonly rolloutAfterMs: number;
  readonly progress: (line: string) => void;
}

export async function measureRecovery(stage: BenchStage, o: RecoveryOptions): Promise<RecoveryFigures> {
  if (stage.guilds.length < o.tries * 2) throw new Error(`recovery needs ${o.tries * 2} guilds`);
  const env = { HIQTY_LOCK_TTL_MS: String(o.lockTtlMs) };
  const bots = new Set<Bot>(await Promise.all([stage.startBot(env), stage.startBot(env)]));
  const crashes: { resumeMs: number; positionErrorMs: number }[] = [];
  const gaps: number[] = [];
  for (let i = 0; i < o.tries; i++) {
    const guild = stage.guilds[i];
    if (!guild) break;
    const r = await crashTry(stage, guild, bots, env, o);
    crashes.push(r);
    o.progress(`  crash ${i + 1}/${o.tries}: resumed after ${r.resumeMs.toFixed(0)} ms, position error ${r.positionErrorMs} ms`);
  }
  for (let i = 0; i < o.tries; i++) {
    const guild = stage.guilds[o.tries + i];
    if (!guild) break;
    const gap = await rolloutTry(stage, guild, bots, env, o);
    gaps.push(gap);
    o.progress(`  rollout ${i + 1}/${o.tries}: hand-over gap ${gap.toFixed(0)} ms`);
  }
  await stage.stopBots();
  return {
    lockTtlMs: o.lockTtlMs,
    crash: { resumeMs: summarize(crashes.map((c) => c.resumeMs)), positionErrorMs: summarize(crashes.map((c) => c.positionErrorMs)), tries: crashes },
    rollout: { gapMs: summarize(gaps), tries: gaps },
  };
}

/** The bot whose instance id is in the guild's lock. */
async function owner(stage: BenchStage, guild: GuildSpec, bots: ReadonlySet<Bot>): Promise<Bot> {
  return waitFor(`a lock holder in ${guild.id}`, async () => {
    const lock = await stage.db.get(guildKeys(guild.id).player_lock);
    return [...bots].find((b) => lock?.startsWith(`${b.instance}:`));
  });
}

/** The one session that has sent audio to the guild so far. */
function onlySession(stage: BenchStage, guild: GuildSpec): string {
  const sessions = Object.keys(stage.sandbox.voiceStats(guild.id, { flush: false }).framesBySession);
  if (sessions.length !== 1 || sessions[0] === undefined) throw new Error(`expected one sending session in ${guild.id}, saw ${sessions.length}`);
  return sessions[0];
}

/** Arrival of the first packet from any session but `other`, once a window of it is complete. */
function firstFromAnother(stage: BenchStage, guild: GuildSpec, other: string): number | undefined {
  const starts = stage.sandbox
    .voiceStats(guild.id, { flush: false })
    .windows.filter((w) => w.sessionId !== other)
    .map((w) => w.startMs);
  return starts.length > 0 ? Math.min(...starts) : undefined;
}

async function crashTry(stage: BenchStage, guild: GuildSpec, bots: Set<Bot>, env: NodeJS.ProcessEnv, o: RecoveryOptions): Promise<{ resumeMs: number; positionErrorMs: number }> {
  stage.resetAudio([guild]);
  await stage.play([guild], [o.crashUrl]);
  await waitFor(`${o.crashAfterMs} ms of audio in ${guild.id}`, () => stage.sandbox.voiceStats(guild.id, { flush: false }).frames >= o.crashAfterMs / 20, { timeoutMs: 20_000 });
  const victim = await owner(stage, guild, bots);
  const victimSession = onlySession(stage, guild);
  const killedAt = performance.now();
  victim.program.child.kill('SIGKILL');
  bots.delete(victim);
  const replacement = stage.startBot(env);
  const resumedAt = await waitFor(`audio from another session in ${guild.id}`, () => firstFromAnother(stage, guild, victimSession), { timeoutMs: o.lockTtlMs + 15_000 });
  await waitFor(`the track to finish in ${guild.id}`, async () => (await stage.db.llen(guildKeys(guild.id).playlist)) === 0, { timeoutMs: o.crashTrackMs + 15_000, intervalMs: 50 });
  const frames = stage.sandbox.voiceStats(guild.id).frames;
  bots.add(await replacement);
  return { resumeMs: resumedAt - killedAt, positionErrorMs: (frames - Math.round(o.crashTrackMs / 20)) * 20 };
}

async function rolloutTry(stage: BenchStage, guild: GuildSpec, bots: Set<Bot>, env: NodeJS.ProcessEnv, o: RecoveryOptions): Promise<number> {
  stage.resetAudio([guild]);
  await stage.play([guild], o.rolloutUrls);
  await waitFor(`${o.rolloutAfterMs} ms of audio in ${guild.id}`, () => stage.sandbox.voiceStats(guild.id, { flush: false }).frames >= o.rolloutAfterMs / 20, { timeoutMs: 20_000 });
  const old = await owner(stage, guild, bots);
  const oldSession = onlySession(stage, guild);
  old.program.child.kill('SIGTERM');
  bots.delete(old);
  const replacement = stage.startBot(env);
  const firstNew = await waitFor(`the next track from another session in ${guild.id}`, () => firstFromAnother(stage, guild, oldSession), { timeoutMs: 30_000 });
  const oldEnd = Math.max(...stage.sandbox.voiceStats(guild.id).windows.filter((w) => w.sessionId === oldSession).map((w) => w.endMs));
  await stage.stopGuilds([guild]);
  await waitFor(`${old.instance} to exit after its drain`, () => !old.program.alive(), { timeoutMs: 15_000 }).catch(() => old.program.child.kill('SIGKILL'));
  bots.add(await replacement);
  return firstNew - oldEnd;
}
