/**
 * One handler per command and button: check who asks, call the shared op, and turn its result into
 * an answer. Errors (denials and op refusals) are folded here, once, into ephemeral text.
 */
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import * as ops from '../../src/ops';
import { formatDuration, opErrorMessage, type OpError, type OpsDeps } from '../../src/ops';
import type { Locale, Translate } from '../../src/i18n';
import type { GuildSnapshot } from '../../src/state';
import type { ResolveProgress } from '../../src/sources/query';
import { authorize, authorizeInVoice, mayRemoveOthers, skipMode, type VoiceAction } from '../../src/policy';
import { deniedMessage, factsOf, listeners, type Asker, type Denied } from './access';
import { languageInput, languageLine } from './language';
import { byArtist, label, nowPlayingBody, queueBody, trackEmbed, type Body } from './render';
import { lyricsCommand, lyricsPageButton } from './lyrics';
import { playlist } from './playlists';
import { expiredSearchBody, parsePickCustomId, SEARCH_MENU_TTL_MS, searchBody } from './results';
import { autoplay } from './autoplay';
import { filter } from './filters';
import { historyCommand, historyComponent, previousCommand, skipToCommand } from './history';

export type Reply =
  | {
      readonly kind: 'answer';
      readonly body: Body;
      readonly visibility: 'public' | 'ephemeral';
      /** Edit the message the component is on instead of answering with a new one. */
      readonly update?: boolean;
      /** Also posted in public after the answer (a pick from an ephemeral menu). */
      readonly announce?: Body;
      /** After this long, the answer is edited into `body` (a menu that stops taking picks). */
      readonly expire?: { readonly afterMs: number; readonly body: Body };
    }
  | { readonly kind: 'error'; readonly content: string };

/** An uploaded file as the interaction carries it. */
export interface AttachmentOption {
  readonly url: string;
  readonly name: string;
  readonly contentType: string | undefined;
  readonly size: number;
}

export type OptionValue = string | number | boolean | undefined;

export interface HandlerCtx extends Asker {
  readonly guildId: string;
  /** The member's language (their Discord client's), and the translator every reply is written with. */
  readonly locale: Locale;
  readonly t: Translate;
  readonly userName: string;
  readonly channelId: string;
  readonly deps: OpsDeps;
  /** The subcommand a command with subcommands was run with (`/playlist save`: `save`). */
  readonly subcommand?: string;
  /** A raw option value, as Discord sent it (role and channel options arrive as ids). */
  option(name: string): OptionValue;
  /** An attachment option's file. */
  attachment(name: string): AttachmentOption | undefined;
  /** What was picked in a select menu. */
  readonly values: readonly string[];
  /** Wall-clock ms, for expiries carried in custom ids. */
  now(): number;
  /** Shown to the member while a slow command works (only once the answer was deferred). */
  progress(text: string): void;
}

export type Handler = (ctx: HandlerCtx) => Promise<Reply>;

const say = (content: string, visibility: 'public' | 'ephemeral' = 'public'): Reply => ({ kind: 'answer', body: { content, components: [] }, visibility });
const error = (content: string): Reply => ({ kind: 'error', content });
const denied = (ctx: HandlerCtx, d: Denied): Reply => error(deniedMessage(d, ctx.t));
/** An op's refusal in the member's language. */
const refused = (ctx: HandlerCtx, e: OpError): Reply => error(opErrorMessage(e, ctx.t, ctx.locale));

async function fold<A>(ctx: HandlerCtx, te: TaskEither<OpError, A>, onOk: (a: A) => Reply): Promise<Reply> {
  const r = await te();
  return isLeft(r) ? refused(ctx, r.left) : onOk(r.right);
}

function str(ctx: HandlerCtx, name: string): string | undefined {
  const v = ctx.option(name);
  return typeof v === 'string' ? v : undefined;
}
function int(ctx: HandlerCtx, name: string): number | undefined {
  const v = ctx.option(name);
  return typeof v === 'number' ? v : undefined;
}
function bool(ctx: HandlerCtx, name: string): boolean | undefined {
  const v = ctx.option(name);
  return typeof v === 'boolean' ? v : undefined;
}

