/**
 * Tells when the command connection came back at another address than the one it last had: a
 * Sentinel failover (the Sentinels named a new primary), or a managed Redis whose DNS name now points
 * at a promoted replica. A restart of the same node is not a failover and is not reported.
 */
import type { Redis } from 'ioredis';

export interface PrimaryChange {
  /** `host:port` of the previous primary (never credentials). */
  readonly from: string;
  readonly to: string;
}

/** The peer a connection's socket is connected to, or undefined while it has none. */
export function peerAddress(redis: Redis): string | undefined {
  const stream = redis.stream;
  const host = stream?.remoteAddress;
  const port = stream?.remotePort;
  if (host === undefined || port === undefined) return undefined;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Calls onChange after each `ready` whose peer differs from the previous `ready`'s. Returns a stop function. */
export function watchPrimaryAddress(redis: Redis, onChange: (change: PrimaryChange) => void): () => void {
  let last = redis.status === 'ready' ? peerAddress(redis) : undefined;
  const onReady = (): void => {
    const now = peerAddress(redis);
    if (now === undefined) return;
    if (last !== undefined && now !== last) onChange({ from: last, to: now });
    last = now;
  };
  redis.on('ready', onReady);
  return () => void redis.off('ready', onReady);
}
