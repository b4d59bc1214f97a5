/**
 * The dashboard's writes: each route names the src/policy action it needs, decodes its body with io-ts,
 * and runs the op from src/ops that the slash command and the REST API run. The policy check happens
 * once, before the op, in `index.ts`'s edge (so no route can forget it).
 */
import * as E from 'fp-ts/Either';
import * as TE from 'fp-ts/TaskEither';
import type * as t from 'io-ts';
import { decode } from '../../codecs';
import { FilterChange } from '../../filters';
import * as ops from '../../ops';
import type { OpError } from '../../ops';
import type { GuildSnapshot } from '../../state';
import { apiError, fromOpError } from '../api/errors';
import { fromFilterError } from '../api/filter-routes';
import { patchSettings } from '../api/settings-patch';
import { AddBody, AutoplayBody, EmptyBody, LoopBody, MoveBody, SeekBody, SettingsBody, VolumeBody } from './bodies';
import type { DashError } from './errors';
import type { GuildAccess } from './guild';
import { removesOthers, type DashboardAction } from './permissions';
import type { Runtime } from './runtime';

export interface ActionContext {
  readonly rt: Runtime;
  readonly access: GuildAccess;
  readonly snapshot: GuildSnapshot;
  readonly user: { readonly id: string; readonly name: string };
  /** The `:index` path parameter, decoded (1-based), where the route has one. */
  readonly index: number;
  readonly body: unknown;
  /** The voice channel the policy allowed the action in, for actions that need voice. */
  readonly channel: string | undefined;
}

export interface ActionRoute {
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  /** Under /dashboard/api/guilds/:id. */
  readonly path: string;
  readonly action: DashboardAction;
  readonly run: (ctx: ActionContext) => TE.TaskEither<DashError, unknown>;
}

const op = <R>(te: TE.TaskEither<OpError, R>): TE.TaskEither<DashError, R> => TE.mapLeft(fromOpError)(te);

/** Decodes the body, then runs the op with it. */
function withBody<A, O>(codec: t.Type<A, O, unknown>, ctx: ActionContext, then: (a: A) => TE.TaskEither<DashError, unknown>): TE.TaskEither<DashError, unknown> {
  const decoded = decode(codec, ctx.body ?? {});
  return E.isLeft(decoded) ? TE.left(apiError(400, 'invalid-body', decoded.left.join('; '))) : then(decoded.right);
}

const guildOf = (ctx: ActionContext): string => ctx.access.guild.id;
const channelPart = (ctx: ActionContext): { channel?: string } => (ctx.channel === undefined ? {} : { channel: ctx.channel });


/** A control with an empty body. */
const control = (path: string, action: DashboardAction, run: (deps: ops.OpsDeps, guild: string) => TE.TaskEither<OpError, unknown>): ActionRoute => ({
  method: 'POST',
  path,
  action,
  run: (ctx) => withBody(EmptyBody, ctx, () => op(run(ctx.rt.ops, guildOf(ctx)))),
});

export const ACTION_ROUTES: readonly ActionRoute[] = [
  {
    method: 'POST',
    path: '/tracks',
    action: 'play',
    run: (ctx) =>
      withBody(AddBody, ctx, (b) => op(ops.play(ctx.rt.ops)({ guild: guildOf(ctx), query: b.query, requester: ctx.user, next: b.next === true, ...channelPart(ctx) }))),
  },
  {
    method: 'POST',
    path: '/tracks/move',
    action: 'move',
    run: (ctx) => withBody(MoveBody, ctx, (b) => op(ops.move(ctx.rt.ops)({ guild: guildOf(ctx), from: b.from, to: b.to }))),
  },
  {
    method: 'DELETE',
    path: '/tracks/:index',
    action: 'remove',
    run: (ctx) =>
      op(ops.remove(ctx.rt.ops)({ guild: guildOf(ctx), index: ctx.index, by: ctx.user.id, mayRemoveOthers: removesOthers({ guild: ctx.access.guild, member: ctx.access.member, snapshot: ctx.snapshot }) })),
  },
  {
    method: 'POST',
    path: '/tracks/:index/next',
    action: 'move',
    // Play next: the entry moves right after the current track.
    run: (ctx) => withBody(EmptyBody, ctx, () => op(ops.move(ctx.rt.ops)({ guild: guildOf(ctx), from: ctx.index, to: 2 }))),
  },
  control('/skip', 'skip', (deps, guild) => ops.skip(deps)({ guild })),
  {
    method: 'POST',
    path: '/previous',
    action: 'previous',
    run: (ctx) => withBody(EmptyBody, ctx, () => op(ops.previous(ctx.rt.ops)({ guild: guildOf(ctx), ...channelPart(ctx) }))),
  },
  control('/pause', 'pause', (deps, guild) => ops.pause(deps)({ guild })),
  control('/resume', 'resume', (deps, guild) => ops.resume(deps)({ guild })),
  control('/shuffle', 'shuffle', (deps, guild) => ops.shuffle(deps)({ guild })),
  control('/clear', 'clear', (deps, guild) => ops.clear(deps)({ guild })),
  {
    method: 'POST',
    path: '/seek',
    action: 'seek',
    run: (ctx) => withBody(SeekBody, ctx, (b) => op(ops.seek(ctx.rt.ops)({ guild: guildOf(ctx), position: b.positionMs / 1000 }))),
  },
  {
    method: 'POST',
    path: '/volume',
    action: 'volume',
    run: (ctx) => withBody(VolumeBody, ctx, (b) => op(ops.setVolume(ctx.rt.ops)({ guild: guildOf(ctx), percent: b.percent }))),
  },
  {
    method: 'POST',
    path: '/loop',
    action: 'loop',
    run: (ctx) => withBody(LoopBody, ctx, (b) => op(ops.setLoop(ctx.rt.ops)({ guild: guildOf(ctx), mode: b.mode }))),
  },
  {
    method: 'POST',
    path: '/autoplay',
    action: 'autoplay',
    run: (ctx) => withBody(AutoplayBody, ctx, (b) => op(ops.setAutoplay(ctx.rt.ops)({ guild: guildOf(ctx), enabled: b.enabled }))),
  },
  {
    method: 'PATCH',
    path: '/filters',
    action: 'filters',
    run: (ctx) => withBody(FilterChange, ctx, (change) => TE.mapLeft(fromFilterError)(ops.setFilters(ctx.rt.ops)({ guild: guildOf(ctx), change }))),
  },
  {
    method: 'POST',
    path: '/quarantine/:index/requeue',
    action: 'requeue',
    run: (ctx) => op(ops.requeueQuarantined(ctx.rt.ops)({ guild: guildOf(ctx), index: ctx.index })),
  },
  {
    method: 'PATCH',
    path: '/settings',
    action: 'settings',
    run: (ctx) => withBody(SettingsBody, ctx, (b) => applySettings(ctx.rt.ops, guildOf(ctx), b)),
  },
];

/** PATCH settings, exactly as the REST API's. */
function applySettings(deps: ops.OpsDeps, guild: string, b: t.TypeOf<typeof SettingsBody>): TE.TaskEither<DashError, unknown> {
  return () => patchSettings(deps, guild, b);
}
