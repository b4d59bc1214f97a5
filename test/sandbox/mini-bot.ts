/**
 * The smallest real bot: discord.js and @discordjs/voice, not hiqty. It registers /play and, when a
 * user runs it, joins the user's voice channel and plays an Ogg/Opus file. Tests use it to check
 * the sandbox against the real clients.
 */
import { createReadStream } from 'node:fs';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
  type AudioPlayer,
  type VoiceConnection,
} from '@discordjs/voice';
import { Client, GatewayIntentBits, type ChatInputCommandInteraction } from 'discord.js';
import type { Sandbox } from '../../src/sandbox';

export interface MiniBot {
  readonly client: Client;
  readonly group: string;
  /** Resolves when the current track finished playing. */
  played(): Promise<void>;
  /** Joins a voice channel and plays the file, as /play does. */
  play(guildId: string, channelId: string): Promise<void>;
  /** Errors the client reported (e.g. a rejected interaction reply). */
  readonly errors: Error[];
  connection(): VoiceConnection | undefined;
  destroy(): Promise<void>;
}

export interface MiniBotOptions {
  /** The file /play plays. */
  readonly file: () => string;
  /** Register /play (only one of several sessions needs to). */
  readonly register?: boolean;
  /**
   * How to answer /play: defer, join, play and edit (default); reply at once with a message and do
   * nothing else; or not at all (a second session of one bot should stay quiet with delivery "all").
   */
  readonly answer?: 'play' | 'reply' | 'none';
  /** Rejoin and play again whenever voice is lost (a client fighting another session for the guild). */
  readonly fight?: boolean;
  /** Distinguishes the voice connections of several clients in one process. */
  readonly group?: string;
  /** Offer DAVE in the voice identify (@discordjs/voice's `daveEncryption`). Default true. */
  readonly daveEncryption?: boolean;
  /** Start playing only once the connection executed its first DAVE transition (its audio is then end-to-end encrypted from the first frame). */
  readonly awaitDave?: boolean;
  /** @discordjs/voice's debug lines (the connection's `debug` option). */
  readonly onDebug?: (line: string) => void;
}

export async function startMiniBot(sb: Sandbox, o: MiniBotOptions): Promise<MiniBot> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: sb.apiBase } });
  const group = o.group ?? 'default';
  let player: AudioPlayer | undefined;
  let conn: VoiceConnection | undefined;
  let finished: Promise<void> = Promise.resolve();
  const errors: Error[] = [];

  const play = async (guildId: string, channelId: string): Promise<void> => {
    const guild = await client.guilds.fetch(guildId);
    conn = joinVoiceChannel({ guildId, channelId, adapterCreator: guild.voiceAdapterCreator, group, selfDeaf: true, daveEncryption: o.daveEncryption ?? true, debug: o.onDebug !== undefined });
    const c = conn;
    if (o.onDebug) c.on('debug', o.onDebug);
    const transitioned = new Promise<void>((resolve) => c.once('transitioned', () => resolve()));
    if (o.fight) {
      c.on('stateChange', (_old, next) => {
        // Like a reconcile loop that still believes it owns the guild: a moment later, join again.
        if (next.status === VoiceConnectionStatus.Disconnected) setTimeout(() => c.state.status === VoiceConnectionStatus.Disconnected && c.rejoin(), 200);
      });
    }
    await entersState(c, VoiceConnectionStatus.Ready, 10_000);
    if (o.awaitDave) await withTimeout(transitioned, 10_000, 'the first DAVE transition');
    const p = createAudioPlayer();
    player = p;
    finished = new Promise<void>((resolve) => p.on(AudioPlayerStatus.Idle, () => resolve()));
    c.subscribe(p);
    p.play(createAudioResource(createReadStream(o.file()), { inputType: StreamType.OggOpus }));
  };

  client.on('interactionCreate', (interaction) => {
    if (!interaction.isChatInputCommand() || interaction.commandName !== 'play') return;
    const answer = o.answer ?? 'play';
    if (answer === 'none') return;
    const work = answer === 'reply' ? interaction.reply(`hello from ${group}`).then(() => undefined) : onPlay(interaction);
    void work.catch((err: unknown) => errors.push(err instanceof Error ? err : new Error(String(err))));
  });
  const onPlay = async (interaction: ChatInputCommandInteraction): Promise<void> => {
    await interaction.deferReply();
    const guildId = interaction.guildId ?? '';
    const member = await interaction.guild?.members.fetch(interaction.user.id);
    const channelId = member?.voice.channelId;
    if (!channelId) {
      await interaction.editReply('Join a voice channel first.');
      return;
    }
    await play(guildId, channelId);
    await interaction.editReply(`Playing in <#${channelId}>`);
  };

  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(sb.token);
  await ready;
  if (o.register) {
    await client.application?.commands.set([{ name: 'play', description: 'Play the test tone' }]);
  }
  return {
    client,
    group,
    played: () => finished,
    play,
    errors,
    connection: () => conn,
    async destroy() {
      player?.stop(true);
      conn?.destroy();
      await client.destroy();
    },
  };
}

async function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
