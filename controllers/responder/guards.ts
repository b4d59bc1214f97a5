/**
 * The two guards every interaction passes before its handler: de-duplication (two instances on one
 * shard both receive it; only the one that claims it answers) and a per-user token bucket that holds
 * across instances. Both live in Redis, written through src/state.
 */
import type { Redis } from 'ioredis';
import type { RateLimit } from '../../src/config';
import { rateLimitKey, takeToken } from '../../src/state';

export { claimInteraction, DEDUPE_TTL_MS } from '../../src/state';

/** Commands that only show something: they change nothing, so they never cost a token. */
const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(['queue', 'nowplaying', 'history']);

/** A read-only interaction: `/queue`, `/nowplaying`, `/history`, or a queue or history page button (which only redraws the page). */
export function isReadOnly(interaction: { readonly kind: 'command'; readonly name: string } | { readonly kind: 'button'; readonly customId: string }): boolean {
  return interaction.kind === 'command' ? READ_ONLY_COMMANDS.has(interaction.name) : interaction.customId.startsWith('queue:page:') || interaction.customId.startsWith('history:page:') || interaction.customId.startsWith('lyrics:page:');
}

export type RateVerdict = { readonly kind: 'allowed' } | { readonly kind: 'limited'; readonly retryAfterMs: number; readonly limit: RateLimit };

/** Takes one token from the user's bucket. */
export async function checkRate(redis: Redis, userId: string, limit: RateLimit): Promise<RateVerdict> {
  const verdict = await takeToken(redis, rateLimitKey(userId), limit);
  return verdict.allowed ? { kind: 'allowed' } : { kind: 'limited', retryAfterMs: verdict.retryAfterMs, limit };
}
