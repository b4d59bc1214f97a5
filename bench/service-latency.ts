/**
 * `/play` to first packet for service tracks: a YouTube link, a SoundCloud link and a text query,
 * through the sandbox's slash command, timed to the first audio packet of the guild at the sandbox
 * (bench/latency.ts's method).
 *
 * "Cold" is what a member sees first: a bot process just started (no YouTube session, no SoundCloud
 * client_id memo), Redis flushed (no shared tokens, no search cache) and a guild whose channel the bot
 * is not in; so each cold play costs a bot start, outside the timing. "Warm": one bot already in the
 * channel (idle after an earlier play of the same thing there), the tokens in Redis and, for the query,
 * its search results cached. SoundCloud client_id scrapes (requests for soundcloud.com's page) are
 * counted per kind, so the table shows a cold play really scraped and a warm one did not.
 */
import type { GuildSpec } from '../src/sandbox';
import { waitFor } from '../test/support/wait';
import type { BenchStage } from './stage';
import type { BenchServices } from './service-fakes';
import { summarize, type Summary } from './stats';

export const SERVICE_PLAY_KINDS = ['youtube', 'soundcloud', 'query'] as const;
export type ServicePlayKind = (typeof SERVICE_PLAY_KINDS)[number];

export interface ServiceLatencyRow {
  readonly cold: Summary;
  readonly warm: Summary;
  /** soundcloud.com page requests per play (client_id scrapes): 1 per cold SoundCloud play, 0 warm. */
  readonly scrapesPerCold: number;
  readonly scrapesPerWarm: number;
}

export type ServiceLatencyFigures = Readonly<Record<ServicePlayKind, ServiceLatencyRow>>;

export interface ServiceLatencyOptions {
  readonly coldPlays: number;
  readonly warmPlays: number;
  /** What `/play query:` gets for each kind. */
  readonly queries: Readonly<Record<ServicePlayKind, string>>;
  readonly progress: (line: string) => void;
}

/** Guilds the section uses: a fresh one per cold play, and one per kind for every warm play. */
export function serviceLatencyGuilds(o: Pick<ServiceLatencyOptions, 'coldPlays' | 'warmPlays'>): number {
  return SERVICE_PLAY_KINDS.length * (o.coldPlays + o.warmPlays);
}

export async function measureServiceLatency(stage: BenchStage, fakes: BenchServices, o: ServiceLatencyOptions): Promise<ServiceLatencyFigures> {
  const need = serviceLatencyGuilds(o);
  if (stage.guilds.length < need) throw new Error(`service latency needs ${need} guilds, the sandbox has ${stage.guilds.length}`);
  let next = 0;
  const take = (n: number): GuildSpec[] => stage.guilds.slice(next, (next += n));
  const cold = new Map<ServicePlayKind, number[]>(SERVICE_PLAY_KINDS.map((k) => [k, []]));
  const coldScrapes = new Map<ServicePlayKind, number>(SERVICE_PLAY_KINDS.map((k) => [k, 0]));
  // Kinds interleaved, so a slow spell of the machine does not land on one kind only.
  for (let i = 0; i < o.coldPlays; i++) {
    for (const kind of SERVICE_PLAY_KINDS) {
      const [guild] = take(1);
      if (!guild) throw new Error('no guild left');
      await stage.flush();
      await stage.startBot();
      const scrapes = fakes.soundcloud.scrapes();
      cold.get(kind)?.push(await playOnce(stage, guild, o.queries[kind]));
      coldScrapes.set(kind, (coldScrapes.get(kind) ?? 0) + fakes.soundcloud.scrapes() - scrapes);
      await stage.stopBots();
    }
  }

  await stage.flush();
  // The bot must stay in the channels between plays.
  await stage.startBot({ HIQTY_IDLE_TIMEOUT_MS: String(30 * 60_000) });
  const warm = new Map<ServicePlayKind, number[]>();
  const warmScrapes = new Map<ServicePlayKind, number>();
  for (const kind of SERVICE_PLAY_KINDS) {
    const guilds = take(o.warmPlays);
    // Untimed: joins each channel and fetches the tokens (and caches the query's results).
    for (const guild of guilds) await playOnce(stage, guild, o.queries[kind]);
    const scrapes = fakes.soundcloud.scrapes();
    const times: number[] = [];
    for (const guild of guilds) times.push(await playOnce(stage, guild, o.queries[kind]));
    warm.set(kind, times);
    warmScrapes.set(kind, fakes.soundcloud.scrapes() - scrapes);
  }
  await stage.stopBots();

  const row = (kind: ServicePlayKind): ServiceLatencyRow => ({
    cold: summarize(cold.get(kind) ?? []),
    warm: summarize(warm.get(kind) ?? []),
    scrapesPerCold: (coldScrapes.get(kind) ?? 0) / Math.max(1, o.coldPlays),
    scrapesPerWarm: (warmScrapes.get(kind) ?? 0) / Math.max(1, o.warmPlays),
  });
  const figures: ServiceLatencyFigures = { youtube: row('youtube'), soundcloud: row('soundcloud'), query: row('query') };
  for (const kind of SERVICE_PLAY_KINDS) o.progress(`  ${kind}: p50 cold ${figures[kind].cold.p50.toFixed(0)} ms, warm ${figures[kind].warm.p50.toFixed(0)} ms`);
  return figures;
}

/** One `/play` by the guild's first member, in its first voice channel; the guild is stopped again once heard. */
async function playOnce(stage: BenchStage, guild: GuildSpec, query: string): Promise<number> {
  stage.resetAudio([guild]);
  const user = guild.members[0];
  const channel = guild.voiceChannels[0];
  if (!user || !channel) throw new Error(`guild ${guild.id} has no member or voice channel`);
  stage.sandbox.joinVoice(guild.id, user.id, channel.id);
  let reply = '(no reply yet)';
  const sentAt = performance.now();
  // The answer may come before or after the audio; only the audio is timed. The reply is kept for the error.
  void stage.sandbox.command(guild.id, user.id, 'play', { query }).then(
    (view) => (reply = JSON.stringify({ content: view.content, embeds: view.embeds, errors: view.errors }).slice(0, 600)),
    (err: unknown) => (reply = `command failed: ${String(err)}`),
  );
  const first = await waitFor(`the first packet in guild ${guild.id} for /play ${query} (reply: ${reply})`, () => stage.sandbox.voiceStats(guild.id, { flush: false }).firstPacketAtMs, {
    timeoutMs: 15_000,
    intervalMs: 2,
  }).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; reply: ${reply}`);
  });
  const ms = first - sentAt;
  await stage.stopGuilds([guild]);
  await stage.quiet([guild], 60, 3000);
  return ms;
}
