/**
 * The voice gateway (v8, over TLS because @discordjs/voice only speaks wss://): one HTTPS server for
 * every guild. It hands out SSRCs and keys and enforces that one session at a time owns a guild's
 * voice: a new owner closes the previous one with 4014 and makes its packets stale. With DAVE
 * (`dave: 'required'`) each connection also becomes a member of its channel's MLS call (dave/):
 * this file frames the DAVE opcodes; dave/call.ts decides what to send.
 */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:https';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../log';
import { DaveGuildCall, botParticipantKey, type DaveTuning } from './dave/guild-call';
import { DAVE_PROTOCOL_VERSION, DaveOp, serverBinaryFrame, withTransitionId, type DavePort } from './dave/opcodes';
import { DaveTransition, decode, Frame, parseJson, SelectProtocol, VoiceIdentify, VoiceResume } from './frames';
import { rtpKey, VOICE_MODES, type VoiceMode } from './rtp-crypto';
import type { VoiceStream, VoiceUdp } from './udp';

export interface VoiceGrant {
  readonly guildId: string;
  readonly sessionId: string;
  readonly channelId: string;
  readonly token: string;
}

/**
 * Whether the voice gateway speaks DAVE: `required` (Discord since 2026-03-01) closes a client that
 * does not offer it with 4017; `off` answers `dave_protocol_version: 0` as before DAVE.
 */
export type DaveMode = 'required' | 'off';

/** How a link's current WebSocket is written to (replaced on resume). */
interface LinkOutput {
  json(op: number, d: unknown): void;
  binary(op: DaveOp, payload: Buffer): void;
}

