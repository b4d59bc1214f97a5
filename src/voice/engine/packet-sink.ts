/**
 * The engine's own packet path for a Ready @discordjs/voice connection: the RTP header, DAVE (the
 * library's own DAVESession, which passes silence frames and not-yet-ready sessions through),
 * AES-256-GCM from a key imported once, all written into a per-connection ring of preallocated
 * buffers and sent on the connection's own UDP socket. The library's `connectionData` (sequence,
 * timestamp, nonce, packetsPlayed, speaking) is kept exactly as @discordjs/voice 0.19 keeps it
 * (Networking.createAudioPacket, encryptOpusPacket, playAudioPacket), so its state stays true: a
 * resume, the receiver and a fall back to the library path all continue from where this left off.
 */
import { Socket } from 'node:dgram';
import * as t from 'io-ts';
import {
  NetworkingStatusCode,
  VoiceConnectionStatus,
  type ConnectionData,
  type NetworkingReadyState,
  type VoiceConnection,
  type VoiceUDPSocket,
} from '@discordjs/voice';
import type { AudioSink, SinkFactory } from './contract';
import { SendRing, type DatagramSender, type SendRingStats } from './send-ring';
import { AES_GCM_MODE, NONCE_TAIL_BYTES, TAG_BYTES, TransportCipher } from './transport-cipher';

const RTP_HEADER_BYTES = 12;
/** RTP version 2, no padding, extension or CSRCs; payload type 120 (Opus), as @discordjs/voice sends. */
const RTP_FIRST_BYTE = 0x80;
const RTP_OPUS_PAYLOAD_TYPE = 0x78;
/** 20 ms at 48 kHz, times 2 channels: @discordjs/voice's TIMESTAMP_INC (not RTP's 960, but what Discord gets today). */
const TIMESTAMP_INC = (48_000 / 100) * 2;
const MAX_NONCE = 2 ** 32 - 1;

/** What the builder needs of DAVE: @discordjs/voice's DAVESession has it. */
export interface FrameEncryptor {
  encrypt(opus: Buffer): Buffer;
}

/** Where a connection's datagrams go: the socket @discordjs/voice opened, and Discord's address. */
export interface PacketRoute {
  readonly socket: DatagramSender;
  readonly port: number;
  readonly ip: string;
}

/**
 * Builds and sends the packets of one connection session (one `connectionData` on one UDP socket).
 * `prepare` consumes a nonce and `dispatch` advances sequence and timestamp, as the library does.
 */
export class PacketBuilder {
  private readonly cipher: TransportCipher;
  private readonly ring: SendRing;
  /** The header is written here first: it is the cipher's additional data, then copied into the packet. */
  private readonly header = Buffer.alloc(RTP_HEADER_BYTES);
  private prepared: Buffer | undefined;
  private preparedLength = 0;

  constructor(
    readonly data: ConnectionData,
    route: PacketRoute,
  ) {
    this.cipher = new TransportCipher(data.secretKey);
    this.ring = new SendRing(route.socket, route.port, route.ip);
    this.header[0] = RTP_FIRST_BYTE;
    this.header[1] = RTP_OPUS_PAYLOAD_TYPE;
  }

  prepare(opus: Buffer, dave: FrameEncryptor | undefined): void {
    const data = this.data;
    const frame = dave ? dave.encrypt(opus) : opus;
    this.header.writeUInt16BE(data.sequence, 2);
    this.header.writeUInt32BE(data.timestamp, 4);
    this.header.writeUInt32BE(data.ssrc, 8);
    data.nonce += 1;
    if (data.nonce > MAX_NONCE) data.nonce = 0;
    const out = this.ring.take(RTP_HEADER_BYTES + frame.length + TAG_BYTES + NONCE_TAIL_BYTES);
    this.header.copy(out, 0);
    this.preparedLength = RTP_HEADER_BYTES + this.cipher.seal(this.header, frame, data.nonce, out, RTP_HEADER_BYTES);
    this.prepared = out;
  }

