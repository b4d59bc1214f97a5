/**
 * One join's voice connection in the engine: made through the voice gate (so @discordjs/voice never
 * joins or leaves by itself), reported as `link` events of its join id, and given a sink each time it
 * becomes ready to send (and again when its networking state is replaced, which a packet-building sink
 * holds on to).
 */
import { joinVoiceChannel, VoiceConnectionStatus, type DiscordGatewayAdapterCreator, type VoiceConnection, type VoiceConnectionState } from '@discordjs/voice';
import type { Logger } from '../../log';
import type { LinkState } from '../port';
import type { AudioSink, SinkFactory } from './contract';
import type { VoiceGate } from '../../discord/voice-gate';

type Gate = VoiceGate & { wrap(inner: DiscordGatewayAdapterCreator): DiscordGatewayAdapterCreator };

export interface GuildLinkOptions {
  readonly guild: string;
  readonly join: number;
  readonly channelId: string;
  readonly adapter: DiscordGatewayAdapterCreator;
  readonly gate: Gate;
  /** Keeps this engine's connections apart from any other's in @discordjs/voice's registry. */
  readonly group: string;
  readonly sinks: SinkFactory;
  readonly log: Logger;
  /** The connection's state changed (`gone`: destroyed). */
  onState(state: LinkState | 'gone'): void;
  /** A new sink for a ready connection, or undefined when it can no longer send. */
  onSink(sink: AudioSink | undefined): void;
}

export function linkState(state: VoiceConnectionState): LinkState | 'gone' {
  switch (state.status) {
    case VoiceConnectionStatus.Ready:
      return 'ready';
    case VoiceConnectionStatus.Signalling:
    case VoiceConnectionStatus.Connecting:
      return 'joining';
    case VoiceConnectionStatus.Disconnected:
      return 'lost';
    case VoiceConnectionStatus.Destroyed:
      return 'gone';
  }
}

function networkingOf(state: VoiceConnectionState): unknown {
  return 'networking' in state ? state.networking : undefined;
}

export class GuildLink {
  readonly connection: VoiceConnection;
  private reported: LinkState | 'gone';

  constructor(private readonly o: GuildLinkOptions) {
    this.connection = o.gate.open(() =>
      joinVoiceChannel({ guildId: o.guild, channelId: o.channelId, adapterCreator: o.gate.wrap(o.adapter), selfDeaf: true, selfMute: false, group: o.group }),
    );
    this.reported = linkState(this.connection.state);
    o.onState(this.reported);
    this.connection.on('error', (err) => o.log.warn({ guild: o.guild, join: o.join, err }, 'voice connection error'));
    this.connection.on('stateChange', (from, to) => this.changed(from, to));
    if (this.reported === 'ready') o.onSink(o.sinks(this.connection));
  }

  get join(): number {
    return this.o.join;
  }

  get channelId(): string {
    return this.o.channelId;
  }

  get destroyed(): boolean {
    return this.connection.state.status === VoiceConnectionStatus.Destroyed;
  }

  /**
   * Destroys the connection, with the leave payload or without it. `now` is for a join that replaces
   * this connection: joinVoiceChannel would otherwise reuse it.
   */
  destroy(sendLeave: boolean, when: 'now' | 'next-turn'): void {
    if (this.destroyed) return;
    const conn = this.connection;
    const run = (): void => {
      if (conn.state.status === VoiceConnectionStatus.Destroyed) return;
      if (sendLeave) this.o.gate.open(() => conn.destroy(true));
      else conn.destroy(false);
    };
    this.o.onSink(undefined);
    if (when === 'now') return run();
    // Known limit of @discordjs/voice 0.19: a new VoiceUDPSocket sends its first keep-alive from a
    // setImmediate that destroy() does not cancel, so a connection destroyed in the same turn as its UDP
    // socket was made throws ERR_SOCKET_DGRAM_NOT_RUNNING out of that immediate and kills the process.
    // Destroying from an immediate queued after it lets the keep-alive go first. The audio has already
    // been detached from this connection.
    setImmediate(run);
  }

  private changed(from: VoiceConnectionState, to: VoiceConnectionState): void {
    const state = linkState(to);
    const wasReady = from.status === VoiceConnectionStatus.Ready;
    if (state === 'ready' && (!wasReady || networkingOf(from) !== networkingOf(to))) this.o.onSink(this.o.sinks(this.connection));
    else if (state !== 'ready' && wasReady) this.o.onSink(undefined);
    if (state !== this.reported) {
      this.reported = state;
      this.o.onState(state);
    }
  }
}
