/** Guild settings an admin changes: DJ role, queue limits, announce channel, announcement language. */
import type { TaskEither } from 'fp-ts/TaskEither';
import type { Settings } from '../state';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { GuildInput, SettingsInput } from './inputs';
import { fail, ok, withInput } from './run';

export interface SettingsView {
  readonly kind: 'settings';
  readonly settings: Settings;
  readonly announceChannel: string | undefined;
  /** The queue limit in force: the guild's own, else the instance default. */
  readonly effectiveMaxQueue: number;
  /** Whether this call changed anything. */
  readonly changed: boolean;
}

export const updateSettings =
  (deps: OpsDeps) =>
  (input: SettingsInput): TaskEither<OpError, SettingsView> =>
    withInput(SettingsInput, input, async (i) => {
      const patch = { dj_role: i.djRole, max_queue: i.maxQueue, max_per_user: i.maxPerUser, language: i.language };
      const changed = Object.values(patch).some((v) => v !== undefined) || i.announceChannel !== undefined;
      const r = await deps.store.setSettings(i.guild, patch);
      if (r.kind === 'invalid') return fail({ kind: 'invalid-input', problems: r.problems });
      if (i.announceChannel !== undefined) await deps.store.setTextChannel(i.guild, i.announceChannel);
      const { snapshot } = await deps.store.snapshot(i.guild);
      return ok({ kind: 'settings', settings: snapshot.settings, announceChannel: snapshot.textChannel, effectiveMaxQueue: snapshot.settings.max_queue ?? deps.limits.defaultMaxQueue, changed });
    });

export const readSettings =
  (deps: OpsDeps) =>
  (input: GuildInput): TaskEither<OpError, SettingsView> =>
    updateSettings(deps)({ guild: input.guild });
