/**
 * The record of a guild's now-playing message (`hiqty:server:{g}:np_message`): which message shows which
 * track. Replaced only by compare-and-set, so that of two instances posting during a handover one wins.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { decodeJson } from '../codecs';
import { npMessageKey } from './keys';
import { registerScripts } from './scripts';

export const NpRecord = t.type({
  channelId: t.string,
  messageId: t.string,
  trackId: t.string,
  /** Everything the message shows except the position: a change here is edited at once. */
  signature: t.string,
  editedAt: t.number,
  /** The track ended or the music stopped: the message shows that, without buttons. */
  ended: t.boolean,
});
export type NpRecord = t.TypeOf<typeof NpRecord>;

/** What the record holds now: `raw` is the compare-and-set's expected value (null: absent); a value that does not decode reads as no record. */
export interface NpRecordRead {
  readonly raw: string | null;
  readonly record: NpRecord | undefined;
}

export async function readNpRecord(redis: Redis, guild: string): Promise<NpRecordRead> {
  const raw = await redis.get(npMessageKey(guild));
  const decoded = raw === null ? undefined : decodeJson(NpRecord, raw);
  return { raw, record: decoded !== undefined && !isLeft(decoded) ? decoded.right : undefined };
}

/** Writes next (null deletes) if the record is still `expected` (a raw value from readNpRecord). True when written. */
export async function replaceNpRecord(redis: Redis, guild: string, expected: string | null, next: NpRecord | null): Promise<boolean> {
  registerScripts(redis);
  return (await redis.hiqtyCompareAndSet(npMessageKey(guild), expected ?? '', next === null ? '' : JSON.stringify(next), '')) === 1;
}
