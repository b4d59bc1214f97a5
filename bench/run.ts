/**
 * `make bench`: the real bot (and the usual-approach baseline) against the local Discord sandbox,
 * with a real redis-server and ffmpeg. Progress goes to stderr; the table to stdout; the JSON to
 * bench/results/latest.json. `runBench(SMOKE)` is the same pipeline in seconds, for `make test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { measureCostInNewPlayer, type CostRun, type StartSubject } from './cost';
import { measureDave } from './dave';
import { measurePacketPath } from './packet-path';
import { FULL, SMOKE, type BenchConfig, type CostConfig } from './config';
import { herdGuilds, herdUrls, measureHerd, type HerdFigures } from './herd';
import { measureIdle } from './idle';
import { measureLatency } from './latency';
import { measureDashboardLive } from './dashboard-live';
import { measureRedisFailover } from './redis-failover';
import { measureMetadata } from './metadata';
import { runReactions } from './reactions';
import { ROOT } from './procs';
import { measureRecovery } from './recovery';
import { measureServices, measureServicesCost, servicesGuilds } from './services';
import { measureStall, type StallFigures } from './stall';
import { evaluateTargets14 } from './report-engine';
import { evaluateTargets, machine, renderReport, type Report } from './report';
import { BenchStage } from './stage';
import { baselineSubject, hiqtySubject } from './subjects';
import { runProgram } from './program';

export type Progress = (line: string) => void;

export async function runBench(config: BenchConfig, progress: Progress = (l) => console.error(l)): Promise<Report> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const host = machine();
  const maxCount = Math.max(...config.passthrough.counts, ...config.transcode.counts);
  // Cost, herd and stall steps: the sandbox in a process of its own, verifying a sample of windows.
  const costStage = await BenchStage.start(
    Math.max(maxCount, herdGuilds(config.herd), config.stall.guilds, ...config.services.youtubeCounts, ...config.services.soundcloudCounts, 1),
    {},
    config.dave,
    { in: 'process', verify: config.verify },
  );
  const cost: CostRun[] = [];
  let herd: HerdFigures;
  let stall: StallFigures;
  let servicesCost: CostRun[];
  try {
    progress('making tone tracks');
    const [passUrl, transUrl] = await Promise.all([costStage.tone(440, config.trackMs, 'ogg-opus'), costStage.tone(660, config.trackMs, 'mp3')]);
    const costOf = async (kind: CostRun['kind'], c: CostConfig, url: string, start: StartSubject): Promise<void> => {
      cost.push(await measureCostInNewPlayer(costStage, start, kind, { ...config, counts: c.counts, url, progress }, 'cost'));
    };
    await costOf('passthrough', config.passthrough, passUrl, hiqtySubject);
    if (config.baseline) await costOf('passthrough', { counts: config.passthrough.counts.filter((n) => n <= config.baselineMaxGuilds) }, passUrl, baselineSubject);
    await costOf('transcode', config.transcode, transUrl, hiqtySubject);
    if (config.baseline) await costOf('transcode', config.transcode, transUrl, baselineSubject);

    progress(`stall: ${config.stall.guilds} guilds over ${config.stall.windowMs / 1000} s`);
    stall = await measureStall(costStage, config.stall, { ...config, url: passUrl, progress });

    progress(`herd: ${config.herd.steady} guilds playing, then ${config.herd.shapes.map((s) => `${s.herd} ${s.format}`).join(' / ')} started at once, paced and unpaced`);
    herd = await measureHerd(costStage, config.herd, await herdUrls(costStage, config.herd.trackMs), progress);

    servicesCost = await measureServicesCost(costStage, config, progress);
  } finally {
    await costStage.stop();
  }

  const stage = await BenchStage.start(
    Math.max(config.latencyPlays * 2, config.recoveryTries * 2, servicesGuilds(config.services), 1),
    {},
    config.dave,
  );
  let main: Omit<Report, 'dave' | 'packetPath' | 'redisFailover' | 'seconds'>;
  try {
    const [passUrl, transUrl, crashUrl, rollA, rollB] = await Promise.all([
      stage.tone(440, config.trackMs, 'ogg-opus'),
      stage.tone(660, config.trackMs, 'mp3'),
      stage.tone(440, config.crashTrackMs, 'ogg-opus'),
      stage.tone(440, config.rolloutTrackMs, 'ogg-opus'),
      stage.tone(660, config.rolloutTrackMs, 'ogg-opus'),
    ]);
    progress(`latency: ${config.latencyPlays} plays each`);
    const latency = await measureLatency(stage, { plays: config.latencyPlays, passthroughUrl: passUrl, transcodeUrl: transUrl, progress });

    const services = await measureServices(stage, config, progress, servicesCost);

    await stage.flush();
    progress(`recovery: ${config.recoveryTries} crashes and ${config.recoveryTries} rollouts, lock TTL ${config.lockTtlMs} ms`);
    const recovery = await measureRecovery(stage, {
      tries: config.recoveryTries,
      lockTtlMs: config.lockTtlMs,
      crashUrl,
      crashTrackMs: config.crashTrackMs,
      crashAfterMs: config.crashAfterMs,
      rolloutUrls: [rollA, rollB],
      rolloutAfterMs: config.rolloutAfterMs,
      progress,
    });

    progress(`idle: ${config.idleGuilds} guilds, ${config.idleWindowMs / 1000} s`);
    const idle = await measureIdle(stage, { guilds: config.idleGuilds, resyncMs: config.idleResyncMs, windowMs: config.idleWindowMs, progress });

    progress(`metadata: a 100-track Spotify playlist resolved ${config.metadata.rounds} times cold and cached`);
    const metadata = await measureMetadata(stage.db, config.metadata);

    progress(`dashboard: ${config.dashboardLive.changes} changes made in one dashboard, seen live by another and by a page polling every ${config.dashboardLive.pollMs} ms`);
    const dashboardLive = await measureDashboardLive(stage, config.dashboardLive);

    progress(`reactions: ${config.reactions.tries} tries each of lease loss, skip, stop, track gap and SIGTERM, on a stage of their own`);
    const reactions = await runReactions(config.reactions, progress, config.dave);

    main = {
      startedAt,
      machine: host,
      cost,
      latency,
      services,
      recovery,
      idle,
      herd,
      reactions,
      metadata,
      dashboardLive,
      stall,
      targets: evaluateTargets(cost, latency, recovery, config.passthrough.counts.includes(100) ? 100 : Math.max(...config.passthrough.counts)),
      targets14: evaluateTargets14(cost, stall, herd, idle),
    };
  } finally {
    await stage.stop();
  }
  // After the main stage has stopped: its sandbox and bots would share the cores with these.
  const dave = await measureDave(config, progress);
  progress(`packet path: ${config.packetPath.rounds} rounds of ${config.packetPath.packets} packets over ${config.packetPath.guilds} connections, library vs own`);
  const packetPath = await measurePacketPath(config.packetPath);
  // Its own topology, sandbox and bots, after every other stage has stopped.
  const redisFailover = await measureRedisFailover(config.redisFailover, progress);
  return { ...main, dave, packetPath, redisFailover, seconds: (performance.now() - started) / 1000 };
}

export function writeReport(report: Report, file = path.join(ROOT, 'bench', 'results', 'latest.json')): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const config = process.argv.includes('--smoke') ? SMOKE : FULL;
  const report = await runBench(config);
  const file = writeReport(report);
  console.log(renderReport(report));
  console.error(`written to ${path.relative(process.cwd(), file)}`);
}

if (require.main === module) runProgram(main);
