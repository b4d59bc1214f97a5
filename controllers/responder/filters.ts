/**
 * /filter: turn audio filters on and off. Changing them is a DJ's, like /volume (the member must be in
 * the music's channel and, when the guild has a DJ role, hold it); `show` is anyone's.
 */
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import * as ops from '../../src/ops';
import { opErrorMessage } from '../../src/ops';
import { BASS_LEVELS, describeFilters, FILTER_PARTS, isNeutral, PRESETS, refusalText, type FilterChange } from '../../src/filters';
import { authorize } from '../../src/policy';
import { deniedMessage, factsOf } from './access';
import type { Handler, HandlerCtx, Reply } from './handlers';

const answer = (content: string, visibility: 'public' | 'ephemeral' = 'public'): Reply => ({ kind: 'answer', body: { content, components: [] }, visibility });
const refusal = (content: string): Reply => ({ kind: 'error', content });

async function fold(te: TaskEither<ops.FilterError, ops.FiltersView>, ctx: HandlerCtx, onOk: (v: ops.FiltersView) => Reply): Promise<Reply> {
  const r = await te();
  if (isLeft(r)) return refusal(r.left.kind === 'op' ? opErrorMessage(r.left.error, ctx.t, ctx.locale) : refusalText(r.left.refusal, ctx.t));
  return onOk(r.right);
}

function pick<V extends string>(values: readonly V[], raw: unknown): V | undefined {
  return values.find((v) => v === raw);
}

/** The change a subcommand asks for; undefined when its options do not make one (the reply says what to give). */
function changeOf(ctx: HandlerCtx, sub: string): FilterChange | 'equalizer-missing' | undefined {
  const num = (name: string): number | undefined => {
    const v = ctx.option(name);
    return typeof v === 'number' ? v : undefined;
  };
  switch (sub) {
    case 'preset': {
      const name = pick(PRESETS, ctx.option('name'));
      const level = pick(BASS_LEVELS, ctx.option('level'));
      return name === undefined ? undefined : { kind: 'preset', name, ...(level === undefined ? {} : { level }) };
    }
    case 'equalizer': {
      const bands = ctx.option('bands');
      if (typeof bands === 'string') return { kind: 'bands', gains: bands };
      const band = num('band');
      const gain = num('gain');
      return band === undefined || gain === undefined ? 'equalizer-missing' : { kind: 'band', band, gain };
    }
    case 'speed':
    case 'pitch':
    case 'rate':
      return { kind: 'factor', which: sub, value: num('value') ?? Number.NaN };
    case 'off': {
      const part = pick(FILTER_PARTS, ctx.option('name'));
      return { kind: 'off', ...(part === undefined ? {} : { part }) };
    }
    default:
      return undefined;
  }
}

export const filter: Handler = async (ctx) => {
  const { t } = ctx;
  const sub = ctx.subcommand ?? 'show';
  if (sub === 'show') {
    return fold(ops.readFilters(ctx.deps)({ guild: ctx.guildId }), ctx, (v) => {
      if (v.corrupt !== undefined) return answer(t('filters:show-corrupt', { reason: v.corrupt }), 'ephemeral');
      return answer(isNeutral(v.filters) ? t('filters:show-none') : t('filters:show', { list: describeFilters(v.filters, t) }), 'ephemeral');
    });
  }
  const { snapshot } = await ctx.deps.store.snapshot(ctx.guildId);
  const verdict = authorize('filters', factsOf(ctx), snapshot);
  if (verdict.kind !== 'ok') return refusal(deniedMessage(verdict, t));
  const change = changeOf(ctx, sub);
  if (change === undefined) return refusal(t('common:handler-failed'));
  if (change === 'equalizer-missing') return refusal(t('filters:equalizer-missing'));
  return fold(ops.setFilters(ctx.deps)({ guild: ctx.guildId, change }), ctx, (v) => {
    if (isNeutral(v.filters)) return answer(t('filters:all-off'));
    const list = describeFilters(v.filters, t);
    return answer(v.changed ? t('filters:now', { list }) : t('filters:unchanged', { list }));
  });
};
