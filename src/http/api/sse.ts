/** The guild event stream: `event: snapshot` frames over Server-Sent Events, with heartbeats. */
import type { ServerResponse } from 'node:http';
import { streamGuild, type GuildWatcher, type OpsDeps } from '../../ops';
import type { Logger } from '../../log';

/** A comment line often enough that proxies with a 30-60 s idle timeout keep the connection. */
const HEARTBEAT_MS = 15_000;

export interface OpenStreams {
  /** Ends every stream (shutdown): their clients reconnect to another instance. */
  closeAll(): void;
}

export class SseStreams implements OpenStreams {
  private readonly open = new Set<AbortController>();

  constructor(private readonly log: Logger) {}

  /** Streams one guild into an already hijacked response until the client goes or closeAll is called. */
  serve(raw: ServerResponse, deps: OpsDeps, watcher: GuildWatcher, guild: string): void {
    const abort = new AbortController();
    this.open.add(abort);
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise buffer the stream and deliver changes late.
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    raw.on('close', () => abort.abort());
    void streamGuild(deps, watcher, guild, (view) => raw.write(`event: snapshot\ndata: ${JSON.stringify(view ?? null)}\n\n`), {
      signal: abort.signal,
      onError: (reason) => this.log.warn({ guild, reason }, 'event stream read failed; retrying on the next change'),
    }).then(() => {
      clearInterval(heartbeat);
      this.open.delete(abort);
      raw.end();
    });
  }

  closeAll(): void {
    for (const abort of this.open) abort.abort();
  }
}