/** A session's voice connection in a guild; outlives its WebSocket so that a resume can pick it up. */
interface VoiceLink {
  readonly guildId: string;
  readonly sessionId: string;
  readonly channelId: string;
  readonly token: string;
  readonly stream: VoiceStream;
  ws: WebSocket | undefined;
  out: LinkOutput | undefined;
  /** The DAVE call this connection is a member of (DAVE negotiated), and its key there. */
  dave: { readonly call: DaveGuildCall; readonly key: string } | undefined;
  readonly offersDave: boolean;
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
  /** The sandbox passes DEFAULT_DAVE_MODE ('required') unless told otherwise (see DaveMode). */
  readonly dave: DaveMode;
  readonly daveTuning: DaveTuning;
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
/** Discord's close code for a client that does not support the required E2EE protocol. */
export const CLOSE_E2EE_REQUIRED = 4017;

export class VoiceGateway {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly grants = new Map<string, VoiceGrant>();
  private readonly links: VoiceLink[] = [];
  private readonly calls = new Map<string, DaveGuildCall>();
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
  grant(guildId: string, sessionId: string, channelId: string): VoiceGrant {
    const grant = { guildId, sessionId, channelId, token: randomBytes(8).toString('hex') };
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

  /** The guild's DAVE call (listeners, group, e2ee counts), once the bot connected with DAVE. */
  daveCall(guildId: string): DaveGuildCall | undefined {
    return this.calls.get(guildId);
  }

  /** The call of the bot's channel in the guild, created (with its listeners) on first use. */
  private callFor(guildId: string, channelId: string): DaveGuildCall {
    const existing = this.calls.get(guildId);
    if (existing && existing.channelId === channelId) return existing;
    existing?.close();
    const call = new DaveGuildCall(guildId, channelId, this.o.botUserId, this.o.daveTuning, this.log);
    this.calls.set(guildId, call);
    return call;
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
    for (const call of this.calls.values()) call.close();
    this.calls.clear();
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
    this.leaveDave(link);
  }

  private leaveDave(link: VoiceLink): void {
    if (!link.dave) return;
    link.dave.call.leave(link.dave.key);
    link.dave = undefined;
    link.stream.e2ee = undefined;
    link.out = undefined;
  }

  private accept(ws: WebSocket): void {
    let state: SocketState = { kind: 'awaiting-identify' };
    // One sequence for JSON and binary frames alike: what the client acknowledges with seq_ack.
    let seq = 0;
    const send = (op: number, d: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op, d, seq: ++seq }));
    };
    const out: LinkOutput = {
      json: send,
      binary: (op, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(serverBinaryFrame(++seq, op, payload), { binary: true });
      },
    };
    send(VoiceOp.Hello, { heartbeat_interval: this.o.heartbeatIntervalMs });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) this.onBinary(state, data);
      else state = this.onFrame(ws, state, data, send);
      if (state.kind !== 'awaiting-identify' && state.kind !== 'closed' && state.link.ws === ws) state.link.out = out;
    });
    ws.on('close', () => {
      // The link, and its DAVE membership, outlive the socket: @discordjs/voice resumes after most
      // closes (1000 included) and keeps its DAVE state. A takeover, a leave or a new identify ends it.
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
      case DaveOp.ReadyForTransition:
      case DaveOp.MlsInvalidCommitWelcome: {
        const t = decode(DaveTransition, frame.d);
        const dave = state.kind === 'ready' ? state.link.dave : undefined;
        if (!t || !dave) return state;
        if (frame.op === DaveOp.ReadyForTransition) dave.call.call.readyForTransition(dave.key, t.transition_id);
        else dave.call.call.invalidCommitWelcome(dave.key, t.transition_id);
        return state;
      }
      default:
        return state;
    }
  }

  /** Client binary frames are `[op u8][payload]`: key packages (26) and commits with welcomes (28). */
  private onBinary(state: SocketState, data: RawData): void {
    const dave = state.kind === 'ready' ? state.link.dave : undefined;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (!dave || buf.length < 1) return;
    const op = buf.readUInt8(0);
    const payload = Buffer.from(buf.subarray(1));
    if (op === DaveOp.MlsKeyPackage) dave.call.call.keyPackage(dave.key, payload);
    else if (op === DaveOp.MlsCommitWelcome) dave.call.call.commitWelcome(dave.key, payload);
  }

  private identify(ws: WebSocket, d: unknown, send: (op: number, d: unknown) => void): SocketState {
    const id = decode(VoiceIdentify, d);
    const grant = id ? this.grants.get(id.server_id) : undefined;
    if (!id || !grant || id.user_id !== this.o.botUserId) return this.refuse(ws, CLOSE_AUTH_FAILED, 'Authentication failed.');
    if (grant.token !== id.token || grant.sessionId !== id.session_id) return this.refuse(ws, CLOSE_SESSION_INVALID, 'Session is no longer valid.');
    const offersDave = (id.max_dave_protocol_version ?? 0) >= DAVE_PROTOCOL_VERSION;
    if (this.o.dave === 'required' && !offersDave) {
      this.o.events.emit('voice-refused', { guildId: grant.guildId, sessionId: grant.sessionId, code: CLOSE_E2EE_REQUIRED });
      return this.refuse(ws, CLOSE_E2EE_REQUIRED, 'E2EE/DAVE protocol required.');
    }
    // The same session identifying again (a rejoin) replaces its own earlier connection quietly.
    for (const old of this.links) {
      if (old.guildId === grant.guildId && old.sessionId === grant.sessionId && old.ws) {
        old.ws.close(1000, 'replaced');
        old.ws = undefined;
        this.leaveDave(old);
      }
    }
    const ssrc = this.nextSsrc++ >>> 0;
    const stream: VoiceStream = { guildId: grant.guildId, sessionId: grant.sessionId, ssrc, crypto: undefined, stale: false };
    const link: VoiceLink = { guildId: grant.guildId, sessionId: grant.sessionId, channelId: grant.channelId, token: grant.token, stream, ws, out: undefined, dave: undefined, offersDave };
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
    const dave = this.o.dave !== 'off' && link.offersDave;
    send(VoiceOp.SessionDescription, { mode, secret_key: [...key], dave_protocol_version: dave ? DAVE_PROTOCOL_VERSION : 0, media_session_id: randomBytes(8).toString('hex') });
    if (dave) this.joinDave(link);
    this.log.debug({ guildId: link.guildId, sessionId: link.sessionId, ssrc: link.stream.ssrc, mode }, 'voice connection ready');
    this.o.events.emit('voice-ready', { guildId: link.guildId, sessionId: link.sessionId, ssrc: link.stream.ssrc, mode });
    return { kind: 'ready', link };
  }

  /** After the session description: the connection becomes a member candidate of the channel's call. */
  private joinDave(link: VoiceLink): void {
    const call = this.callFor(link.guildId, link.channelId);
    const key = botParticipantKey(link.sessionId, link.stream.ssrc);
    link.dave = { call, key };
    link.stream.e2ee = { receive: (sequence, frame) => call.receive(key, sequence, frame) };
    const port = this.portOf(link);
    call.join({ key, userId: this.o.botUserId, port });
  }

  /** Writes to whichever WebSocket the link has now (a resumed connection keeps its membership). */
  private portOf(link: VoiceLink): DavePort {
    const json = (op: number, d: unknown): void => link.out?.json(op, d);
    const binary = (op: DaveOp, payload: Buffer): void => link.out?.binary(op, payload);
    return {
      clientsConnect: (userIds) => json(DaveOp.ClientsConnect, { user_ids: [...userIds] }),
      clientDisconnect: (userId) => json(DaveOp.ClientDisconnect, { user_id: userId }),
      externalSender: (pkg) => binary(DaveOp.MlsExternalSender, pkg),
      proposals: (payload) => binary(DaveOp.MlsProposals, payload),
      announceCommit: (id, commit) => binary(DaveOp.MlsAnnounceCommitTransition, withTransitionId(id, commit)),
      welcome: (id, welcome) => binary(DaveOp.MlsWelcome, withTransitionId(id, welcome)),
      executeTransition: (id) => json(DaveOp.ExecuteTransition, { transition_id: id }),
      prepareEpoch: (epoch) => json(DaveOp.PrepareEpoch, { protocol_version: DAVE_PROTOCOL_VERSION, epoch }),
    };
  }

  private refuse(ws: WebSocket, code: number, reason: string): SocketState {
    this.log.warn({ code, reason }, 'voice connection refused');
    ws.close(code, reason);
    return { kind: 'closed' };
  }
}
