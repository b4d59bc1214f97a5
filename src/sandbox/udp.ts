/**
 * The voice UDP endpoint shared by every voice connection: answers IP discovery, attributes each RTP
 * packet to its (session, guild) by SSRC, decrypts it and hands it to the guild's audio monitor.
 * This is the hot path (10,000 packets/s at 200 streams), so it allocates as little as it can.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { AudioPacketEvent } from './audio/types';
import { decryptRtp, rtpHeaderLength, type RtpKey } from './rtp-crypto';
import { inSampledWindow, type VerifyMode } from './verify';

export interface VoiceStream {
  readonly guildId: string;
  readonly sessionId: string;
  readonly ssrc: number;
  /** Set once the session description was sent. */
  crypto: RtpKey | undefined;
  /** The session lost the guild's voice (4014, or the bot left): its packets are not audio any more. */
  stale: boolean;
  /** Its frames' end-to-end side: the DAVE call it is a member of, when DAVE was negotiated. */
  e2ee?: { receive(sequence: number, frame: Buffer): Buffer | undefined } | undefined;
}

export interface UdpCounters {
  /** Packets whose SSRC no voice connection announced. */
  unknownSsrc: number;
  /** Packets from a connection that had no key yet. */
  beforeKey: number;
  discoveries: number;
}

export class VoiceUdp {
  readonly counters: UdpCounters = { unknownSsrc: 0, beforeKey: 0, discoveries: 0 };
  private readonly streams = new Map<number, VoiceStream>();
  /**
   * Several sockets, because libuv reads at most 32 datagrams per socket per event-loop turn: with
   * one socket, 10,000 packets/s and a turn slowed by decoding, arrivals would queue in the kernel
   * and be stamped late, which looks like gaps.
   */
  private readonly sockets: Socket[];
  private ports: number[] = [];

  constructor(
    private readonly onPacket: (e: AudioPacketEvent) => void,
    socketCount = 4,
    /** Which packets are decrypted (transport and DAVE); every packet is counted and timed either way. Default 'all'. */
    private readonly verify: VerifyMode = 'all',
  ) {
    this.sockets = Array.from({ length: socketCount }, () => {
      const socket = createSocket('udp4');
      socket.on('message', (msg, rinfo) => this.onMessage(socket, msg, rinfo));
      socket.on('error', () => {});
      return socket;
    });
  }

  async listen(): Promise<void> {
    for (const socket of this.sockets) {
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
      // 200 streams arrive in bursts every 20 ms: a small default buffer would drop packets the bot sent.
      try {
        socket.setRecvBufferSize(4 * 1024 * 1024);
      } catch {
        // Capped by the kernel; the default still works at lower load.
      }
    }
    this.ports = this.sockets.map((s) => s.address().port);
  }

  /** The port a connection is told to send to: spread over the sockets by SSRC. */
  portFor(ssrc: number): number {
    return this.ports[ssrc % this.ports.length] ?? 0;
  }

  add(stream: VoiceStream): void {
    this.streams.set(stream.ssrc, stream);
  }

  get(ssrc: number): VoiceStream | undefined {
    return this.streams.get(ssrc);
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }

  private onMessage(socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length === 74 && msg.readUInt16BE(0) === 1) return this.discover(socket, msg, rinfo);
    // Keep-alives (8 bytes) and anything shorter than an RTP header.
    if (msg.length < 12 || (msg[0] ?? 0) >> 6 !== 2) return;
    const ssrc = msg.readUInt32BE(8);
    const stream = this.streams.get(ssrc);
    if (!stream) {
      this.counters.unknownSsrc += 1;
      return;
    }
    if (!stream.crypto) {
      this.counters.beforeKey += 1;
      return;
    }
    const sequence = msg.readUInt16BE(2);
    const receivedAtMs = performance.now();
    const heard = { guildId: stream.guildId, sessionId: stream.sessionId, receivedAtMs, sequence, timestamp: msg.readUInt32BE(4), ssrc, stale: stream.stale };
    if (this.verify !== 'all' && !inSampledWindow(this.verify, ssrc, receivedAtMs)) {
      // Outside the stream's sampled window: counted and timed from the clear RTP header, not decrypted.
      this.onPacket({ ...heard, opus: undefined, unverifiedBytes: unverifiedPayloadBytes(msg) });
      return;
    }
    const plain = decryptRtp(stream.crypto, msg);
    // DAVE decryption happens on arrival, against the group state of that moment; stale frames pass unchanged.
    this.onPacket({ ...heard, opus: plain !== undefined && !stream.stale && stream.e2ee !== undefined ? stream.e2ee.receive(sequence, plain) : plain });
  }

  private discover(socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    this.counters.discoveries += 1;
    // Rare (once per connection), and dgram may still read the buffer after send() returns.
    const reply = Buffer.alloc(74);
    reply.writeUInt16BE(2, 0);
    reply.writeUInt16BE(70, 2);
    reply.writeUInt32BE(msg.readUInt32BE(4), 4);
    reply.write(rinfo.address, 8, 'ascii');
    reply.writeUInt16BE(rinfo.port, 72);
    socket.send(reply, rinfo.port, rinfo.address);
  }
}

/** Bytes of Opus (plus DAVE's trailer) in a packet, from its clear header: total − header − extension body − tag (16) − nonce (4). */
function unverifiedPayloadBytes(packet: Buffer): number {
  const header = rtpHeaderLength(packet);
  const extension = (packet[0] ?? 0) & 0x10 && packet.length >= header ? 4 * packet.readUInt16BE(header - 2) : 0;
  return Math.max(0, packet.length - header - extension - 20);
}
