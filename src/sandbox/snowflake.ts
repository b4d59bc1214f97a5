/**
 * Snowflake ids the way Discord builds them, so that the shard formula spreads sandbox guilds the
 * way it spreads real ones.
 */
const DISCORD_EPOCH = 1_420_070_400_000n;

let increment = 0n;

/** A new id whose timestamp part is the given wall-clock time. */
export function snowflake(atMs: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return ((BigInt(Math.floor(atMs)) - DISCORD_EPOCH) << 22n | increment).toString();
}

/** Discord's shard formula: which shard receives a guild's events. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
