/**
 * The main thread's side of a voice worker's gateway adapters: for each guild the worker opens an
 * adapter for, one real adapter from discord.js (guild.voiceAdapterCreator), whose updates go to the
 * worker and to which the worker's payloads are handed.
 */
import type { DiscordGatewayAdapterImplementerMethods, DiscordGatewayAdapterLibraryMethods } from '@discordjs/voice';
import type { Client } from 'discord.js';
import type { Logger } from '../../log';
import type { ToWorker, VoicePayload } from './messages';

interface Entry {
  readonly methods: DiscordGatewayAdapterLibraryMethods;
  readonly implementer: DiscordGatewayAdapterImplementerMethods;
}

export class AdapterBridge {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly client: Client,
    private readonly post: (message: ToWorker) => void,
    private readonly log: Logger,
  ) {}

  /** Guilds with an open adapter. */
  get size(): number {
    return this.entries.size;
  }

  open(guild: string): void {
    this.close(guild);
    const known = this.client.guilds.cache.get(guild);
    if (known === undefined) {
      // As discord.js's own adapter would be unusable: the worker's connection is destroyed and the reconciler joins again.
      this.log.debug({ guild }, 'a voice worker opened an adapter for a guild this session does not see');
      this.post({ type: 'adapter-destroyed', guild });
      return;
    }
    const methods: DiscordGatewayAdapterLibraryMethods = {
      onVoiceStateUpdate: (data) => this.post({ type: 'voice-state', guild, data }),
      onVoiceServerUpdate: (data) => this.post({ type: 'voice-server', guild, data }),
      // discord.js calls this when the guild's shard disconnects.
      destroy: () => {
        if (this.entries.get(guild)?.methods !== methods) return;
        this.entries.delete(guild);
        this.post({ type: 'adapter-destroyed', guild });
      },
    };
    this.entries.set(guild, { methods, implementer: known.voiceAdapterCreator(methods) });
  }

  payload(guild: string, payload: VoicePayload): void {
    const entry = this.entries.get(guild);
    if (entry === undefined) {
      this.log.debug({ guild }, 'a voice worker sent a payload through an adapter it had not opened');
      return;
    }
    if (entry.implementer.sendPayload(payload)) return;
    // The shard is not ready: in this thread @discordjs/voice would give the connection up
    // (AdapterUnavailable); the worker's is destroyed, and the reconciler joins again.
    this.log.debug({ guild }, 'the gateway refused a voice payload: its shard is not ready');
    this.discard(guild, entry);
    this.post({ type: 'adapter-destroyed', guild });
  }

  close(guild: string): void {
    const entry = this.entries.get(guild);
    if (entry !== undefined) this.discard(guild, entry);
  }

  /** Destroys every adapter (the worker died, or is closing): nothing is posted. */
  closeAll(): void {
    for (const [guild, entry] of [...this.entries]) this.discard(guild, entry);
  }

  private discard(guild: string, entry: Entry): void {
    this.entries.delete(guild);
    // discord.js keeps one adapter per guild: when another voice worker has registered its own since
    // (the guild moved), destroying ours would unregister theirs.
    if (this.client.voice.adapters.get(guild) === entry.methods) entry.implementer.destroy();
  }
}
