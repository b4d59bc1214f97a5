/** Skip votes: a Redis set per track, with a TTL, so votes hold across instances and die with the track. */
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import type { Redis } from 'ioredis';
import { decode } from '../codecs';
import { skipVotesKey } from './keys';

export interface VoteTally {
  /** False when this member had already voted for this track. */
  readonly added: boolean;
  /** Everyone who voted for this track (including this member). */
  readonly voters: readonly string[];
}

const Members = t.array(t.string);

/** Adds one member's vote to skip a track (and renews the votes' TTL) in one MULTI, and returns all votes. */
export async function addSkipVote(redis: Redis, guild: string, trackId: string, voter: string, ttlMs: number): Promise<VoteTally> {
  const key = skipVotesKey(guild, trackId);
  const replies = await redis.multi().sadd(key, voter).pexpire(key, ttlMs).smembers(key).exec();
  const members = decode(Members, replies?.[2]?.[1]);
  return { added: replies?.[0]?.[1] === 1, voters: isRight(members) ? members.right : [voter] };
}

/** Forgets the votes of a track (it was skipped). */
export async function clearSkipVotes(redis: Redis, guild: string, trackId: string): Promise<void> {
  await redis.del(skipVotesKey(guild, trackId));
}
