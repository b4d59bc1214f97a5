/**
 * The localization maps of application commands as Discord handles them: PUT and POST refuse a map
 * with a key that is not one of Discord's locales or a value over the limit of what it localizes
 * (50035 Invalid Form Body), and GET returns the maps only when asked `with_localizations=true`
 * (discord.com/developers/docs/interactions/application-commands#localization).
 */
import { Locale } from 'discord.js';

const DISCORD_LOCALES = new Set<string>(Object.values(Locale));

/** Longest text per field: a description 100, a choice name 100, a command or option name 32. */
const LIMITS = { description: 100, choiceName: 100, name: 32 } as const;

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

function checkMap(where: string, map: unknown, max: number, problems: string[]): void {
  if (map === undefined || map === null) return;
  if (!isRecord(map)) {
    problems.push(`${where}: not an object`);
    return;
  }
  for (const [locale, text] of Object.entries(map)) {
    if (!DISCORD_LOCALES.has(locale)) problems.push(`${where}.${locale}: not a Discord locale`);
    else if (text !== null && (typeof text !== 'string' || text.length < 1 || text.length > max)) problems.push(`${where}.${locale}: must be 1 to ${max} characters`);
  }
}

function checkNode(where: string, node: Record<string, unknown>, problems: string[]): void {
  checkMap(`${where}.name_localizations`, node.name_localizations, LIMITS.name, problems);
  checkMap(`${where}.description_localizations`, node.description_localizations, LIMITS.description, problems);
  const options = Array.isArray(node.options) ? node.options : [];
  options.forEach((o, i) => {
    if (isRecord(o)) checkNode(`${where}.options.${i}`, o, problems);
  });
  const choices = Array.isArray(node.choices) ? node.choices : [];
  choices.forEach((c, i) => {
    if (isRecord(c)) checkMap(`${where}.choices.${i}.name_localizations`, c.name_localizations, LIMITS.choiceName, problems);
  });
}

/** What Discord would refuse in these definitions' localization maps; empty when it would take them. */
export function localizationProblems(definitions: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  definitions.forEach((d, i) => checkNode(String(i), d, problems));
  return problems;
}

/** A definition as GET returns it without `with_localizations=true`: every map left out, at every depth. */
export function withoutLocalizations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocalizations);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'name_localizations' && k !== 'description_localizations') out[k] = withoutLocalizations(v);
  return out;
}
