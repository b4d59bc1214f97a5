/**
 * /playlist: save, load, list, show, delete, rename and add, for the member's own playlists (scope mine,
 * the default) or the server's. Changing the server's needs Manage Server, or the DJ role when the guild
 * has one; anyone may list, show and load them. Loading follows /play's voice rule.
 * Answers: a load is public like /play; a change of the server's playlists is public; everything about
 * the member's own playlists, and every list, is ephemeral.
 */
import { escapeMarkdown } from 'discord.js';
import { isLeft } from 'fp-ts/Either';
import * as ops from '../../src/ops';
import { formatDuration, opErrorMessage, type PlaylistError, type PlaylistSummary } from '../../src/ops';
import type { GuildSnapshot, PlaylistOwner } from '../../src/state';
import { authorizeInVoice, mayEditServerPlaylists } from '../../src/policy';
import { deniedMessage, factsOf } from './access';
import type { Handler, HandlerCtx, Reply } from './handlers';
import type { PlaylistScope } from './playlist-command';
import { label } from './render';

/** Tracks named one by one in /playlist show; the rest are counted. */
export const SHOWN_TRACKS = 20;

const SET_ASIDE_NAMED = 5;

function text(ctx: HandlerCtx, name: string): string | undefined {
  const v = ctx.option(name);
  return typeof v === 'string' ? v : undefined;
}

function scopeOf(ctx: HandlerCtx): PlaylistScope {
  return text(ctx, 'scope') === 'server' ? 'server' : 'mine';
}

function ownerOf(ctx: HandlerCtx, scope: PlaylistScope): PlaylistOwner {
  return scope === 'server' ? { kind: 'server', guild: ctx.guildId } : { kind: 'user', user: ctx.userId };
}

const answer = (content: string, visibility: 'public' | 'ephemeral'): Reply => ({ kind: 'answer', body: { content, components: [] }, visibility });
const error = (content: string): Reply => ({ kind: 'error', content });

function where(ctx: HandlerCtx, scope: PlaylistScope): string {
  return ctx.t(`playlists:scope.${scope}`);
}

function tracks(ctx: HandlerCtx, count: number): string {
  return ctx.t('playlists:tracks', { count });
}

function duration(s: PlaylistSummary): string {
  return `${formatDuration(s.durationMs)}${s.knownDurations < s.tracks ? '+' : ''}`;
}

/** A refusal in the member's language: the playlists' own kinds here, the shared ones through opErrorMessage. */
function refusal(ctx: HandlerCtx, scope: PlaylistScope, e: PlaylistError): Reply {
  const scopeText = where(ctx, scope);
  switch (e.kind) {
    case 'playlist-not-found':
      return error(ctx.t('playlists:error.not-found', { name: escapeMarkdown(e.name), scope: scopeText }));
    case 'playlist-exists':
      return error(ctx.t('playlists:error.exists', { name: escapeMarkdown(e.name), scope: scopeText }));
    case 'too-many-playlists':
      return error(ctx.t(`playlists:error.too-many-${scope}`, { limit: e.limit }));
    case 'playlist-too-long':
      return error(ctx.t('playlists:error.too-long', { limit: e.limit, size: e.size }));
    case 'bad-playlist-name':
      if (e.problem.kind === 'empty') return error(ctx.t('playlists:error.name-empty'));
      if (e.problem.kind === 'too-long') return error(ctx.t('playlists:error.name-too-long', { max: e.problem.max }));
      return error(ctx.t('playlists:error.name-characters'));
    case 'playlist-corrupt':
      return error(ctx.t('playlists:error.corrupt', { name: escapeMarkdown(e.name), reason: e.reason.slice(0, 200) }));
    default:
      return error(opErrorMessage(e, ctx.t, ctx.locale));
  }
}

const save = async (ctx: HandlerCtx, scope: PlaylistScope, name: string): Promise<Reply> => {
  const r = await ops.savePlaylist(ctx.deps)({ guild: ctx.guildId, owner: ownerOf(ctx, scope), name, by: { id: ctx.userId, name: ctx.userName }, replace: ctx.option('replace') === true })();
  if (isLeft(r)) return refusal(ctx, scope, r.left);
  const { playlist, replaced, skipped } = r.right;
  const values = { name: escapeMarkdown(playlist.name), scope: where(ctx, scope), tracks: tracks(ctx, playlist.tracks) };
  const lines = [ctx.t(replaced ? 'playlists:replaced' : 'playlists:saved', values)];
  if (skipped > 0) lines.push(ctx.t('playlists:skipped-entries', { tracks: tracks(ctx, skipped) }));
  return answer(lines.join('\n'), scope === 'server' ? 'public' : 'ephemeral');
};

const add = async (ctx: HandlerCtx, scope: PlaylistScope, name: string): Promise<Reply> => {
  const r = await ops.addToPlaylist(ctx.deps)({ guild: ctx.guildId, owner: ownerOf(ctx, scope), name, by: { id: ctx.userId, name: ctx.userName } })();
  if (isLeft(r)) return refusal(ctx, scope, r.left);
  const { playlist, track, created } = r.right;
  const values = { name: escapeMarkdown(playlist.name), scope: where(ctx, scope), track: label(track), tracks: tracks(ctx, playlist.tracks) };
  return answer(ctx.t(created ? 'playlists:created' : 'playlists:added', values), scope === 'server' ? 'public' : 'ephemeral');
};

