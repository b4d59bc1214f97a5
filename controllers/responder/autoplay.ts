/**
 * /autoplay on|off: a DJ control like /stay. The setting is desired state; the Player acts on it when
 * a guild's queue runs out (src/autoplay).
 */
import { isLeft } from 'fp-ts/Either';
import * as ops from '../../src/ops';
import { opErrorMessage } from '../../src/ops';
import { authorize } from '../../src/policy';
import { deniedMessage, factsOf } from './access';
import type { Handler } from './handlers';

export const autoplay: Handler = async (ctx) => {
  const { snapshot } = await ctx.deps.store.snapshot(ctx.guildId);
  const verdict = authorize('autoplay', factsOf(ctx), snapshot);
  if (verdict.kind !== 'ok') return { kind: 'error', content: deniedMessage(verdict, ctx.t) };
  const mode = ctx.option('mode');
  if (mode !== 'on' && mode !== 'off') return { kind: 'error', content: ctx.t('autoplay:reply.bad-mode') };
  const r = await ops.setAutoplay(ctx.deps)({ guild: ctx.guildId, enabled: mode === 'on' })();
  if (isLeft(r)) return { kind: 'error', content: opErrorMessage(r.left, ctx.t, ctx.locale) };
  const content = ctx.t(r.right.enabled ? 'autoplay:reply.on' : 'autoplay:reply.off');
  return { kind: 'answer', body: { content, components: [] }, visibility: 'public' };
};
