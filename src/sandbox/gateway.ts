/**
 * The main gateway: any number of sessions of the one bot, each identifying for a shard. Guild
 * events go to every session on the guild's shard; interactions go to all of them or to one.
 */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Logger } from '../log';
import { decode, Frame, Identify, parseJson, RequestGuildMembers, Resume, VoiceStateUpdate } from './frames';
import { shardOf } from './snowflake';
import type { World } from './world';

export interface SessionInfo {
  readonly id: string;
  readonly shard: readonly [number, number];
  readonly connectedAtMs: number;
}

interface Session extends SessionInfo {
  readonly ws: WebSocket;
  seq: number;
}

/** One gateway connection; only `onFrame` and `onClose` replace it. */
type ConnectionState = { readonly kind: 'hello' } | { readonly kind: 'identified'; readonly session: Session } | { readonly kind: 'closed' };

export interface GatewayOptions {
  readonly world: World;
  readonly token: string;
  readonly shards: number;
  readonly applicationId: string;
  readonly heartbeatIntervalMs: number;
  readonly interactionDelivery: 'all' | 'one';
  readonly events: EventEmitter;
  readonly log: Logger;
  readonly url: () => string;
  /** A session sent op 4 (join, move or leave). */
  readonly onVoiceStateUpdate: (sessionId: string, guildId: string, channelId: string | null) => void;
}

const enum Op {
  Dispatch = 0,
  Heartbeat = 1,
  Identify = 2,
  VoiceStateUpdate = 4,
  Resume = 6,
  RequestGuildMembers = 8,
  InvalidSession = 9,
  Hello = 10,
  HeartbeatAck = 11,
}

