/** /autoplay on|off: the guild setting that makes the Player queue a related track when the queue runs out (src/autoplay). */
import * as t from 'io-ts';
import type { TaskEither } from 'fp-ts/TaskEither';
import { Snowflake } from '../codecs';
import type { OpsDeps } from './deps';
import type { OpError } from './errors';
import { fail, ok, withInput } from './run';

export const AutoplayInput = t.type({ guild: Snowflake, enabled: t.boolean });
export type AutoplayInput = t.TypeOf<typeof AutoplayInput>;

export type AutoplayResult = { readonly kind: 'autoplay-set'; readonly enabled: boolean };

export const setAutoplay =
  (deps: OpsDeps) =>
  (input: AutoplayInput): TaskEither<OpError, AutoplayResult> =>
    withInput(AutoplayInput, input, async (i) => {
      const r = await deps.store.setSettings(i.guild, { autoplay: i.enabled });
      return r.kind === 'invalid' ? fail({ kind: 'invalid-input', problems: r.problems }) : ok({ kind: 'autoplay-set', enabled: i.enabled });
    });
