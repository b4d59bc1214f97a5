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
import { canManage, checkDj, checkVoice, deniedMessage, isDj, listeners, type Asker, type Denied } from './access';
import { byArtist, label, nowPlayingBody, queueBody, trackEmbed, type Body } from './render';
import { expiredSearchBody, parsePickCustomId, SEARCH_MENU_TTL_MS, searchBody } from './results';
import { autoplay } from './autoplay';

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
const denied = (d: Denied): Reply => error(deniedMessage(d));

async function fold<A>(te: TaskEither<OpError, A>, onOk: (a: A) => Reply): Promise<Reply> {
  const r = await te();
  return isLeft(r) ? error(opErrorMessage(r.left)) : onOk(r.right);
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

/** Runs body when the member may control the music (and is a DJ, when dj is set). */
function control(body: (ctx: HandlerCtx, snapshot: GuildSnapshot, channel: string) => Promise<Reply>, { dj = false } = {}): Handler {
  return async (ctx) => {
    const snapshot = await snap(ctx);
    const voice = checkVoice(ctx, snapshot);
    if (voice.kind !== 'ok') return denied(voice);
    if (dj) {
      const notDj = checkDj(ctx, snapshot);
      if (notDj) return denied(notDj);
    }
    return body(ctx, snapshot, voice.channel);
  };
}

function progressText(p: ResolveProgress): string {
  switch (p.kind) {
    case 'fetching-playlist':
      return '⏳ Reading the playlist…';
    case 'parsed-playlist':
      return `⏳ Found ${p.entries} tracks in the playlist, queueing them…`;
    case 'searching':
      return '🔎 Searching…';
    case 'checking-link':
      return '⏳ Checking the link…';
  }
}

/** The most left-out entries named one by one in a reply; the rest are counted. */
const LEFT_OUT_NAMED = 3;

/** What the reply adds about entries left out of a playlist and sources a search passed over. */
function caveats(r: ops.PlayResult): string {
  const notes: string[] = [];
  if (r.leftOut.length > 0) {
    const named = r.leftOut.slice(0, LEFT_OUT_NAMED).map((e) => `**${e.title}** (${e.reason})`);
    const more = r.leftOut.length - named.length;
    notes.push(`Left out ${r.leftOut.length === 1 ? 'one entry that cannot play' : `${r.leftOut.length} entries that cannot play`}: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`);
  }
  if (r.skippedSources.length > 0) notes.push(`Found elsewhere: ${r.skippedSources.map((s) => s.reason).join('; ')}.`);
  return notes.length === 0 ? '' : `\n${notes.join('\n')}`;
}

/** The public answer to a play: what plays or was queued, with the first track's card. */
function queuedAnswer(r: ops.PlayResult, requesterName: string): Reply {
  const first = r.tracks[0];
  if (!first) return say('Nothing was queued.');
  const card = { embeds: [trackEmbed(first)] };
  const answer = (content: string): Reply => ({ kind: 'answer', visibility: 'public', body: { content: `${content}${caveats(r)}`, components: [], ...card } });
  if (r.playlist !== undefined) {
    const start = r.startsNow ? ` Starting with **${label(first)}**.` : ` They start at position ${r.position}.`;
    return answer(`📃 Queued **${r.tracks.length} ${r.tracks.length === 1 ? 'track' : 'tracks'}** from **${label({ id: '', url: r.playlist.url, title: r.playlist.title })}**.${start}`);
  }
  if (r.tracks.length > 1) {
    const rest = r.tracks.length - 1;
    const head = r.startsNow ? `▶️ Playing **${label(first)}**${byArtist(first)}` : `➕ Queued **${label(first)}**${byArtist(first)} at position ${r.position}`;
    return answer(`${head} and ${rest} more (requested by ${requesterName}).`);
  }
  return answer(r.startsNow ? `▶️ Playing **${label(first)}**${byArtist(first)} (requested by ${requesterName}).` : `➕ Queued **${label(first)}**${byArtist(first)} at position ${r.position}.`);
}

const play: Handler = async (ctx) => {
  const file = ctx.attachment('file');
  const typed = str(ctx, 'query')?.trim() ?? '';
  if (file !== undefined && typed !== '') return error('Give /play either words or a link in `query`, or a `file`, not both.');
  if (file === undefined && typed === '') return error('Tell me what to play: words to search for or a link in `query`, or an audio `file`.');
  const snapshot = await snap(ctx);
  const voice = checkVoice(ctx, snapshot, true);
  if (voice.kind !== 'ok') return denied(voice);
  const input = {
    guild: ctx.guildId,
    query: file?.url ?? typed,
    next: bool(ctx, 'next') === true,
    requester: { id: ctx.userId, name: ctx.userName },
    channel: voice.channel,
    textChannel: ctx.channelId,
  };
  const r = await ops.play(ctx.deps)(input, { onProgress: (p) => ctx.progress(progressText(p)) })();
  if (isLeft(r)) {
    // The reason names what is wrong with the file; "link" would puzzle someone who uploaded one.
    if (file !== undefined && r.left.kind === 'link-refused') return error(`I can't play that file (${file.name}): ${r.left.reason}. Upload an audio file (MP3, Ogg, Opus, M4A, FLAC, WAV).`);
    return error(opErrorMessage(r.left));
  }
  return queuedAnswer(r.right, ctx.userName);
};

/** /search: up to 10 results with a menu to queue some of them; only the member who searched sees it. */
const search: Handler = async (ctx) => {
  const r = await ops.search(ctx.deps)({ query: str(ctx, 'query') ?? '', limit: 10 })();
  if (isLeft(r)) return error(opErrorMessage(r.left));
  const view = r.right;
  // The skipped sources and their reasons (cooling down, failed) are part of the message.
  if (view.results.length === 0) return error(opErrorMessage({ kind: 'no-results', query: view.query, skipped: view.skipped }));
  return { kind: 'answer', body: searchBody(view, ctx.now() + SEARCH_MENU_TTL_MS), visibility: 'ephemeral', expire: { afterMs: SEARCH_MENU_TTL_MS, body: expiredSearchBody(view) } };
};

/** A pick from /search's menu: the chosen results are queued through the same op as /play, by link. */
function searchPick(expiresAtMs: number): Handler {
  return async (ctx) => {
    if (ctx.now() > expiresAtMs) return { kind: 'answer', update: true, visibility: 'ephemeral', body: { content: '⌛ This search has expired. Run /search again to pick from it.', components: [] } };
    if (ctx.values.length === 0) return error('Pick at least one result from the menu.');
    const snapshot = await snap(ctx);
    const voice = checkVoice(ctx, snapshot, true);
    if (voice.kind !== 'ok') return denied(voice);
    const input = { guild: ctx.guildId, queries: [...ctx.values], requester: { id: ctx.userId, name: ctx.userName }, channel: voice.channel, textChannel: ctx.channelId };
    const r = await ops.playMany(ctx.deps)(input, { onProgress: (p) => ctx.progress(progressText(p)) })();
    if (isLeft(r)) return error(opErrorMessage(r.left));
    const answer = queuedAnswer(r.right, ctx.userName);
    const n = r.right.tracks.length;
    return { kind: 'answer', update: true, visibility: 'ephemeral', body: { content: `✅ Queued ${n} ${n === 1 ? 'track' : 'tracks'} from this search.`, embeds: [], components: [] }, ...(answer.kind === 'answer' ? { announce: answer.body } : {}) };
  };
}

const skip: Handler = control(async (ctx, snapshot, channel) => {
  const head = snapshot.playlist[0];
  if (head === undefined) return error(opErrorMessage({ kind: 'queue-empty' }));
  const electorate = listeners(ctx.guild, channel);
  const others = electorate.filter((id) => id !== ctx.userId).length;
  // A DJ (everyone, without a DJ role), the track's requester, or a member alone with the bot skips at once.
  const direct = isDj(ctx, snapshot) || head.requester?.id === ctx.userId || others === 0;
  if (direct) return fold(ops.skip(ctx.deps)({ guild: ctx.guildId, trackId: head.id }), (r) => say(`⏭️ Skipped **${label(r.track)}**.${r.next ? ` Next: **${label(r.next)}**.` : ''}`));
  return fold(ops.voteSkip(ctx.deps)({ guild: ctx.guildId, voter: ctx.userId, listeners: electorate }), (r) => {
    if (r.kind === 'skipped') return say(`⏭️ Skipped **${label(r.track)}** by vote (${r.votes}/${r.needed}).`);
    const more = r.needed - r.votes;
    return say(`🗳️ ${r.already ? 'You already voted to skip' : `${ctx.userName} voted to skip`} **${label(r.track)}**: ${r.votes}/${r.needed} votes, ${more} more needed. Use /skip to vote.`);
  });
});

const stop: Handler = control(async (ctx) => fold(ops.stop(ctx.deps)({ guild: ctx.guildId }), (r) => say(`⏹️ Stopped and emptied the queue (${r.removed} ${r.removed === 1 ? 'track' : 'tracks'} removed).`)), { dj: true });

const pause: Handler = control(async (ctx) => fold(ops.pause(ctx.deps)({ guild: ctx.guildId }), (r) => say(r.already ? `⏸️ **${label(r.track)}** is already paused. Use /resume to continue.` : `⏸️ Paused **${label(r.track)}**.`)));

const resume: Handler = control(async (ctx) => fold(ops.resume(ctx.deps)({ guild: ctx.guildId }), (r) => say(r.already ? `▶️ **${label(r.track)}** is already playing.` : `▶️ Resumed **${label(r.track)}**.`)));

const queue: Handler = async (ctx) => fold(ops.queuePage(ctx.deps)({ guild: ctx.guildId, page: int(ctx, 'page') ?? 1 }), (q) => ({ kind: 'answer', body: queueBody(q), visibility: 'public' }));

const nowplaying: Handler = async (ctx) => fold(ops.nowPlaying(ctx.deps)({ guild: ctx.guildId }), (np) => ({ kind: 'answer', body: nowPlayingBody(np), visibility: 'public' }));

const remove: Handler = control(async (ctx, snapshot) => {
  const r = await ops.remove(ctx.deps)({ guild: ctx.guildId, index: int(ctx, 'index') ?? 0, by: ctx.userId, mayRemoveOthers: isDj(ctx, snapshot) })();
  if (isLeft(r)) {
    const role = snapshot.settings.dj_role;
    // Someone else's track: the DJ role is what is missing, so name it.
    if (r.left.kind === 'not-yours' && role !== undefined) return error(`Track ${r.left.index} was added by ${r.left.owner}. ${deniedMessage({ kind: 'not-dj', role })}`);
    return error(opErrorMessage(r.left));
  }
  const { index, track } = r.right;
  return say(`🗑️ Removed track ${index}${track ? `, **${label(track)}**` : ''}.${index === 1 ? ' The next track starts now.' : ''}`);
});

const move: Handler = control(async (ctx) =>
  fold(ops.move(ctx.deps)({ guild: ctx.guildId, from: int(ctx, 'from') ?? 0, to: int(ctx, 'to') ?? 0 }), (r) => say(`↕️ Moved **${r.track ? label(r.track) : `track ${r.from}`}** from ${r.from} to ${r.to}.`)),
);

const shuffle: Handler = control(async (ctx) => fold(ops.shuffle(ctx.deps)({ guild: ctx.guildId }), (r) => say(r.count < 2 ? '🔀 Nothing to shuffle: there is at most one track after the current one.' : `🔀 Shuffled ${r.count} tracks. The current track keeps playing.`)));

const clear: Handler = control(async (ctx) => fold(ops.clear(ctx.deps)({ guild: ctx.guildId }), (r) => say(`🧹 Cleared the queue (${r.removed} ${r.removed === 1 ? 'track' : 'tracks'}). /play something to start again.`)), { dj: true });

const loop: Handler = control(async (ctx) => {
  const mode = str(ctx, 'mode') ?? '';
  const text = { off: '➡️ Loop is off.', track: '🔂 Looping the current track.', queue: '🔁 Looping the whole queue.' };
  return fold(ops.setLoop(ctx.deps)({ guild: ctx.guildId, mode: mode === 'off' || mode === 'track' || mode === 'queue' ? mode : 'off' }), (r) => say(text[r.mode]));
});

const seek: Handler = control(async (ctx) => fold(ops.seek(ctx.deps)({ guild: ctx.guildId, position: str(ctx, 'position') ?? '' }), (r) => say(`⏩ Jumped to ${formatDuration(r.positionMs)} in **${label(r.track)}**.`)));

const volume: Handler = control(async (ctx) => fold(ops.setVolume(ctx.deps)({ guild: ctx.guildId, percent: int(ctx, 'percent') ?? Number.NaN }), (r) => say(`🔊 Volume ${r.percent}% (was ${r.before}%).`)), { dj: true });

const leave: Handler = control(async (ctx) => fold(ops.leave(ctx.deps)({ guild: ctx.guildId }), () => say('👋 Left the voice channel and emptied the queue.')), { dj: true });

const stay: Handler = control(
  async (ctx) =>
    fold(ops.setStay(ctx.deps)({ guild: ctx.guildId, enabled: bool(ctx, 'enabled') === true }), (r) =>
      say(r.enabled ? '📌 I will stay in the voice channel 24/7, also when the queue is empty.' : '📌 24/7 is off: I leave the channel after a while with nothing to play.'),
    ),
  { dj: true },
);

const settings: Handler = async (ctx) => {
  if (!canManage(ctx)) return denied({ kind: 'not-manager' });
  const snapshot = await snap(ctx);
  const notDj = checkDj(ctx, snapshot);
  if (notDj) return denied(notDj);
  const role = str(ctx, 'dj_role');
  const maxQueue = int(ctx, 'max_queue');
  const maxPerUser = int(ctx, 'max_per_user');
  const input = {
    guild: ctx.guildId,
    ...(bool(ctx, 'clear_dj_role') === true ? { djRole: null } : role !== undefined ? { djRole: role } : {}),
    ...(maxQueue === undefined ? {} : { maxQueue: maxQueue === 0 ? null : maxQueue }),
    ...(maxPerUser === undefined ? {} : { maxPerUser: maxPerUser === 0 ? null : maxPerUser }),
    ...(str(ctx, 'announce_channel') === undefined ? {} : { announceChannel: str(ctx, 'announce_channel') }),
  };
  return fold(ops.updateSettings(ctx.deps)(input), (v) =>
    say(
      [
        v.changed ? '⚙️ Settings saved.' : '⚙️ Settings (change them with the options of /settings):',
        `DJ role: ${v.settings.dj_role === undefined ? 'none (everyone may do everything)' : `<@&${v.settings.dj_role}>`}`,
        `Longest queue: ${v.effectiveMaxQueue}${v.settings.max_queue === undefined ? ' (default)' : ''}`,
        `Tracks per member: ${v.settings.max_per_user ?? 'no limit'}`,
        `Announce channel: ${v.announceChannel === undefined ? 'where /play was first used' : `<#${v.announceChannel}>`}`,
      ].join('\n'),
      'ephemeral',
    ),
  );
};

/** Frozen, and only ever read through commandHandler: a name from Discord is data, never a property path. */
export const COMMAND_HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({ play, search, skip, stop, pause, resume, queue, nowplaying, remove, move, shuffle, clear, loop, seek, volume, leave, stay, settings, autoplay });

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
  }
  const page = /^queue:page:(-?\d{1,7})$/.exec(customId)?.[1];
  if (page === undefined) return undefined;
  return async (ctx) => fold(ops.queuePage(ctx.deps)({ guild: ctx.guildId, page: Number(page) }), (q) => ({ kind: 'answer', body: queueBody(q), visibility: 'public', update: true }));
}
