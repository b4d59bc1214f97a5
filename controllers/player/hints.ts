/**
 * Which keyspace notifications should wake the Player for a guild. Every instance hears every
 * change, so the owner's routine writes (status checkpoints every second, lock renewals every TTL/3)
 * would make every other instance reconcile every playing guild all the time. Those are dropped here;
 * a lock that goes away (released or expired) or is replaced is exactly what instances must hear about.
 */
import { parseGuildKey } from '../../src/state';

export function playerHint(redisKey: string, event: string): string | undefined {
  const parsed = parseGuildKey(redisKey);
  if (!parsed) return undefined;
  switch (parsed.kind) {
    case 'status':
    case 'epoch':
    case 'quarantine':
      return undefined;
    case 'player_lock':
      // A lock that goes away is what another instance must hear about; a lock set (a claim, or an
      // operator's overwrite) makes a holder whose value it replaced step back at once. Renewals
      // (`expire` events) wake nobody.
      return event === 'del' || event === 'expired' || event === 'set' ? parsed.guild : undefined;
    default:
      return parsed.guild;
  }
}