  /** Sends the prepared packet (false when none, or the socket refused). */
  dispatch(): boolean {
    const packet = this.prepared;
    if (packet === undefined) return false;
    this.prepared = undefined;
    const data = this.data;
    data.packetsPlayed += 1;
    data.sequence += 1;
    data.timestamp += TIMESTAMP_INC;
    if (data.sequence >= 2 ** 16) data.sequence = 0;
    if (data.timestamp >= 2 ** 32) data.timestamp = 0;
    return this.ring.send(packet, this.preparedLength);
  }

  /** Drops a prepared packet (its nonce stays used, as in the library when a prepared packet is replaced). */
  discard(): void {
    this.prepared = undefined;
  }

  ringStats(): SendRingStats {
    return this.ring.stats();
  }
}

const SocketConfig = t.type({ ip: t.string, port: t.number });

/**
 * The socket and remote address inside @discordjs/voice's VoiceUDPSocket (private fields in 0.19;
 * its own `send` passes no callback, so it cannot tell us when a buffer is free). Undefined when a
 * later version moved them: the sink then uses the library path.
 */
export function routeOf(udp: VoiceUDPSocket): PacketRoute | undefined {
  const socket: unknown = Reflect.get(udp, 'socket');
  const remote = SocketConfig.decode(Reflect.get(udp, 'remote'));
  if (!(socket instanceof Socket) || remote._tag === 'Left') return undefined;
  return { socket, port: remote.right.port, ip: remote.right.ip };
}

/** Which path a sink's current session uses (tests and diagnostics read it). */
export type SinkPath = 'own' | 'library' | 'none';

export class PacketSink implements AudioSink {
  /** The networking state and session the builder was derived for. */
  private state: NetworkingReadyState | undefined;
  private builder: PacketBuilder | undefined;
  private route: PacketRoute | undefined;
  private udp: VoiceUDPSocket | undefined;
  private pathNow: SinkPath = 'none';

  constructor(private readonly connection: VoiceConnection) {}

  ready(): boolean {
    return this.current() !== undefined;
  }

  prepare(opus: Buffer): void {
    const state = this.current();
    if (state === undefined) return;
    if (state !== this.state) this.derive(state);
    if (this.builder) this.builder.prepare(opus, state.dave);
    else this.connection.prepareAudioPacket(opus);
  }

  dispatch(): boolean {
    const state = this.current();
    if (state === undefined) return false;
    // A packet prepared for an earlier session (its key, nonce and sequence) is never sent in a new one.
    if (state !== this.state) this.derive(state);
    if (!this.builder) return this.connection.dispatchAudio() === true;
    // Like playAudioPacket: speaking is set before the packet goes (a no-op while already speaking).
    if (!state.connectionData.speaking) this.connection.setSpeaking(true);
    return this.builder.dispatch();
  }

  speaking(on: boolean): void {
    // The library sends op 5 only when connectionData.speaking changes, and clears it on a resume.
    this.connection.setSpeaking(on);
  }

  path(): SinkPath {
    return this.pathNow;
  }

  ringStats(): SendRingStats | undefined {
    return this.builder?.ringStats();
  }

  private current(): NetworkingReadyState | undefined {
    const state = this.connection.state;
    if (state.status !== VoiceConnectionStatus.Ready) return undefined;
    const networking = state.networking.state;
    return networking.code === NetworkingStatusCode.Ready ? networking : undefined;
  }

  /** A new networking state object: the same session goes on; a new connectionData or socket starts a new builder. */
  private derive(state: NetworkingReadyState): void {
    this.state = state;
    const sameSession = this.builder !== undefined && this.builder.data === state.connectionData && this.udp === state.udp;
    if (sameSession) {
      return;
    }
    this.builder?.discard();
    this.builder = undefined;
    this.udp = state.udp;
    this.route = routeOf(state.udp);
    // aead_xchacha20_poly1305_rtpsize (offered only where Node has no aes-256-gcm) stays on the
    // library's path: its cipher is a JavaScript library's, and Discord prefers AES-GCM.
    if (state.connectionData.encryptionMode !== AES_GCM_MODE || this.route === undefined) {
      this.pathNow = 'library';
      return;
    }
    this.builder = new PacketBuilder(state.connectionData, this.route);
    this.pathNow = 'own';
  }
}

/** The engine's sink: @discordjs/voice's connection, with packets built and sent here. */
export const packetSinks: SinkFactory = (connection) => new PacketSink(connection);
