/**
 * The guild event stream: `event: snapshot` frames over Server-Sent Events, with heartbeats.
 *
 * Backpressure: while a client's socket is not draining, a stream keeps only the latest snapshot (a
 * snapshot is the whole view, so older ones are worth nothing once a newer one exists) and writes it on
 * `drain`. So a slow reader costs at most one pending frame, never a backlog.
 *
 * Streams are capped per instance and per token (the counts are this instance's, not cluster-wide); a
 * stream beyond a cap is refused with 429 before anything is written.
 */
import type { ServerResponse } from 'node:http';
import { streamGuild, type GuildWatcher, type OpsDeps } from '../../ops';
import type { Logger } from '../../log';

/** A comment line often enough that proxies with a 30-60 s idle timeout keep the connection. */
const HEARTBEAT_MS = 15_000;

/** A client that has not taken a byte for this long is gone in all but name: its stream is closed, freeing the slot. */
export const STALLED_STREAM_CLOSE_MS = 60_000;

export interface StreamCaps {
  /** Streams this instance serves at once (HIQTY_API_MAX_STREAMS, default 200). */
  readonly perInstance: number;
  /** Streams one token holds open on this instance (HIQTY_API_MAX_STREAMS_PER_TOKEN, default 20). */
  readonly perToken: number;
}

export const DEFAULT_STREAM_CAPS: StreamCaps = { perInstance: 200, perToken: 20 };

export type StreamRefusal = { readonly cap: 'instance' | 'token'; readonly limit: number };

export interface OpenStreams {
  /** Ends every stream (shutdown): their clients reconnect to another instance. */
  closeAll(): void;
}

/** Writes frames to one response, keeping only the latest snapshot while the socket does not drain. */
class LatestOnlyWriter {
  private pending: string | undefined;
  private blocked = false;
  private stalledTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly raw: ServerResponse,
    private readonly onStalled: () => void,
  ) {
    raw.on('drain', () => this.drained());
  }

  /** One event whose data is the whole state (a newer one makes an older one worthless). */
  event(name: string, data: unknown): void {
    const frame = `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    if (this.blocked) this.pending = frame;
    else this.write(frame);
  }

  /** Skipped while blocked: bytes are already waiting, which keeps proxies from timing out just as well. */
  heartbeat(): void {
    if (!this.blocked) this.write(': keep-alive\n\n');
  }

  dispose(): void {
    clearTimeout(this.stalledTimer);
  }

  private write(frame: string): void {
    if (this.raw.write(frame)) return;
    this.blocked = true;
    this.stalledTimer = setTimeout(this.onStalled, STALLED_STREAM_CLOSE_MS);
  }

  private drained(): void {
    clearTimeout(this.stalledTimer);
    this.blocked = false;
    const frame = this.pending;
    this.pending = undefined;
    if (frame !== undefined) this.write(frame);
  }
}

export class SseStreams implements OpenStreams {
  private readonly open = new Set<AbortController>();
  private readonly byToken = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly caps: StreamCaps = DEFAULT_STREAM_CAPS,
  ) {}

  /** Why one more stream for this token would be refused, or undefined when it fits. */
  refusal(token: string): StreamRefusal | undefined {
    if (this.open.size >= this.caps.perInstance) return { cap: 'instance', limit: this.caps.perInstance };
    if ((this.byToken.get(token) ?? 0) >= this.caps.perToken) return { cap: 'token', limit: this.caps.perToken };
    return undefined;
  }

  /** Streams currently open (all tokens). */
  get size(): number {
    return this.open.size;
  }

  /**
   * Streams one guild into an already hijacked response until the client goes or closeAll is called.
   * Call right after refusal() said it fits, with nothing awaited in between.
   */
  serve(raw: ServerResponse, deps: OpsDeps, watcher: GuildWatcher, guild: string, token: string): void {
    this.serveWith(raw, guild, token, (send, signal) =>
      streamGuild(deps, watcher, guild, (view) => send('snapshot', view ?? null), {
        signal,
        onError: (reason) => this.log.warn({ guild, reason }, 'event stream read failed; retrying on the next change'),
      }),
    );
  }

  /**
   * The same, for any producer of whole-state events (the dashboard's `event: guild`): `produce` sends
   * events until the signal aborts, and resolves then. Counted against the same caps under `owner`.
   */
  serveWith(raw: ServerResponse, guild: string, owner: string, produce: (send: (event: string, data: unknown) => void, signal: AbortSignal) => Promise<void>): void {
    const token = owner;
    const abort = new AbortController();
    this.open.add(abort);
    this.byToken.set(token, (this.byToken.get(token) ?? 0) + 1);
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise buffer the stream and deliver changes late.
      'x-accel-buffering': 'no',
    });
    const writer = new LatestOnlyWriter(raw, () => {
      this.log.info({ guild }, `event stream closed: the client took nothing for ${STALLED_STREAM_CLOSE_MS / 1000} s`);
      abort.abort();
      raw.destroy();
    });
    raw.write('retry: 2000\n\n');
    const heartbeat = setInterval(() => writer.heartbeat(), HEARTBEAT_MS);
    raw.on('close', () => abort.abort());
    void produce((event, data) => writer.event(event, data), abort.signal).then(() => {
      clearInterval(heartbeat);
      writer.dispose();
      this.open.delete(abort);
      const left = (this.byToken.get(token) ?? 1) - 1;
      if (left > 0) this.byToken.set(token, left);
      else this.byToken.delete(token);
      raw.end();
    });
  }

  closeAll(): void {
    for (const abort of this.open) abort.abort();
  }
}