const load = async (ctx: HandlerCtx, scope: PlaylistScope, name: string, snapshot: GuildSnapshot): Promise<Reply> => {
  const voice = authorizeInVoice('play', factsOf(ctx), snapshot);
  if (voice.kind !== 'ok') return error(deniedMessage(voice, ctx.t));
  const input = {
    guild: ctx.guildId,
    owner: ownerOf(ctx, scope),
    name,
    requester: { id: ctx.userId, name: ctx.userName },
    next: ctx.option('next') === true,
    channel: voice.channel,
    textChannel: ctx.channelId,
  };
  const r = await ops.loadPlaylist(ctx.deps)(input)();
  if (isLeft(r)) {
    if (r.left.kind === 'playlist-empty') return error(ctx.t('playlists:error.empty', { name: escapeMarkdown(name.trim()) }));
    return refusal(ctx, scope, r.left);
  }
  const loaded = r.right;
  const first = loaded.tracks[0];
  const values = { name: escapeMarkdown(loaded.name), tracks: tracks(ctx, loaded.tracks.length), track: first ? label(first) : '', position: loaded.position };
  return answer(ctx.t(loaded.startsNow ? 'playlists:loaded-now' : 'playlists:loaded-queued', values), 'public');
};

const list = async (ctx: HandlerCtx, scope: PlaylistScope): Promise<Reply> => {
  const r = await ops.listPlaylists(ctx.deps)({ owner: ownerOf(ctx, scope) })();
  if (isLeft(r)) return refusal(ctx, scope, r.left);
  const view = r.right;
  const lines: string[] = [];
  if (view.playlists.length === 0) lines.push(ctx.t(`playlists:list-empty-${scope}`));
  else {
    lines.push(ctx.t(`playlists:list-title-${scope}`, { used: view.playlists.length, max: view.maxPlaylists }));
    for (const p of view.playlists) lines.push(`• ${ctx.t('playlists:list-line', { name: escapeMarkdown(p.name), tracks: tracks(ctx, p.tracks), duration: duration(p) })}`);
  }
  if (view.quarantined.length > 0) {
    const named = view.quarantined.slice(0, SET_ASIDE_NAMED).map((q) => `**${escapeMarkdown(q.key)}**`);
    const more = view.quarantined.length - named.length;
    lines.push(ctx.t('playlists:set-aside', { names: `${named.join(', ')}${more > 0 ? ` +${more}` : ''}` }));
  }
  return answer(lines.join('\n'), 'ephemeral');
};

const show = async (ctx: HandlerCtx, scope: PlaylistScope, name: string): Promise<Reply> => {
  const r = await ops.showPlaylist(ctx.deps)({ owner: ownerOf(ctx, scope), name })();
  if (isLeft(r)) return refusal(ctx, scope, r.left);
  const { playlist, summary } = r.right;
  const lines = [ctx.t('playlists:show-title', { name: escapeMarkdown(playlist.name), scope: where(ctx, scope), tracks: tracks(ctx, summary.tracks), duration: duration(summary) })];
  playlist.tracks.slice(0, SHOWN_TRACKS).forEach((tr, i) => lines.push(`${i + 1}. ${label({ id: '-', ...tr })}${tr.durationMs === undefined || tr.live === true ? '' : ` (${formatDuration(tr.durationMs)})`}`));
  const more = playlist.tracks.length - SHOWN_TRACKS;
  if (more > 0) lines.push(ctx.t('playlists:show-more', { tracks: tracks(ctx, more) }));
  return answer(lines.join('\n'), 'ephemeral');
};

const remove = async (ctx: HandlerCtx, scope: PlaylistScope, name: string): Promise<Reply> => {
  const r = await ops.deletePlaylist(ctx.deps)({ owner: ownerOf(ctx, scope), name })();
  if (isLeft(r)) return refusal(ctx, scope, r.left);
  return answer(ctx.t('playlists:deleted', { name: escapeMarkdown(r.right.name), scope: where(ctx, scope) }), scope === 'server' ? 'public' : 'ephemeral');
};

const rename = async (ctx: HandlerCtx, scope: PlaylistScope, name: string): Promise<Reply> => {
  const r = await ops.renamePlaylist(ctx.deps)({ owner: ownerOf(ctx, scope), name, newName: text(ctx, 'new_name') ?? '' })();
  if (isLeft(r)) return refusal(ctx, scope, r.left);
  const values = { from: escapeMarkdown(r.right.from), name: escapeMarkdown(r.right.playlist.name), scope: where(ctx, scope) };
  return answer(ctx.t('playlists:renamed', values), scope === 'server' ? 'public' : 'ephemeral');
};

const WRITES: ReadonlySet<string> = new Set(['save', 'add', 'delete', 'rename']);

export const playlist: Handler = async (ctx) => {
  const sub = ctx.subcommand ?? '';
  const scope = scopeOf(ctx);
  const name = text(ctx, 'name') ?? '';
  const needsSnapshot = sub === 'load' || (scope === 'server' && WRITES.has(sub));
  const snapshot = needsSnapshot ? (await ctx.deps.store.snapshot(ctx.guildId)).snapshot : undefined;
  if (snapshot !== undefined && scope === 'server' && WRITES.has(sub) && !mayEditServerPlaylists(factsOf(ctx), snapshot)) return error(ctx.t('playlists:error.not-manager'));
  switch (sub) {
    case 'save':
      return save(ctx, scope, name);
    case 'add':
      return add(ctx, scope, name);
    case 'load':
      return snapshot === undefined ? error(ctx.t('playlists:error.unknown-subcommand')) : load(ctx, scope, name, snapshot);
    case 'list':
      return list(ctx, scope);
    case 'show':
      return show(ctx, scope, name);
    case 'delete':
      return remove(ctx, scope, name);
    case 'rename':
      return rename(ctx, scope, name);
    default:
      return error(ctx.t('playlists:error.unknown-subcommand'));
  }
};
