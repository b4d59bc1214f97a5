/**
 * Registration at start-up (HIQTY_COMMANDS_SCOPE): GET what Discord has, PUT only when our definitions
 * differ, so a rollout of N instances does not re-register N times (Discord limits command creates).
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { Routes, type REST } from 'discord.js';
import type { CommandsScope } from '../../src/config';
import type { Logger } from '../../src/log';

export type RegistrationOutcome = { readonly scope: string; readonly action: 'unchanged' | 'registered' };

const Registered = t.array(t.UnknownRecord);

/**
 * Keys Discord adds or defaults that say nothing about a definition's meaning. The localization maps
 * are compared (a changed translation is registered); Discord returns them when asked
 * `with_localizations=true`, and its `name_localized`/`description_localized` otherwise.
 */
const SERVER_KEYS = new Set(['id', 'application_id', 'version', 'guild_id', 'dm_permission', 'nsfw', 'integration_types', 'name_localized', 'description_localized', 'handler']);

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** Drops absent-equivalent values (null, false, [], {}) and server-side keys, so ours and Discord's compare. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SERVER_KEYS.has(k) || v === null || v === undefined || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = normalize(v);
  }
  return out;
}

/** Whether every field we define is what Discord holds (Discord may hold more, e.g. its contexts). */
export function covers(theirs: unknown, ours: unknown): boolean {
  if (Array.isArray(ours)) return Array.isArray(theirs) && theirs.length === ours.length && ours.every((o, i) => covers(theirs[i], o));
  if (isRecord(ours)) return isRecord(theirs) && Object.entries(ours).every(([k, v]) => covers(theirs[k], v));
  return theirs === ours;
}

export function sameDefinitions(registered: readonly unknown[], ours: readonly unknown[]): boolean {
  if (registered.length !== ours.length) return false;
  const byName = new Map(registered.map((r) => [isRecord(r) ? r.name : undefined, normalize(r)]));
  return ours.every((o) => isRecord(o) && covers(byName.get(o.name), normalize(o)));
}

export async function registerCommands(rest: REST, applicationId: string, scope: CommandsScope, definitions: readonly unknown[], log: Logger): Promise<RegistrationOutcome[]> {
  if (scope.kind === 'off') {
    log.info('HIQTY_COMMANDS_SCOPE is off: slash commands are not registered');
    return [];
  }
  const targets = scope.kind === 'global' ? [{ name: 'global', route: Routes.applicationCommands(applicationId) }] : scope.ids.map((id) => ({ name: `guild:${id}`, route: Routes.applicationGuildCommands(applicationId, id) }));
  const outcomes: RegistrationOutcome[] = [];
  for (const target of targets) {
    const current = Registered.decode(await rest.get(target.route, { query: new URLSearchParams({ with_localizations: 'true' }) }));
    if (!isLeft(current) && sameDefinitions(current.right, definitions)) {
      log.info({ scope: target.name, commands: definitions.length }, 'slash commands already registered: unchanged');
      outcomes.push({ scope: target.name, action: 'unchanged' });
      continue;
    }
    await rest.put(target.route, { body: definitions });
    log.info({ scope: target.name, commands: definitions.length }, 'slash commands registered');
    outcomes.push({ scope: target.name, action: 'registered' });
  }
  return outcomes;
}
