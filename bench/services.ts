/**
 * Service tracks (issue 12), against the local YouTube and SoundCloud fakes:
 * - cost per playing track, bench/cost.ts's method (N guilds playing long tracks, slope per track,
 *   ffmpeg counted): YouTube's Opus passthrough in ranged chunks (no ffmpeg) and SoundCloud's HLS AAC
 *   transcode (one ffmpeg), each beside the baseline playing the same media bytes with its ffmpeg per
 *   track (the usual approach without yt-dlp, which is not installed and could not reach the services);
 * - `/play` to first packet, cold and warm (bench/service-latency.ts).
 *
 * `make build && node dist/bench/services.js` runs this section alone at FULL (`--smoke`: SMOKE);
 * `make bench` runs it with the rest.
 */
import { measureCostInNewPlayer, type CostRun, type StartSubject } from './cost';
import { SERVICE_TRACKS, youtubeOpusUrl } from './service-fakes';
import { measureServiceLatency, serviceLatencyGuilds, type ServiceLatencyFigures } from './service-latency';
import { measureResume, type ResumeRow } from './resume-at';
import { measureAutocomplete, type AutocompleteFigures } from './autocomplete';
import { BenchStage } from './stage';
import { baselineSubject, hiqtySubject } from './subjects';
import { runProgram } from './program';
import { FULL, SMOKE, type BenchConfig } from './config';
import type { ServicesConfig } from './services-config';
import { servicesTables } from './report';

export interface ServiceFigures {
  /** Cost runs of kind `youtube` and `soundcloud`, hiqty and (when run) the baseline. */
  readonly cost: readonly CostRun[];
  readonly latency: ServiceLatencyFigures;
  /** The 240 s YouTube video started at 0 and at 3:00. */
  readonly resume: readonly ResumeRow[];
  /** `/play`'s autocomplete, keystroke to choices. */
  readonly autocomplete: AutocompleteFigures;
  /** What the baseline played for each kind, in words (the report prints it). */
  readonly baselinePlays: string;
}

/** The bench's knobs this section uses; `trackMs` is also how long SoundCloud's tones are. */
export type ServicesRunConfig = Pick<
  BenchConfig,
  'services' | 'baseline' | 'trackMs' | 'windowMs' | 'rssEveryMs' | 'settleMs' | 'rampTimeoutMs' | 'saturatedBusyPct' | 'saturatedLatePermille'
>;

/** Guilds the stage needs for this section. */
export function servicesGuilds(c: ServicesConfig): number {
  return Math.max(...c.youtubeCounts, ...c.soundcloudCounts, serviceLatencyGuilds(c));
}

/** The service tracks' cost runs (3a, 3b) alone, on a stage of their own (`make bench`: the sandbox in its own process). */
export async function measureServicesCost(stage: BenchStage, config: ServicesRunConfig, progress: (line: string) => void): Promise<CostRun[]> {
  const c = config.services;
  progress(`services cost: starting the YouTube and SoundCloud fakes (SoundCloud tones ${config.trackMs / 1000} s)`);
  const fakes = await stage.services(config.trackMs);
  const baselineUrls = {
    youtube: await youtubeOpusUrl(fakes.youtube, SERVICE_TRACKS.youtubeId),
    soundcloud: await stage.soundcloudPlaylist(fakes, SERVICE_TRACKS.soundcloud),
  };
  const cost: CostRun[] = [];
  const costOf = async (kind: 'youtube' | 'soundcloud', counts: readonly number[], url: string, start: StartSubject): Promise<void> => {
    cost.push(await measureCostInNewPlayer(stage, start, kind, { ...config, counts, url, progress }, 'services cost'));
  };
  await costOf('youtube', c.youtubeCounts, SERVICE_TRACKS.youtube, hiqtySubject);
  if (config.baseline) await costOf('youtube', c.youtubeCounts, baselineUrls.youtube, baselineSubject);
  await costOf('soundcloud', c.soundcloudCounts, SERVICE_TRACKS.soundcloud, hiqtySubject);
  if (config.baseline) await costOf('soundcloud', c.soundcloudCounts, baselineUrls.soundcloud, baselineSubject);
  return cost;
}

/** Every service part; `cost` given (measured on another stage by measureServicesCost) skips the cost runs. */
export async function measureServices(stage: BenchStage, config: ServicesRunConfig, progress: (line: string) => void, measuredCost?: readonly CostRun[]): Promise<ServiceFigures> {
  const c = config.services;
  const cost = measuredCost ?? (await measureServicesCost(stage, config, progress));
  progress(`services: starting the YouTube and SoundCloud fakes (SoundCloud tones ${config.trackMs / 1000} s)`);
  const fakes = await stage.services(config.trackMs);
  await stage.flush();
  progress(`services latency: ${c.coldPlays} cold plays (a fresh bot each) and ${c.warmPlays} warm plays per kind`);
  const latency = await measureServiceLatency(stage, fakes, {
    coldPlays: c.coldPlays,
    warmPlays: c.warmPlays,
    queries: { youtube: SERVICE_TRACKS.youtube, soundcloud: SERVICE_TRACKS.soundcloud, query: SERVICE_TRACKS.query },
    progress,
  });
  await stage.flush();
  progress(`services resume: the 240 s YouTube video from 0 and from 3:00, ${c.resumePlays} plays each`);
  const guild = stage.guilds[0];
  if (!guild) throw new Error('the sandbox has no guild');
  const resume = await measureResume(stage, fakes, guild, { plays: c.resumePlays, url: SERVICE_TRACKS.youtube, videoId: SERVICE_TRACKS.youtubeId, progress });
  await stage.flush();
  progress(`services autocomplete: "never gonna give you up" typed word by word, ${c.resumePlays} rounds, each prefix cold then warm`);
  const autocomplete = await measureAutocomplete(stage, guild, c.resumePlays);
  return {
    cost,
    latency,
    resume,
    autocomplete,
    baselinePlays:
      "YouTube: ffmpeg reads the fake googlevideo's WebM/Opus (itag 251) URL; SoundCloud: ffmpeg reads the fake's HLS AAC playlist and segments",
  };
}

async function main(): Promise<void> {
  const config = process.argv.includes('--smoke') ? SMOKE : FULL;
  const stage = await BenchStage.start(servicesGuilds(config.services));
  try {
    const figures = await measureServices(stage, config, (l) => console.error(l));
    console.log(servicesTables(figures));
  } finally {
    await stage.stop();
  }
}

if (require.main === module) runProgram(main);
