/**
 * The Sentinel failover scenario shared by test/player/redis-failover.test.ts and `make bench` (section 13):
 * a primary, a replica and three Sentinels (real redis-server processes), two hiqty instances in Sentinel
 * mode playing one tone per guild, members' enqueues running through it all, and a SIGKILL of the primary.
 * It measures; the callers decide what to assert.
 */
import { Redis } from 'ioredis';
import { systemClock } from '../../src/clock';
import { demoGuilds, type GuildSpec } from '../../src/sandbox/world';
import { guildKeys, GuildStore, newTrackId } from '../../src/state';
import { startPrimaryReplica, startSentinels, type Sentinels } from './redis-topology';
import type { TestRedis } from './redis';
import { endpointTestRedis } from './topology-stage';
import { framesOf, Stage } from './stage';
import { waitFor } from './wait';

export interface FailoverOptions {
  readonly guilds: number;
  readonly lockTtlMs: number;
  /** Each guild's tone; the kill comes once every guild has played killAfterMs of it. */
  readonly toneMs: number;
  readonly killAfterMs: number;
  /** HIQTY_REDIS_WAIT_MS of the bots (default: theirs, 250). */
  readonly waitMs?: number;
  /** Called with the stage once it exists (a test prints its bots' logs on failure). */
  readonly onStage?: (stage: Stage) => void;
}

export interface GuildFailoverFigures {
  readonly guild: string;
  readonly hz: number;
  /** The longest silence after the kill (ms; 0 when no gap over 60 ms). */
  readonly interruptionMs: number;
  /** Heard minus the tone's length, in ms: + replayed, - skipped. */
  readonly positionErrorMs: number;
  /** The longest stretch two sessions sent into the guild at once (the sandbox's longestOverlapMs). */
  readonly longestOverlapMs: number;
  /** Instances that sent audio into the guild. */
  readonly sessions: number;
}

export interface FailoverFigures {
  /** From the SIGKILL to the Sentinels naming the replica as primary (and it saying so). */
  readonly failoverMs: number;
  readonly promotedReplica: boolean;
  readonly guilds: readonly GuildFailoverFigures[];
  /** Enqueues acknowledged (GuildStore.enqueue, as /play acknowledges them), in order. */
  readonly acknowledged: number;
  /** How many of them were acknowledged before the kill, and after it (by the new primary). */
  readonly acknowledgedBeforeKill: number;
  readonly acknowledgedAfterKill: number;
  /** Acknowledged enqueues missing from the queue afterwards, with their index in `acknowledged` order. */
  readonly lost: readonly number[];
}

const TONES = [440, 550, 660, 770, 880, 990] as const;

/** A client of the current primary, found through the Sentinels and following failovers. */
export function sentinelClient(sentinels: Sentinels): Redis {
  const client = new Redis({
    sentinels: sentinels.nodes.map((n) => ({ host: n.host, port: n.port })),
    name: sentinels.name,
    role: 'master',
    failoverDetector: true,
    maxRetriesPerRequest: 20,
    // A command stuck on a dead primary's socket fails and the enqueue loop tries the next one.
    commandTimeout: 2000,
  });
  client.on('error', () => undefined);
  return client;
}

