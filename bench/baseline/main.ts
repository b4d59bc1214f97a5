/**
 * The baseline of `make bench`: a player built the way most Node music bots are. One discord.js
 * client, and per guild @discordjs/voice's AudioPlayer fed by
 * `createAudioResource(ffmpeg → s16le PCM, { inputType: Raw, inlineVolume: true })`, so every track
 * is decoded to PCM by ffmpeg, scaled by the volume transformer and encoded to Opus in Node
 * (prism-media → opusscript). No Redis, no leases: only the audio path, which is what is compared.
 *
 * Runs as its own process (so its RSS and CPU can be read apart). Environment: BASELINE_TOKEN,
 * BASELINE_API_BASE, NODE_EXTRA_CA_CERTS (the sandbox's certificate). opusscript works for at most 20 guilds per process
 * (see BASELINE_GUILDS_PER_PROCESS in ../subjects.ts), so the bench runs one process per 20 guilds. Commands arrive on stdin,
 * one JSON object a line: {"op":"play","guild","channel","url"} or {"op":"stop","guild"}.
 * It prints {"msg":"ready"} once logged in, and {"msg":"error",...} for anything that fails.
 */
import { createInterface } from 'node:readline';
import {
  createAudioPlayer,
  createAudioResource,
  joinVoiceChannel,
  NoSubscriberBehavior,
  StreamType,
  type AudioPlayer,
  type VoiceConnection,
} from '@discordjs/voice';
import { Client, GatewayIntentBits } from 'discord.js';
import prism from 'prism-media';
import { decodeCommand } from './protocol';

interface GuildPlayer {
  readonly connection: VoiceConnection;
  readonly player: AudioPlayer;
  ffmpeg: prism.FFmpeg | undefined;
}

const say = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const token = process.env.BASELINE_TOKEN ?? '';
  const api = process.env.BASELINE_API_BASE ?? '';
  // As the usual bot does, it connects the shards the gateway recommends (the bench's sandbox has one per 100 guilds).
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], shards: 'auto', rest: { api } });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(token);
  await ready;
  const players = new Map<string, GuildPlayer>();

  const play = (guildId: string, channelId: string, url: string): void => {
    const guild = client.guilds.cache.get(guildId);
    if (!guild) throw new Error(`unknown guild ${guildId}`);
    let gp = players.get(guildId);
    if (!gp) {
      const connection = joinVoiceChannel({ guildId, channelId, adapterCreator: guild.voiceAdapterCreator, selfDeaf: true });
      const player = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Play } });
      player.on('error', (err) => say({ msg: 'error', guild: guildId, err: err.message }));
      connection.subscribe(player);
      gp = { connection, player, ffmpeg: undefined };
      players.set(guildId, gp);
    }
    gp.ffmpeg?.destroy();
    // @discordjs/voice's own arguments for its "ffmpeg pcm" edge, reading the URL itself.
    const ffmpeg = new prism.FFmpeg({ args: ['-analyzeduration', '0', '-loglevel', '0', '-i', url, '-f', 's16le', '-ar', '48000', '-ac', '2'] });
    gp.ffmpeg = ffmpeg;
    const resource = createAudioResource(ffmpeg, { inputType: StreamType.Raw, inlineVolume: true });
    resource.volume?.setVolume(1);
    gp.player.play(resource);
  };

  const stop = (guildId: string): void => {
    const gp = players.get(guildId);
    if (!gp) return;
    gp.player.stop(true);
    gp.ffmpeg?.destroy();
    gp.ffmpeg = undefined;
  };

  createInterface({ input: process.stdin }).on('line', (line) => {
    try {
      const command = decodeCommand(line);
      if (command.op === 'play') play(command.guild, command.channel, command.url);
      else stop(command.guild);
    } catch (err) {
      say({ msg: 'error', line, err: err instanceof Error ? err.message : String(err) });
    }
  });
  process.stdin.on('end', () => {
    void client.destroy().then(() => process.exit(0));
  });
  say({ msg: 'ready' });
}

main().catch((err: unknown) => {
  say({ msg: 'fatal', err: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
