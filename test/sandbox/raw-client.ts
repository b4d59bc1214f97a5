/**
 * Hand-driven gateway and voice clients: for what the real clients would never do (send a corrupted
 * packet, keep sending after 4014, resume) and for exact checks of what the sandbox sends.
 */
import { createSocket, type Socket } from 'node:dgram';
import WebSocket from 'ws';
import * as t from 'io-ts';
import { decode, parseJson } from '../../src/sandbox/frames';
import { encryptRtp, type VoiceMode } from '../../src/sandbox/rtp-crypto';
import { DAVESession, ProposalsOperationType } from '@snazzah/davey';
import type { Sandbox } from '../../src/sandbox';

const Incoming = t.intersection([t.type({ op: t.number, d: t.unknown }), t.partial({ t: t.union([t.string, t.null]), seq: t.number })]);
type Incoming = t.TypeOf<typeof Incoming>;

/** A WebSocket whose frames can be awaited by predicate, including frames that arrived earlier. */
class FrameQueue {
  readonly frames: Incoming[] = [];
  /** Sequence numbers of every frame, JSON and binary, in arrival order (what seq_ack follows). */
  readonly seqs: number[] = [];
  /** Binary frames `[seq u16][op u8][payload]`, to whoever listens (the DAVE side of a raw voice client). */
  onBinary: ((op: number, payload: Buffer) => void) | undefined;
  /** Every JSON frame as it arrives, before waiters see it. */
  onJson: ((frame: Incoming) => void) | undefined;
  private waiters: Array<{ match: (f: Incoming) => boolean; resolve: (f: Incoming) => void }> = [];
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        if (data.length < 3) return;
        this.seqs.push(data.readUInt16BE(0));
        this.onBinary?.(data.readUInt8(2), Buffer.from(data.subarray(3)));
        return;
      }
      const frame = decode(Incoming, parseJson(data.toString()));
      if (!frame) return;
      if (frame.seq !== undefined) this.seqs.push(frame.seq);
      this.onJson?.(frame);
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => {});
  }

  /** The first frame from index `from` on that matches, waiting for it if needed. */
  next(match: (f: Incoming) => boolean, timeoutMs = 5000, from = 0): Promise<Incoming> {
    const seen = this.frames.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  sendBinary(op: number, payload: Buffer): void {
    this.ws.send(Buffer.concat([Buffer.from([op]), payload]), { binary: true });
  }
}

function record(u: unknown): Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u) ? Object.fromEntries(Object.entries(u)) : {};
}

export interface RawSession {
  readonly sessionId: string;
  readonly queue: FrameQueue;
  /** Dispatches with this event name, in arrival order. */
  dispatches(name: string): Record<string, unknown>[];
  /** The next matching dispatch after the `from`-th frame (default: any, including earlier ones). */
  nextDispatch(name: string, match?: (d: Record<string, unknown>) => boolean, timeoutMs?: number, from?: number): Promise<Record<string, unknown>>;
  close(): void;
}

/** Where to connect: a Sandbox, or its URL and token passed to another process. */
export type GatewayTarget = Pick<Sandbox, 'gatewayUrl' | 'token'>;

export async function rawSession(sb: GatewayTarget, shard: [number, number] = [0, 1]): Promise<RawSession> {
  const ws = new WebSocket(`${sb.gatewayUrl}?v=10&encoding=json`);
  const queue = new FrameQueue(ws);
  await queue.next((f) => f.op === 10);
  queue.send(2, { token: sb.token, intents: 1 | 128, shard, properties: { os: 'linux', browser: 'raw', device: 'raw' } });
  const refused = queue.closed.then((code) => Promise.reject(new Error(`gateway closed the session with ${code}`)));
  // Marked handled: once READY has won the race, a later close must not be an unhandled rejection.
  refused.catch(() => undefined);
  const ready = await Promise.race([queue.next((f) => f.op === 0 && f.t === 'READY'), refused]);
  const sessionId = String(record(ready.d).session_id);
  const dispatches = (name: string): Record<string, unknown>[] => queue.frames.filter((f) => f.op === 0 && f.t === name).map((f) => record(f.d));
  return {
    sessionId,
    queue,
    dispatches,
    nextDispatch: async (name, match = () => true, timeoutMs, from) => record((await queue.next((f) => f.op === 0 && f.t === name && match(record(f.d)), timeoutMs, from)).d),
    close: () => ws.close(1000),
  };
}