async function snap(ctx: HandlerCtx): Promise<GuildSnapshot> {
  return (await ctx.deps.store.snapshot(ctx.guildId)).snapshot;
}

/** Runs body when src/policy lets the member do the action. */
function control(action: VoiceAction, body: (ctx: HandlerCtx, snapshot: GuildSnapshot, channel: string) => Promise<Reply>): Handler {
  return async (ctx) => {
    const snapshot = await snap(ctx);
    const voice = authorizeInVoice(action, factsOf(ctx), snapshot);
    if (voice.kind !== 'ok') return denied(ctx, voice);
    return body(ctx, snapshot, voice.channel);
  };
}

function progressText(p: ResolveProgress, t: Translate): string {
  switch (p.kind) {
    case 'fetching-playlist':
      return t('replies:progress.fetching-playlist');
    case 'parsed-playlist':
      return t('replies:progress.parsed-playlist', { count: p.entries });
    case 'searching':
      return t('replies:progress.searching');
    case 'checking-link':
      return t('replies:progress.checking-link');
  }
}

/** The most left-out entries named one by one in a reply; the rest are counted. */
const LEFT_OUT_NAMED = 3;

/** What the reply adds about entries left out of a playlist and sources a search passed over. */
function caveats(r: ops.PlayResult, t: Translate): string {
  const notes: string[] = [];
  if (r.leftOut.length > 0) {
    const named = r.leftOut.slice(0, LEFT_OUT_NAMED).map((e) => t('replies:caveat.left-out-entry', { title: e.title, reason: e.reason })).join(', ');
    const more = r.leftOut.length - LEFT_OUT_NAMED;
    notes.push(t('replies:caveat.left-out', { count: r.leftOut.length, named: more > 0 ? t('replies:caveat.and-more', { named, more }) : named }));
  }
  if (r.skippedSources.length > 0) notes.push(t('replies:caveat.found-elsewhere', { reasons: r.skippedSources.map((s) => s.reason).join('; ') }));
  return notes.length === 0 ? '' : `\n${notes.join('\n')}`;
}

/** The public answer to a play: what plays or was queued, with the first track's card. */
function queuedAnswer(r: ops.PlayResult, requesterName: string, t: Translate): Reply {
  const first = r.tracks[0];
  if (!first) return say(t('replies:play.nothing-queued'));
  const card = { embeds: [trackEmbed(first, t)] };
  const answer = (content: string): Reply => ({ kind: 'answer', visibility: 'public', body: { content: `${content}${caveats(r, t)}`, components: [], ...card } });
  const track = { track: label(first), artist: byArtist(first), position: r.position, requester: requesterName };
  if (r.playlist !== undefined) {
    const start = r.startsNow ? t('replies:play.playlist-starts-now', track) : t('replies:play.playlist-starts-at', track);
    return answer(`${t('replies:play.playlist', { count: r.tracks.length, playlist: label({ id: '', url: r.playlist.url, title: r.playlist.title }) })} ${start}`);
  }
  if (r.tracks.length > 1) return answer(t(r.startsNow ? 'replies:play.playing-many' : 'replies:play.queued-many', { ...track, more: r.tracks.length - 1 }));
  return answer(t(r.startsNow ? 'replies:play.playing' : 'replies:play.queued', track));
}

const play: Handler = async (ctx) => {
  const file = ctx.attachment('file');
  const typed = str(ctx, 'query')?.trim() ?? '';
  if (file !== undefined && typed !== '') return error(ctx.t('replies:play.both'));
  if (file === undefined && typed === '') return error(ctx.t('replies:play.neither'));
  const snapshot = await snap(ctx);
  const voice = authorizeInVoice('play', factsOf(ctx), snapshot);
  if (voice.kind !== 'ok') return denied(ctx, voice);
  const input = {
    guild: ctx.guildId,
    query: file?.url ?? typed,
    next: bool(ctx, 'next') === true,
    requester: { id: ctx.userId, name: ctx.userName },
    channel: voice.channel,
    textChannel: ctx.channelId,
  };
  const r = await ops.play(ctx.deps)(input, { onProgress: (p) => ctx.progress(progressText(p, ctx.t)) })();
  if (isLeft(r)) {
    // The reason names what is wrong with the file; "link" would puzzle someone who uploaded one.
    if (file !== undefined && r.left.kind === 'link-refused') return error(ctx.t('replies:play.bad-file', { file: file.name, reason: r.left.reason }));
    return refused(ctx, r.left);
  }
  return queuedAnswer(r.right, ctx.userName, ctx.t);
};

