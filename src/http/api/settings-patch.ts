/** PATCH settings, shared by the REST API and the dashboard: each named field through its op, then the settings as they are now. */
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import type * as t from 'io-ts';
import * as ops from '../../ops';
import type { OpError } from '../../ops';
import type { SettingsBody } from './bodies';
import { fromOpError, type ApiError } from './errors';

export async function patchSettings(deps: ops.OpsDeps, guild: string, b: t.TypeOf<typeof SettingsBody>): Promise<E.Either<ApiError, unknown>> {
  const run = async <R>(te: TaskEither<OpError, R>): Promise<E.Either<ApiError, R>> => E.mapLeft(fromOpError)(await te());
  const steps: Array<() => TaskEither<OpError, unknown>> = [];
  if (b.djRole !== undefined || b.maxQueue !== undefined || b.maxPerUser !== undefined || b.announceChannel !== undefined || b.language !== undefined) {
    steps.push(() => ops.updateSettings(deps)({ guild, djRole: b.djRole, maxQueue: b.maxQueue, maxPerUser: b.maxPerUser, announceChannel: b.announceChannel, language: b.language }));
  }
  const { loop, volume, stay, autoplay } = b;
  if (loop !== undefined) steps.push(() => ops.setLoop(deps)({ guild, mode: loop }));
  if (volume !== undefined) steps.push(() => ops.setVolume(deps)({ guild, percent: volume }));
  if (stay !== undefined) steps.push(() => ops.setStay(deps)({ guild, enabled: stay }));
  if (autoplay !== undefined) steps.push(() => ops.setAutoplay(deps)({ guild, enabled: autoplay }));
  for (const step of steps) {
    const r = await run(step());
    if (E.isLeft(r)) return r;
  }
  const view = await run(ops.guildView(deps)({ guild }));
  return E.map((v: ops.GuildView | undefined) => ({ ...v?.settings, announceChannel: v?.textChannel ?? null }))(view);
}
