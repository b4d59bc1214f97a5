/**
 * `/play`'s autocomplete against the service fakes: the time from a member's keystroke (the autocomplete
 * interaction) to the bot's choices, which Discord drops after 3 s. The member types "never gonna give you up"
 * word by word; "cold": each prefix the first time (Redis flushed before, so YouTube and SoundCloud are both
 * searched); "warm": the same prefix again, answered from the Redis search cache. Sources per answer is how
 * many services the choices came from (2: both).
 */
import type { GuildSpec } from '../src/sandbox';
import type { BenchStage } from './stage';
import { summarize, type Summary } from './stats';

export interface AutocompleteFigures {
  readonly cold: Summary;
  readonly warm: Summary;
  /** Mean number of distinct sources in an answer's choices. */
  readonly sourcesPerAnswer: number;
}

const SOURCE_MARK = /· (YouTube Music|YouTube|SoundCloud)$/;
const TYPED = 'never gonna give you up';

/** `rounds` of typing the whole query, each prefix asked cold then warm. */
export async function measureAutocomplete(stage: BenchStage, guild: GuildSpec, rounds: number): Promise<AutocompleteFigures> {
  await stage.startBot();
  const user = guild.members[0];
  if (!user) throw new Error(`guild ${guild.id} has no member`);
  const cold: number[] = [];
  const warm: number[] = [];
  const sources: number[] = [];
  const ask = async (query: string): Promise<number> => {
    const sentAt = performance.now();
    const view = await stage.sandbox.autocomplete(guild.id, user.id, 'play', { query }, 'query');
    const ms = performance.now() - sentAt;
    const names = (view.choices ?? []).flatMap((c) => (typeof c === 'object' && c !== null && 'name' in c && typeof c.name === 'string' ? [c.name] : []));
    sources.push(new Set(names.flatMap((n) => SOURCE_MARK.exec(n)?.[1] ?? [])).size);
    return ms;
  };
  const words = TYPED.split(' ');
  for (let round = 0; round < rounds; round++) {
    // Every round starts from an empty cache: cold means nobody asked the prefix before.
    await stage.db.flushall();
    for (let n = 1; n <= words.length; n++) {
      const prefix = words.slice(0, n).join(' ');
      cold.push(await ask(prefix));
      warm.push(await ask(prefix));
    }
  }
  await stage.stopBots();
  return { cold: summarize(cold), warm: summarize(warm), sourcesPerAnswer: sources.reduce((a, b) => a + b, 0) / Math.max(1, sources.length) };
}