export interface RawDave {
  readonly session: DAVESession;
  /** The first transition executed (op 22) for this client. */
  readonly executed: Promise<number>;
  /** Transition ids executed so far. */
  readonly executedIds: readonly number[];
  /** The DAVE opcodes received, in order (binary and JSON). */
  readonly ops: readonly number[];
  /** What a client does when it cannot process a commit or welcome: op 31, re-initialise, a new key package. */
  recover(transitionId: number): void;
}

export interface RawVoice {
  readonly ssrc: number;
  readonly mode: VoiceMode;
  readonly closed: Promise<number>;
  /** The voice WebSocket's frames (sequence numbers included). */
  readonly queue: FrameQueue;
  /** The session description's dave_protocol_version. */
  readonly daveProtocolVersion: number;
  /** With `dave`: the client's own davey session, and a promise of its first executed transition. */
  readonly dave: RawDave | undefined;
  /**
   * Sends one audio packet; `corrupt` flips a ciphertext byte after encryption. A DAVE client wraps
   * the frame in DAVE first once its session is ready, as @discordjs/voice does (`e2ee: false`
   * sends it transport-only; `e2ee: true` insists).
   */
  send(opus: Buffer, options?: { corrupt?: boolean; e2ee?: boolean }): void;
  /** Resolves once every packet sent so far has left the socket: close() drops the ones still queued. */
  sent(): Promise<void>;
  close(): void;
}

/** Joins voice through a raw session and completes the voice handshake by hand. */
/**
 * `dave`: offer DAVE and run a davey session; `holdCommits`: keep each commit back until the server
 * relayed someone else's (op 29/30), so that it is always late.
 */
