/**
 * Reading and writing a service's answer kept in a SourceCache. A cached entry is only a copy: one that
 * does not decode, or a cache that is away, means asking the service again, never a failure.
 */
import type * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { decodeJson } from '../codecs';
import type { Logger } from '../log';
import type { SourceCache } from '../state/source-cache';

/** `what` names the cache in log lines ("search", "resolve"). */
export async function readCached<A>(cache: SourceCache, codec: t.Type<A, unknown, unknown>, source: string, key: string, what: string, log: Logger): Promise<A | undefined> {
  let raw: string | undefined;
  try {
    raw = await cache.get(source, key);
  } catch (err) {
    log.debug({ err, source }, `${what} cache unavailable: asking the source`);
    return undefined;
  }
  if (raw === undefined) return undefined;
  const decoded = decodeJson(codec, raw);
  if (isLeft(decoded)) {
    log.warn({ source, problems: decoded.left.slice(0, 3) }, `${what} cache entry does not decode: asking the source again`);
    return undefined;
  }
  return decoded.right;
}

export async function writeCached(cache: SourceCache, source: string, key: string, value: unknown, what: string, log: Logger): Promise<void> {
  await cache.set(source, key, JSON.stringify(value)).catch((err: unknown) => log.debug({ err, source }, `${what} cache not written`));
}