/** /search: up to 10 results with a menu to queue some of them; only the member who searched sees it. */
const search: Handler = async (ctx) => {
  const r = await ops.search(ctx.deps)({ query: str(ctx, 'query') ?? '', limit: 10 })();
  if (isLeft(r)) return refused(ctx, r.left);
  const view = r.right;
  // The skipped sources and their reasons (cooling down, failed) are part of the message.
  if (view.results.length === 0) return refused(ctx, { kind: 'no-results', query: view.query, skipped: view.skipped });
  return { kind: 'answer', body: searchBody(view, ctx.now() + SEARCH_MENU_TTL_MS, ctx.t), visibility: 'ephemeral', expire: { afterMs: SEARCH_MENU_TTL_MS, body: expiredSearchBody(view, ctx.t) } };
};

/** A pick from /search's menu: the chosen results are queued through the same op as /play, by link. */
function searchPick(expiresAtMs: number): Handler {
  return async (ctx) => {
    if (ctx.now() > expiresAtMs) return { kind: 'answer', update: true, visibility: 'ephemeral', body: { content: ctx.t('render:search.expired'), components: [] } };
    if (ctx.values.length === 0) return error(ctx.t('replies:search.pick-none'));
    const snapshot = await snap(ctx);
    const voice = authorizeInVoice('play', factsOf(ctx), snapshot);
    if (voice.kind !== 'ok') return denied(ctx, voice);
    const input = { guild: ctx.guildId, queries: [...ctx.values], requester: { id: ctx.userId, name: ctx.userName }, channel: voice.channel, textChannel: ctx.channelId };
    const r = await ops.playMany(ctx.deps)(input, { onProgress: (p) => ctx.progress(progressText(p, ctx.t)) })();
    if (isLeft(r)) return refused(ctx, r.left);
    const answer = queuedAnswer(r.right, ctx.userName, ctx.t);
    const content = ctx.t('replies:search.queued', { count: r.right.tracks.length });
    return { kind: 'answer', update: true, visibility: 'ephemeral', body: { content, embeds: [], components: [] }, ...(answer.kind === 'answer' ? { announce: answer.body } : {}) };
  };
}

const skip: Handler = control('skip', async (ctx, snapshot, channel) => {
  const head = snapshot.playlist[0];
  if (head === undefined) return refused(ctx, { kind: 'queue-empty' });
  const electorate = listeners(ctx.guild, channel);
  const { t } = ctx;
  if (skipMode(factsOf(ctx), snapshot, head, electorate) === 'direct') {
    return fold(ctx, ops.skip(ctx.deps)({ guild: ctx.guildId, trackId: head.id }), (r) => {
      const skipped = t('replies:skip.skipped', { track: label(r.track) });
      return say(r.next ? `${skipped} ${t('replies:skip.next', { track: label(r.next) })}` : skipped);
    });
  }
  return fold(ctx, ops.voteSkip(ctx.deps)({ guild: ctx.guildId, voter: ctx.userId, listeners: electorate }), (r) => {
    if (r.kind === 'skipped') return say(t('replies:skip.by-vote', { track: label(r.track), votes: r.votes, needed: r.needed }));
    const values = { member: ctx.userName, track: label(r.track), votes: r.votes, needed: r.needed, more: r.needed - r.votes };
    return say(t(r.already ? 'replies:skip.voted-again' : 'replies:skip.voted', values));
  });
});

const stop: Handler = control('stop', async (ctx) => fold(ctx, ops.stop(ctx.deps)({ guild: ctx.guildId }), (r) => say(ctx.t('replies:stop.done', { count: r.removed }))));

const pause: Handler = control('pause', async (ctx) => fold(ctx, ops.pause(ctx.deps)({ guild: ctx.guildId }), (r) => say(ctx.t(r.already ? 'replies:pause.already' : 'replies:pause.done', { track: label(r.track) }))));

