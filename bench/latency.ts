/**
 * Command to first packet: the time from a play to the first audio packet of its guild at the
 * sandbox, both clocks being this process's performance.now(). "Cold": the bot is not in the voice
 * channel yet (the time includes the voice join); "warm": it is, idle after an earlier track.
 * The play is the `/play` slash command when the bot registered one, otherwise the Redis write of
 * the desired state (RPUSH, channel, `playing` in one MULTI): `via` says which was measured.
 */
import type { GuildSpec } from '../src/sandbox';
import { waitFor } from '../test/support/wait';
import type { BenchStage } from './stage';
import { summarize, type Summary } from './stats';

export interface LatencyFigures {
  readonly via: 'slash command' | 'redis write';
  readonly passthrough: { readonly cold: Summary; readonly warm: Summary };
  readonly transcode: { readonly cold: Summary; readonly warm: Summary };
}

export interface LatencyOptions {
  readonly plays: number;
  readonly passthroughUrl: string;
  readonly transcodeUrl: string;
  readonly progress: (line: string) => void;
}

export async function measureLatency(stage: BenchStage, o: LatencyOptions): Promise<LatencyFigures> {
  // The bot must still be in the channel for the warm plays, so it may not leave while idle.
  await stage.startBot({ HIQTY_IDLE_TIMEOUT_MS: String(30 * 60_000) });
  const viaCommand = ['global', ...stage.guilds.map((g) => g.id)].some((scope) => stage.sandbox.registeredCommands(scope).some((c) => c.name === 'play'));
  const via: LatencyFigures['via'] = viaCommand ? 'slash command' : 'redis write';
  o.progress(`  latency measured from the ${via}`);
  const need = o.plays * 2;
  if (stage.guilds.length < need) throw new Error(`latency needs ${need} guilds, the sandbox has ${stage.guilds.length}`);
  const pass = stage.guilds.slice(0, o.plays);
  const trans = stage.guilds.slice(o.plays, need);
  const passCold = await plays(stage, pass, o.passthroughUrl, viaCommand);
  const transCold = await plays(stage, trans, o.transcodeUrl, viaCommand);
  const passWarm = await plays(stage, pass, o.passthroughUrl, viaCommand);
  const transWarm = await plays(stage, trans, o.transcodeUrl, viaCommand);
  await stage.stopBots();
  const figures = {
    via,
    passthrough: { cold: summarize(passCold), warm: summarize(passWarm) },
    transcode: { cold: summarize(transCold), warm: summarize(transWarm) },
  };
  o.progress(`  passthrough p50 cold ${figures.passthrough.cold.p50.toFixed(0)} ms warm ${figures.passthrough.warm.p50.toFixed(0)} ms; transcode p50 cold ${figures.transcode.cold.p50.toFixed(0)} ms warm ${figures.transcode.warm.p50.toFixed(0)} ms`);
  return figures;
}

/** One play per guild, one after the other; each guild is stopped again once heard. */
async function plays(stage: BenchStage, guilds: readonly GuildSpec[], url: string, viaCommand: boolean): Promise<number[]> {
  const out: number[] = [];
  for (const guild of guilds) {
    stage.resetAudio([guild]);
    const user = guild.members[0];
    if (viaCommand && user) stage.sandbox.joinVoice(guild.id, user.id, guild.voiceChannels[0]?.id ?? '');
    const sentAt = performance.now();
    if (viaCommand && user) {
      // The answer may come before or after the audio; only the audio is timed.
      void stage.sandbox.command(guild.id, user.id, 'play', { query: url }).catch(() => undefined);
    } else {
      await stage.play([guild], [url]);
    }
    const first = await waitFor(`the first packet in guild ${guild.id}`, () => stage.sandbox.voiceStats(guild.id, { flush: false }).firstPacketAtMs, {
      timeoutMs: 15_000,
      intervalMs: 2,
    });
    out.push(first - sentAt);
    await stage.stopGuilds([guild]);
    await stage.quiet([guild], 60, 3000);
  }
  return out;
}
