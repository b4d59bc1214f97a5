/**
 * The voice gateway (v8, over TLS because @discordjs/voice only speaks wss://): one HTTPS server for
 * every guild. It hands out SSRCs and keys and enforces that one session at a time owns a guild's
 * voice: a new owner closes the previous one with 4014 and makes its packets stale.
 */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:https';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../log';
import { decode, Frame, parseJson, SelectProtocol, VoiceIdentify, VoiceResume } from './frames';
import { rtpKey, VOICE_MODES, type VoiceMode } from './rtp-crypto';
import type { VoiceStream, VoiceUdp } from './udp';

export interface VoiceGrant {
  readonly guildId: string;
  readonly sessionId: string;
  readonly token: string;
}

/** A session's voice connection in a guild; outlives its WebSocket so that a resume can pick it up. */
interface VoiceLink {
  readonly guildId: string;
  readonly sessionId: string;
  readonly token: string;
  readonly stream: VoiceStream;
  ws: WebSocket | undefined;
}

/** One voice WebSocket; replaced only in `onFrame` and on close. */
type SocketState =
  | { readonly kind: 'awaiting-identify' }
  | { readonly kind: 'selecting-protocol'; readonly link: VoiceLink }
  | { readonly kind: 'ready'; readonly link: VoiceLink }
  | { readonly kind: 'closed' };

export interface VoiceConnectionInfo {
  readonly guildId: string;
  readonly sessionId: string;
  readonly ssrc: number;
  readonly mode: VoiceMode | undefined;
  readonly stale: boolean;
  readonly open: boolean;
}

export interface VoiceGatewayOptions {
  readonly cert: { readonly certPem: string; readonly keyPem: string };
  readonly udp: VoiceUdp;
  readonly modes: readonly VoiceMode[];
  readonly heartbeatIntervalMs: number;
  readonly botUserId: string;
  readonly events: EventEmitter;
  readonly log: Logger;
}

const enum VoiceOp {
  Identify = 0,
  SelectProtocol = 1,
  Ready = 2,
  Heartbeat = 3,
  SessionDescription = 4,
  Speaking = 5,
  HeartbeatAck = 6,
  Resume = 7,
  Hello = 8,
  Resumed = 9,
}

export const CLOSE_DISCONNECTED = 4014;
const CLOSE_AUTH_FAILED = 4004;
const CLOSE_SESSION_INVALID = 4006;
const CLOSE_UNKNOWN_MODE = 4016;

export class VoiceGateway {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly grants = new Map<string, VoiceGrant>();
  private readonly links: VoiceLink[] = [];
  private nextSsrc = 1 + Math.floor(Math.random() * 0x7fff_0000);
  private port = 0;
  private readonly log: Logger;