export async function rawVoice(session: RawSession, guildId: string, channelId: string, { dave = false, holdCommits = false }: { dave?: boolean; holdCommits?: boolean } = {}): Promise<RawVoice> {
  const from = session.queue.frames.length;
  session.queue.send(4, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: true });
  const update = await session.nextDispatch('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId, 5000, from);
  const endpoint = String(update.endpoint);
  const ws = new WebSocket(`wss://${endpoint}?v=8`);
  const q = new FrameQueue(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const userId = userIdOf(session);
  const daveSide = dave ? daveClient(q, userId, channelId, holdCommits) : undefined;
  q.send(0, { server_id: guildId, user_id: userId, session_id: session.sessionId, token: update.token, max_dave_protocol_version: dave ? 1 : 0 });
  const ready = record((await q.next((f) => f.op === 2)).d);
  const ssrc = Number(ready.ssrc);
  const port = Number(ready.port);
  const modes = Array.isArray(ready.modes) ? ready.modes.map(String) : [];
  const udp: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  q.send(1, { protocol: 'udp', data: { address: '127.0.0.1', port: udp.address().port, mode: modes[0] } });
  const description = record((await q.next((f) => f.op === 4)).d);
  const mode: VoiceMode = description.mode === 'aead_xchacha20_poly1305_rtpsize' ? 'aead_xchacha20_poly1305_rtpsize' : 'aead_aes256_gcm_rtpsize';
  const key = Uint8Array.from(Array.isArray(description.secret_key) ? description.secret_key.map(Number) : []);
  const daveProtocolVersion = Number(description.dave_protocol_version);
  if (daveSide && daveProtocolVersion >= 1) daveSide.start();
  let sequence = 0;
  let timestamp = 0;
  let nonce = 0;
  let pending = 0;
  const idle: Array<() => void> = [];
  const onSent = (): void => {
    pending -= 1;
    if (pending === 0) for (const resolve of idle.splice(0)) resolve();
  };
  return {
    ssrc,
    mode,
    closed: q.closed,
    queue: q,
    daveProtocolVersion,
    dave: daveSide,
    send(frame, options = {}) {
      const e2ee = options.e2ee ?? (daveSide?.session.ready === true && !isSilence(frame));
      const opus = e2ee && daveSide ? daveSide.session.encryptOpus(frame) : frame;
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 0x78;
      header.writeUInt16BE(sequence++ & 0xffff, 2);
      header.writeUInt32BE((timestamp += 960) >>> 0, 4);
      header.writeUInt32BE(ssrc, 8);
      const packet = encryptRtp(mode, key, header, opus, nonce++);
      if (options.corrupt) packet[14] = (packet[14] ?? 0) ^ 0xff;
      pending += 1;
      udp.send(packet, port, '127.0.0.1', onSent);
    },
    sent: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
    close() {
      ws.close(1000);
      udp.close();
    },
  };
}

const botIds = new WeakMap<RawSession, string>();
function userIdOf(session: RawSession): string {
  const known = botIds.get(session);
  if (known) return known;
  const ready = session.queue.frames.find((f) => f.t === 'READY');
  const id = String(record(record(ready?.d).user).id);
  botIds.set(session, id);
  return id;
}

/**
 * A DAVE client by hand, driving its own davey session the way @discordjs/voice does: key package
 * after the session description, commits for proposals, ready (op 23) after a commit or welcome.
 */
function daveClient(q: FrameQueue, userId: string, channelId: string, holdCommits: boolean): RawDave & { start(): void } {
  const session = new DAVESession(1, userId, channelId);
  const executedIds: number[] = [];
  const ops: number[] = [];
  let held: Buffer | undefined;
  let externalSender: Buffer | undefined;
  const connected = new Set<string>();
  const pending = new Set<number>();
  let executedResolve: (id: number) => void = () => undefined;
  const executed = new Promise<number>((resolve) => (executedResolve = resolve));
  q.onBinary = (op, payload) => {
    ops.push(op);
    try {
      if (op === 25) {
        externalSender = payload;
        session.setExternalSender(payload);
      }
      else if (op === 27) {
        const type = payload.readUInt8(0) === 0 ? ProposalsOperationType.APPEND : ProposalsOperationType.REVOKE;
        const { commit, welcome } = session.processProposals(type, payload.subarray(1), [...connected]);
        const answer = commit && (welcome ? Buffer.concat([commit, welcome]) : commit);
        if (answer && holdCommits) held = answer;
        else if (answer) q.sendBinary(28, answer);
      } else if (op === 29 || op === 30) {
        const id = payload.readUInt16BE(0);
        if (op === 29) session.processCommit(payload.subarray(2));
        else session.processWelcome(payload.subarray(2));
        pending.add(id);
        q.send(23, { transition_id: id });
        if (held) q.sendBinary(28, held);
        held = undefined;
      }
    } catch {
      // A raw client only needs the happy path; a failure shows up as a missing transition.
    }
  };
  q.onJson = (f) => {
    if (f.op >= 11) ops.push(f.op);
    const d = record(f.d);
    if (f.op === 11 && Array.isArray(d.user_ids)) for (const id of d.user_ids) connected.add(String(id));
    if (f.op === 13) connected.delete(String(d.user_id));
    if (f.op === 22 && pending.delete(Number(d.transition_id))) {
      executedIds.push(Number(d.transition_id));
      executedResolve(Number(d.transition_id));
    }
  };
  return {
    session,
    executed,
    executedIds,
    ops,
    recover(transitionId) {
      q.send(31, { transition_id: transitionId });
      session.reinit(1, userId, channelId);
      if (externalSender) session.setExternalSender(externalSender);
      q.sendBinary(26, session.getSerializedKeyPackage());
    },
    start: () => q.sendBinary(26, session.getSerializedKeyPackage()),
  };
}

function isSilence(frame: Buffer): boolean {
  return frame.length === 3 && frame[0] === 0xf8 && frame[1] === 0xff && frame[2] === 0xfe;
}