const resume: Handler = control('resume', async (ctx) => fold(ctx, ops.resume(ctx.deps)({ guild: ctx.guildId }), (r) => say(ctx.t(r.already ? 'replies:resume.already' : 'replies:resume.done', { track: label(r.track) }))));

const queue: Handler = async (ctx) => fold(ctx, ops.queuePage(ctx.deps)({ guild: ctx.guildId, page: int(ctx, 'page') ?? 1 }), (q) => ({ kind: 'answer', body: queueBody(q, ctx.t), visibility: 'public' }));

const nowplaying: Handler = async (ctx) => fold(ctx, ops.nowPlaying(ctx.deps)({ guild: ctx.guildId }), (np) => ({ kind: 'answer', body: nowPlayingBody(np, ctx.t), visibility: 'public' }));

const remove: Handler = control('remove', async (ctx, snapshot) => {
  const r = await ops.remove(ctx.deps)({ guild: ctx.guildId, index: int(ctx, 'index') ?? 0, by: ctx.userId, mayRemoveOthers: mayRemoveOthers(factsOf(ctx), snapshot) })();
  if (isLeft(r)) {
    const role = snapshot.settings.dj_role;
    // Someone else's track: the DJ role is what is missing, so name it.
    if (r.left.kind === 'not-yours' && role !== undefined) return error(`${ctx.t('replies:remove.added-by', { index: r.left.index, owner: r.left.owner })} ${deniedMessage({ kind: 'not-dj', role }, ctx.t)}`);
    return refused(ctx, r.left);
  }
  const { index, track } = r.right;
  const removed = track ? ctx.t('replies:remove.done-named', { index, track: label(track) }) : ctx.t('replies:remove.done', { index });
  return say(index === 1 ? `${removed} ${ctx.t('replies:remove.next-starts')}` : removed);
});

const move: Handler = control('move', async (ctx) =>
  fold(ctx, ops.move(ctx.deps)({ guild: ctx.guildId, from: int(ctx, 'from') ?? 0, to: int(ctx, 'to') ?? 0 }), (r) =>
    say(ctx.t('replies:move.done', { track: r.track ? label(r.track) : ctx.t('replies:move.track-at', { index: r.from }), from: r.from, to: r.to })),
  ),
);

const shuffle: Handler = control('shuffle', async (ctx) => fold(ctx, ops.shuffle(ctx.deps)({ guild: ctx.guildId }), (r) => say(r.count < 2 ? ctx.t('replies:shuffle.nothing') : ctx.t('replies:shuffle.done', { tracks: r.count }))));

const clear: Handler = control('clear', async (ctx) => fold(ctx, ops.clear(ctx.deps)({ guild: ctx.guildId }), (r) => say(ctx.t('replies:clear.done', { count: r.removed }))));

const loop: Handler = control('loop', async (ctx) => {
  const mode = str(ctx, 'mode') ?? '';
  const text = { off: 'replies:loop.off', track: 'replies:loop.track', queue: 'replies:loop.queue' };
  return fold(ctx, ops.setLoop(ctx.deps)({ guild: ctx.guildId, mode: mode === 'off' || mode === 'track' || mode === 'queue' ? mode : 'off' }), (r) => say(ctx.t(text[r.mode])));
});

const seek: Handler = control('seek', async (ctx) => fold(ctx, ops.seek(ctx.deps)({ guild: ctx.guildId, position: str(ctx, 'position') ?? '' }), (r) => say(ctx.t('replies:seek.done', { position: formatDuration(r.positionMs), track: label(r.track) }))));

const volume: Handler = control('volume', async (ctx) => fold(ctx, ops.setVolume(ctx.deps)({ guild: ctx.guildId, percent: int(ctx, 'percent') ?? Number.NaN }), (r) => say(ctx.t('replies:volume.done', { percent: r.percent, before: r.before }))));

const leave: Handler = control('leave', async (ctx) => fold(ctx, ops.leave(ctx.deps)({ guild: ctx.guildId }), () => say(ctx.t('replies:leave.done'))));

const stay: Handler = control('stay', async (ctx) =>
  fold(ctx, ops.setStay(ctx.deps)({ guild: ctx.guildId, enabled: bool(ctx, 'enabled') === true }), (r) => say(ctx.t(r.enabled ? 'replies:stay.on' : 'replies:stay.off'))),
);