export async function runFailover(o: FailoverOptions): Promise<FailoverFigures> {
  const topology = await startPrimaryReplica({ persistence: true });
  let stage: Stage | undefined;
  let testRedis: TestRedis | undefined;
  try {
    const sentinels = await startSentinels(topology, { downAfterMs: 1000, failoverTimeoutMs: 5000 });
    const guilds = demoGuilds(o.guilds);
    const first = sentinels.nodes[0];
    if (!first) throw new Error('no Sentinel');
    // The stage's clients follow the failover as hiqty does; a command stuck on the dead primary's socket
    // fails after 2 s, so the enqueue loop tries the next one.
    const redis = endpointTestRedis(sentinels.endpoint(), first.port, { maxRetriesPerRequest: 20, commandTimeout: 2000 });
    testRedis = redis;
    stage = await Stage.start(redis, {
      sandbox: { guilds },
      env: {
        REDIS_URL: undefined,
        ...sentinels.env(),
        HIQTY_LOCK_TTL_MS: String(o.lockTtlMs),
        ...(o.waitMs === undefined ? {} : { HIQTY_REDIS_WAIT_MS: String(o.waitMs) }),
      },
    });
    o.onStage?.(stage);
    const s = stage;
    await Promise.all([s.startBot(), s.startBot()]);
    const hzOf = (i: number): number => TONES[i % TONES.length] ?? 440;
    const tones = await Promise.all(guilds.map((_, i) => s.tone(hzOf(i), o.toneMs)));
    await Promise.all(guilds.map((g, i) => s.play([tones[i] ?? ''], g)));
    const minFrames = o.killAfterMs / 20;
    await Promise.all(
      guilds.map((g, i) => waitFor(`${o.killAfterMs} ms of ${hzOf(i)} Hz in ${g.id}`, () => framesOf(s.segments(g), hzOf(i)) >= minFrames, { timeoutMs: 30_000, intervalMs: 50 })),
    );

    // Members' enqueues keep coming through the failover, acknowledged as /play acknowledges them.
    const store = new GuildStore(s.db, systemClock);
    const ackGuild = 'acked-writes';
    const acknowledged: string[] = [];
    let enqueuing = true;
    const enqueues = (async () => {
      while (enqueuing) {
        const id = newTrackId();
        try {
          const r = await store.enqueue(ackGuild, [{ id, url: 'https://example.com/x.ogg' }]);
          if (r.kind === 'enqueued') acknowledged.push(id);
        } catch {
          // Not acknowledged: the member would have seen an error.
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await waitFor('a few acknowledged enqueues', () => acknowledged.length >= 5, { timeoutMs: 10_000 });

    const killedAt = performance.now();
    const acknowledgedBeforeKill = acknowledged.length;
    await topology.kill(topology.primary, 'SIGKILL');
    const promoted = await sentinels.waitForPrimary({ not: topology.primary, timeoutMs: 30_000 });
    const failoverMs = performance.now() - killedAt;
    // The test process's own client must follow too; if it does not within 30 s, the figures say so
    // (acknowledgedAfterKill 0) instead of failing the whole run: the guilds are what is measured.
    await waitFor('enqueues acknowledged by the new primary', () => acknowledged.length >= acknowledgedBeforeKill + 5, { timeoutMs: 30_000 }).catch(() => undefined);
    enqueuing = false;
    await enqueues;

    await Promise.all(
      guilds.map((g) =>
        waitFor(`the track of ${g.id} to finish`, async () => (await s.db.llen(guildKeys(g.id).playlist)) === 0, {
          timeoutMs: 2 * o.lockTtlMs + failoverMs + o.toneMs + 20_000,
          intervalMs: 100,
        }),
      ),
    );
    const queued = new Set((await s.db.lrange(guildKeys(ackGuild).playlist, 0, -1)).map(idOf));
    const lost = acknowledged.flatMap((id, i) => (queued.has(id) ? [] : [i]));
    return {
      failoverMs,
      promotedReplica: promoted === topology.replica,
      guilds: guilds.map((g, i) => figuresOf(s, g, hzOf(i), o.toneMs, killedAt)),
      acknowledged: acknowledged.length,
      acknowledgedBeforeKill,
      acknowledgedAfterKill: acknowledged.length - acknowledgedBeforeKill,
      lost,
    };
  } finally {
    await stage?.stop();
    await testRedis?.close();
    await topology.stop();
  }
}

function idOf(raw: string): string {
  const parsed: unknown = JSON.parse(raw);
  return typeof parsed === 'object' && parsed !== null && 'id' in parsed && typeof parsed.id === 'string' ? parsed.id : '';
}

function figuresOf(stage: Stage, guild: GuildSpec, hz: number, toneMs: number, killedAt: number): GuildFailoverFigures {
  const stats = stage.sandbox.voiceStats(guild.id, { flush: true });
  return {
    guild: guild.id,
    hz,
    interruptionMs: stats.gaps.filter((g) => g.atMs > killedAt).reduce((max, g) => Math.max(max, g.ms), 0),
    positionErrorMs: (framesOf(stats.segments, hz) - toneMs / 20) * 20,
    longestOverlapMs: stats.longestOverlapMs,
    sessions: Object.keys(stats.framesBySession).length,
  };
}