  constructor(private readonly o: VoiceGatewayOptions) {
    this.log = o.log.child({ component: 'sandbox-voice' });
    this.server = createServer({ cert: o.cert.certPem, key: o.cert.keyPem });
    this.server.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws)));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.port = address && typeof address === 'object' ? address.port : 0;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The gateway gave `sessionId` a token for the guild: a new owner takes the guild over. */
  grant(guildId: string, sessionId: string): VoiceGrant {
    const grant = { guildId, sessionId, token: randomBytes(8).toString('hex') };
    this.grants.set(guildId, grant);
    for (const link of this.links) {
      if (link.guildId === guildId && link.sessionId !== sessionId) this.retire(link, CLOSE_DISCONNECTED);
    }
    return grant;
  }

  /** The bot left the guild's voice (from whichever session sent the leave). */
  revoke(guildId: string): void {
    this.grants.delete(guildId);
    for (const link of this.links) if (link.guildId === guildId) this.retire(link, CLOSE_DISCONNECTED);
  }

  /** Closes voice sockets, by session id or guild id; without a code as a network failure would. */
  drop(ref: string, code?: number): number {
    let dropped = 0;
    for (const link of this.links) {
      if ((link.sessionId !== ref && link.guildId !== ref) || !link.ws) continue;
      if (code === undefined) link.ws.terminate();
      else link.ws.close(code, 'dropped by the sandbox');
      dropped += 1;
    }
    return dropped;
  }

  connections(): VoiceConnectionInfo[] {
    return this.links.map((l) => ({
      guildId: l.guildId,
      sessionId: l.sessionId,
      ssrc: l.stream.ssrc,
      mode: l.stream.crypto?.mode,
      stale: l.stream.stale,
      open: l.ws !== undefined,
    }));
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.close();
    this.server.closeAllConnections();
  }

  private retire(link: VoiceLink, code: number): void {
    if (!link.stream.stale) this.o.events.emit('voice-takeover', { guildId: link.guildId, sessionId: link.sessionId, code });
    link.stream.stale = true;
    link.ws?.close(code, 'Disconnected.');
    link.ws = undefined;
  }

  private accept(ws: WebSocket): void {
    let state: SocketState = { kind: 'awaiting-identify' };
    let seq = 0;
    const send = (op: number, d: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op, d, seq: ++seq }));
    };
    send(VoiceOp.Hello, { heartbeat_interval: this.o.heartbeatIntervalMs });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      // Binary frames are DAVE, which the session description switched off.
      if (!isBinary) state = this.onFrame(ws, state, data, send);
    });
    ws.on('close', () => {
      if (state.kind !== 'awaiting-identify' && state.kind !== 'closed' && state.link.ws === ws) state.link.ws = undefined;
      state = { kind: 'closed' };
    });
    ws.on('error', () => {});
  }

  private onFrame(ws: WebSocket, state: SocketState, data: RawData, send: (op: number, d: unknown) => void): SocketState {
    const frame = decode(Frame, parseJson(data.toString()));
    if (!frame) return state;
    switch (frame.op) {
      case VoiceOp.Heartbeat: {
        const nonce = typeof frame.d === 'object' && frame.d !== null && 't' in frame.d ? frame.d.t : frame.d;
        send(VoiceOp.HeartbeatAck, { t: nonce });
        return state;
      }
      case VoiceOp.Identify:
        return state.kind === 'awaiting-identify' ? this.identify(ws, frame.d, send) : state;
      case VoiceOp.Resume:
        return state.kind === 'awaiting-identify' ? this.resume(ws, frame.d, send) : state;
      case VoiceOp.SelectProtocol:
        return state.kind === 'selecting-protocol' ? this.selectProtocol(ws, state.link, frame.d, send) : state;
      default:
        return state;
    }
  }

  private identify(ws: WebSocket, d: unknown, send: (op: number, d: unknown) => void): SocketState {
    const id = decode(VoiceIdentify, d);
    const grant = id ? this.grants.get(id.server_id) : undefined;
    if (!id || !grant || id.user_id !== this.o.botUserId) return this.refuse(ws, CLOSE_AUTH_FAILED, 'Authentication failed.');
    if (grant.token !== id.token || grant.sessionId !== id.session_id) return this.refuse(ws, CLOSE_SESSION_INVALID, 'Session is no longer valid.');
    // The same session identifying again (a rejoin) replaces its own earlier connection quietly.
    for (const old of this.links) {
      if (old.guildId === grant.guildId && old.sessionId === grant.sessionId && old.ws) {
        old.ws.close(1000, 'replaced');
        old.ws = undefined;
      }
    }
    const ssrc = this.nextSsrc++ >>> 0;
    const stream: VoiceStream = { guildId: grant.guildId, sessionId: grant.sessionId, ssrc, crypto: undefined, stale: false };
    const link: VoiceLink = { guildId: grant.guildId, sessionId: grant.sessionId, token: grant.token, stream, ws };
    this.links.push(link);
    this.o.udp.add(stream);
    send(VoiceOp.Ready, { ssrc, ip: '127.0.0.1', port: this.o.udp.portFor(ssrc), modes: [...this.o.modes], heartbeat_interval: this.o.heartbeatIntervalMs });
    return { kind: 'selecting-protocol', link };
  }

  private resume(ws: WebSocket, d: unknown, send: (op: number, d: unknown) => void): SocketState {
    const r = decode(VoiceResume, d);
    const link = r && this.links.find((l) => l.guildId === r.server_id && l.sessionId === r.session_id && l.token === r.token && !l.stream.stale);
    if (!link || !link.stream.crypto) return this.refuse(ws, CLOSE_SESSION_INVALID, 'Session is no longer valid.');
    link.ws?.close(1000, 'resumed elsewhere');
    link.ws = ws;
    send(VoiceOp.Resumed, null);
    this.o.events.emit('voice-resumed', { guildId: link.guildId, sessionId: link.sessionId });
    return { kind: 'ready', link };
  }

  private selectProtocol(ws: WebSocket, link: VoiceLink, d: unknown, send: (op: number, d: unknown) => void): SocketState {
    const select = decode(SelectProtocol, d);
    const mode = VOICE_MODES.find((m) => m === select?.data.mode);
    if (!mode || !this.o.modes.includes(mode)) return this.refuse(ws, CLOSE_UNKNOWN_MODE, 'Unknown encryption mode.');
    const key = randomBytes(32);
    link.stream.crypto = rtpKey(mode, new Uint8Array(key));
    send(VoiceOp.SessionDescription, { mode, secret_key: [...key], dave_protocol_version: 0, media_session_id: randomBytes(8).toString('hex') });
    this.log.debug({ guildId: link.guildId, sessionId: link.sessionId, ssrc: link.stream.ssrc, mode }, 'voice connection ready');
    this.o.events.emit('voice-ready', { guildId: link.guildId, sessionId: link.sessionId, ssrc: link.stream.ssrc, mode });
    return { kind: 'ready', link };
  }

  private refuse(ws: WebSocket, code: number, reason: string): SocketState {
    this.log.warn({ code, reason }, 'voice connection refused');
    ws.close(code, reason);
    return { kind: 'closed' };
  }
}