const settings: Handler = async (ctx) => {
  const snapshot = await snap(ctx);
  const verdict = authorize('settings', factsOf(ctx), snapshot);
  if (verdict.kind !== 'ok') return denied(ctx, verdict);
  const role = str(ctx, 'dj_role');
  const maxQueue = int(ctx, 'max_queue');
  const maxPerUser = int(ctx, 'max_per_user');
  const input = {
    guild: ctx.guildId,
    ...(bool(ctx, 'clear_dj_role') === true ? { djRole: null } : role !== undefined ? { djRole: role } : {}),
    ...(maxQueue === undefined ? {} : { maxQueue: maxQueue === 0 ? null : maxQueue }),
    ...(maxPerUser === undefined ? {} : { maxPerUser: maxPerUser === 0 ? null : maxPerUser }),
    ...(str(ctx, 'announce_channel') === undefined ? {} : { announceChannel: str(ctx, 'announce_channel') }),
    ...languageInput(ctx.option('language')),
  };
  const { t } = ctx;
  return fold(ctx, ops.updateSettings(ctx.deps)(input), (v) =>
    say(
      [
        t(v.changed ? 'replies:settings.saved' : 'replies:settings.showing'),
        t('replies:settings.dj-role', { role: v.settings.dj_role === undefined ? t('replies:settings.dj-role-none') : `<@&${v.settings.dj_role}>` }),
        t(v.settings.max_queue === undefined ? 'replies:settings.max-queue-default' : 'replies:settings.max-queue', { max: v.effectiveMaxQueue }),
        t('replies:settings.per-member', { max: v.settings.max_per_user ?? t('replies:settings.no-limit') }),
        t('replies:settings.announce', { channel: v.announceChannel === undefined ? t('replies:settings.announce-default') : `<#${v.announceChannel}>` }),
        languageLine(t, v.settings),
      ].join('\n'),
      'ephemeral',
    ),
  );
};

/** Frozen, and only ever read through commandHandler: a name from Discord is data, never a property path. */
export const COMMAND_HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({ play, search, skip, stop, pause, resume, queue, nowplaying, remove, move, shuffle, clear, loop, seek, volume, leave, stay, settings, previous: previousCommand, history: historyCommand, skipto: skipToCommand, lyrics: lyricsCommand, playlist, filter, autoplay });

/** The handler of a command by name; undefined for anything else, `constructor` and `__proto__` included. */
export function commandHandler(name: string): Handler | undefined {
  return Object.hasOwn(COMMAND_HANDLERS, name) ? COMMAND_HANDLERS[name] : undefined;
}

/** Feedback for the member who pressed a now-playing button; the message itself is edited by the announcer. */
function privately(handler: Handler): Handler {
  return async (ctx) => {
    const reply = await handler(ctx);
    return reply.kind === 'answer' ? { ...reply, visibility: 'ephemeral' } : reply;
  };
}

/** The handler of a button or select menu by its custom id. */
export function componentHandler(customId: string): Handler | undefined {
  const expiresAt = parsePickCustomId(customId);
  return expiresAt === undefined ? buttonHandler(customId) : searchPick(expiresAt);
}

export function buttonHandler(customId: string): Handler | undefined {
  switch (customId) {
    case 'np:pause':
      return privately(pause);
    case 'np:resume':
      return privately(resume);
    case 'np:skip':
      return privately(skip);
    case 'np:stop':
      return privately(stop);
    case 'np:previous':
      return privately(previousCommand);
  }
  const history = historyComponent(customId);
  if (history !== undefined) return history;
  const lyricsPage = lyricsPageButton(customId);
  if (lyricsPage !== undefined) return lyricsPage;
  const page = /^queue:page:(-?\d{1,7})$/.exec(customId)?.[1];
  if (page === undefined) return undefined;
  return async (ctx) => fold(ctx, ops.queuePage(ctx.deps)({ guild: ctx.guildId, page: Number(page) }), (q) => ({ kind: 'answer', body: queueBody(q, ctx.t), visibility: 'public', update: true }));
}