export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly live = new Map<string, Session>();
  private roundRobin = 0;
  private readonly log: Logger;

  constructor(private readonly o: GatewayOptions) {
    this.log = o.log.child({ component: 'sandbox-gateway' });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  sessions(): SessionInfo[] {
    return [...this.live.values()].map(({ id, shard, connectedAtMs }) => ({ id, shard, connectedAtMs }));
  }

  /** Ready sessions that receive the guild's events. */
  sessionsFor(guildId: string): Session[] {
    const shard = shardOf(guildId, this.o.shards);
    return [...this.live.values()].filter((s) => s.shard[0] === shard);
  }

  /** Sends a guild event to every session on the guild's shard. */
  broadcast(guildId: string, t: string, d: unknown): number {
    const targets = this.sessionsFor(guildId);
    for (const s of targets) this.dispatch(s, t, d);
    return targets.length;
  }

  sendTo(sessionId: string, t: string, d: unknown): boolean {
    const s = this.live.get(sessionId);
    if (s) this.dispatch(s, t, d);
    return s !== undefined;
  }

  deliverInteraction(guildId: string, d: Record<string, unknown>): number {
    const targets = this.sessionsFor(guildId);
    if (this.o.interactionDelivery === 'all') {
      for (const s of targets) this.dispatch(s, 'INTERACTION_CREATE', d);
      return targets.length;
    }
    const one = targets[this.roundRobin++ % Math.max(1, targets.length)];
    if (one) this.dispatch(one, 'INTERACTION_CREATE', d);
    return one ? 1 : 0;
  }

  /** Cuts a session's connection: without a code as a network failure would (no close frame). */
  drop(sessionId: string, code?: number): boolean {
    const s = this.live.get(sessionId);
    if (!s) return false;
    if (code === undefined) s.ws.terminate();
    else s.ws.close(code, 'dropped by the sandbox');
    return true;
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    let state: ConnectionState = { kind: 'hello' };
    const send = (op: number, d: unknown): void => ws.send(JSON.stringify({ op, d, s: null, t: null }));
    send(Op.Hello, { heartbeat_interval: this.o.heartbeatIntervalMs, _trace: ['hiqty-sandbox'] });
    ws.on('message', (data: RawData) => {
      state = this.onFrame(ws, state, data, send);
    });
    ws.on('close', () => {
      if (state.kind === 'identified') {
        this.live.delete(state.session.id);
        this.o.events.emit('gateway-close', { sessionId: state.session.id });
      }
      state = { kind: 'closed' };
    });
    ws.on('error', () => {});
  }

  private onFrame(ws: WebSocket, state: ConnectionState, data: RawData, send: (op: number, d: unknown) => void): ConnectionState {
    const frame = decode(Frame, parseJson(data.toString()));
    if (!frame) {
      ws.close(4002, 'Error while decoding payload.');
      return { kind: 'closed' };
    }
    switch (frame.op) {
      case Op.Heartbeat:
        send(Op.HeartbeatAck, null);
        return state;
      case Op.Identify:
        return state.kind === 'hello' ? this.identify(ws, frame.d) : (ws.close(4005, 'Already authenticated.'), { kind: 'closed' });
      case Op.Resume: {
        // Sessions are never kept: every resume is refused, and the client identifies anew.
        const resume = decode(Resume, frame.d);
        this.o.events.emit('resume', { sessionId: resume?.session_id });
        send(Op.InvalidSession, false);
        return state;
      }
      case Op.VoiceStateUpdate: {
        const vsu = decode(VoiceStateUpdate, frame.d);
        if (state.kind !== 'identified') return (ws.close(4003, 'Not authenticated.'), { kind: 'closed' });
        if (vsu) this.o.onVoiceStateUpdate(state.session.id, vsu.guild_id, vsu.channel_id);
        return state;
      }
      case Op.RequestGuildMembers: {
        const req = decode(RequestGuildMembers, frame.d);
        if (state.kind !== 'identified' || !req) return state;
        for (const guildId of Array.isArray(req.guild_id) ? req.guild_id : [req.guild_id]) {
          const guild = this.o.world.guilds.get(guildId);
          if (!guild) continue;
          const members = [this.o.world.bot, ...guild.members].map((m) => this.o.world.memberPayload(guildId, m));
          this.dispatch(state.session, 'GUILD_MEMBERS_CHUNK', { guild_id: guildId, members, chunk_index: 0, chunk_count: 1, not_found: [], ...(req.nonce ? { nonce: req.nonce } : {}) });
        }
        return state;
      }
      default:
        return state;
    }
  }

  private identify(ws: WebSocket, d: unknown): ConnectionState {
    const identify = decode(Identify, d);
    if (!identify || identify.token.replace(/^Bot /, '') !== this.o.token) {
      ws.close(4004, 'Authentication failed.');
      return { kind: 'closed' };
    }
    const [shardId, shardCount] = identify.shard ?? [0, 1];
    if (shardCount !== this.o.shards || shardId < 0 || shardId >= shardCount) {
      ws.close(shardCount !== this.o.shards ? 4011 : 4010, 'Invalid shard.');
      return { kind: 'closed' };
    }
    const session: Session = { id: randomBytes(16).toString('hex'), shard: [shardId, shardCount], connectedAtMs: Date.now(), ws, seq: 0 };
    this.live.set(session.id, session);
    const { world } = this.o;
    const mine = [...world.guilds.keys()].filter((g) => shardOf(g, shardCount) === shardId);
    this.dispatch(session, 'READY', {
      v: 10,
      user: { ...world.userPayload(world.bot), verified: true, mfa_enabled: false, flags: 0 },
      guilds: mine.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.o.url(),
      shard: [shardId, shardCount],
      application: { id: this.o.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      geo_ordered_rtc_regions: ['sandbox'],
      user_settings: {},
      _trace: ['hiqty-sandbox'],
    });
    for (const guildId of mine) this.dispatch(session, 'GUILD_CREATE', world.guildCreatePayload(guildId));
    this.log.debug({ sessionId: session.id, shard: session.shard, guilds: mine.length }, 'session identified');
    this.o.events.emit('session', { sessionId: session.id, shard: session.shard });
    return { kind: 'identified', session };
  }

  private dispatch(s: Session, t: string, d: unknown): void {
    s.seq += 1;
    if (s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify({ op: Op.Dispatch, t, s: s.seq, d }));
  }
}
