/**
 * History and back in Discord: /previous (and the now-playing ⏮ button), /history with its page buttons
 * and its menu to queue tracks again, and /skipto. Registered in handlers.ts (COMMAND_HANDLERS, buttonHandler).
 *
 * Custom ids carry everything a pick needs, so any instance answers it: `history:page:<n>` turns the page
 * and `history:pick` is the menu, whose values are the history entries' track ids; a pick of an entry that
 * left the history since (/previous took it, or 100 newer tracks pushed it out) is refused, not guessed.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown, StringSelectMenuBuilder, type MessageActionRowComponentBuilder } from 'discord.js';
import { isLeft } from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import * as ops from '../../src/ops';
import { formatDuration, opErrorMessage, sourceLabel, type OpError } from '../../src/ops';
import type { Translate } from '../../src/i18n';
import type { Track } from '../../src/state';
import { authorize, authorizeInVoice } from '../../src/policy';
import { deniedMessage, factsOf } from './access';
import type { Handler, HandlerCtx, Reply } from './handlers';
import { byArtist, clip, label, type Body } from './render';

export const HISTORY_PAGE_PREFIX = 'history:page:';
export const HISTORY_PICK = 'history:pick';

/** Discord's limit on a select option's label and description. */
const OPTION_MAX = 100;
const ACCENT = 0x5865f2;

const error = (content: string): Reply => ({ kind: 'error', content });
const say = (content: string): Reply => ({ kind: 'answer', body: { content, components: [] }, visibility: 'public' });

async function fold<A>(ctx: HandlerCtx, te: TaskEither<OpError, A>, onOk: (a: A) => Reply): Promise<Reply> {
  const r = await te();
  return isLeft(r) ? error(opErrorMessage(r.left, ctx.t, ctx.locale)) : onOk(r.right);
}

function requester(t: Translate, track: Track): string {
  return track.requester !== undefined ? escapeMarkdown(track.requester.name) : t('history:history.nobody');
}

function lengthOf(t: Translate, track: Track): string {
  if (track.live === true) return t('history:history.live');
  return track.durationMs === undefined ? t('history:history.unknown-length') : formatDuration(track.durationMs);
}

/** /history's page: the entries in an embed (a page of long titles outgrows a message's 2000 characters), the menu and the page buttons. */
export function historyBody(t: Translate, page: ops.HistoryPage): Body {
  const rows = [
    ...page.entries.map((e) => ({
      index: e.index,
      text: t('history:history.line', {
        index: e.index,
        title: label(e.track),
        artist: byArtist(e.track),
        duration: lengthOf(t, e.track),
        source: sourceLabel(e.track.source ?? 'url', t),
        requester: requester(t, e.track),
        when: `<t:${Math.floor(e.playedAt / 1000)}:R>`,
      }),
    })),
    ...page.unreadable.map((u) => ({ index: u.index, text: t('history:history.unreadable', { index: u.index, reason: escapeMarkdown(clip(u.reason, 120)) }) })),
  ].sort((a, b) => a.index - b.index);
  const embed = new EmbedBuilder()
    .setColor(ACCENT)
    .setTitle(t('history:history.title'))
    .setDescription(clip(rows.map((r) => r.text).join('\n'), 4096))
    .setFooter({ text: t('history:history.footer', { page: page.page, pages: page.pages, count: page.length }) });
  const components: ActionRowBuilder<MessageActionRowComponentBuilder>[] = [];
  const seen = new Set<string>();
  const options = page.entries.flatMap((e) => {
    if (seen.has(e.track.id)) return [];
    seen.add(e.track.id);
    const title = e.track.title !== undefined && e.track.title.trim() !== '' ? e.track.title.trim() : e.track.url;
    const description = [e.track.artist?.trim(), lengthOf(t, e.track), sourceLabel(e.track.source ?? 'url', t)].filter((s) => s !== undefined && s !== '').join(' · ');
    return [{ label: clip(`${e.index}. ${title}`, OPTION_MAX), description: clip(description, OPTION_MAX), value: e.track.id }];
  });
  if (options.length > 0) {
    const menu = new StringSelectMenuBuilder().setCustomId(HISTORY_PICK).setPlaceholder(clip(t('history:history.pick'), 150)).setMinValues(1).setMaxValues(options.length).addOptions(options);
    components.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(menu));
  }
  if (page.pages > 1) {
    components.push(
      new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`${HISTORY_PAGE_PREFIX}${page.page - 1}`).setLabel(t('history:history.newer')).setStyle(ButtonStyle.Secondary).setDisabled(page.page <= 1),
        new ButtonBuilder().setCustomId(`${HISTORY_PAGE_PREFIX}${page.page + 1}`).setLabel(t('history:history.older')).setStyle(ButtonStyle.Secondary).setDisabled(page.page >= page.pages),
      ),
    );
  }
  return { content: '', embeds: [embed], components };
}

function showPage(page: number, update: boolean): Handler {
  return async (ctx) => {
    const r = await ops.historyPage(ctx.deps)({ guild: ctx.guildId, page })();
    if (isLeft(r)) {
      const e = r.left;
      if (e.kind === 'page-out-of-range') return error(ctx.t('history:history.page-out-of-range', { page: e.page, count: e.pages }));
      return error(opErrorMessage(e, ctx.t, ctx.locale));
    }
    return { kind: 'answer', body: historyBody(ctx.t, r.right), visibility: 'public', ...(update ? { update: true } : {}) };
  };
}

/** /history [page]. */
export const historyCommand: Handler = async (ctx) => {
  const page = ctx.option('page');
  return showPage(typeof page === 'number' ? page : 1, false)(ctx);
};

/**
 * /previous: same voice rules as /play (an idle guild follows the member), no DJ role needed: nothing is
 * removed, the current track only moves one place back.
 */
export const previousCommand: Handler = async (ctx) => {
  const { snapshot } = await ctx.deps.store.snapshot(ctx.guildId, { queue: 'head' });
  const voice = authorizeInVoice('previous', factsOf(ctx), snapshot);
  if (voice.kind !== 'ok') return error(deniedMessage(voice, ctx.t));
  return fold(ctx, ops.previous(ctx.deps)({ guild: ctx.guildId, channel: voice.channel, textChannel: ctx.channelId }), (r) => {
    const lines = [ctx.t('history:previous.playing', { title: label(r.track), requester: requester(ctx.t, r.track) })];
    if (r.interrupted !== undefined) {
      lines.push(
        r.resumeAtMs === undefined
          ? ctx.t('history:previous.then', { title: label(r.interrupted) })
          : ctx.t('history:previous.then-at', { title: label(r.interrupted), position: formatDuration(r.resumeAtMs) }),
      );
    }
    return say(lines.join(' '));
  });
};

/** A pick from /history's menu: appended like /play, requested by the member who picked. */
export const historyPick: Handler = async (ctx) => {
  if (ctx.values.length === 0) return error(ctx.t('history:history.gone'));
  const { snapshot } = await ctx.deps.store.snapshot(ctx.guildId, { queue: 'head' });
  const voice = authorizeInVoice('play', factsOf(ctx), snapshot);
  if (voice.kind !== 'ok') return error(deniedMessage(voice, ctx.t));
  const who = { id: ctx.userId, name: ctx.userName };
  return fold(ctx, ops.requeueFromHistory(ctx.deps)({ guild: ctx.guildId, trackIds: [...ctx.values], requester: who, channel: voice.channel, textChannel: ctx.channelId }), (r) => {
    const first = r.tracks[0];
    const name = escapeMarkdown(ctx.userName);
    if (r.tracks.length > 1 || first === undefined) return say(ctx.t('history:history.queued-many', { count: r.tracks.length, position: r.position, requester: name }));
    return say(r.startsNow ? ctx.t('history:history.queued-now', { title: label(first), requester: name }) : ctx.t('history:history.queued-at', { title: label(first), position: r.position, requester: name }));
  });
};

/**
 * /skipto index: voice presence like every control, and the DJ role when one is set (it drops other
 * members' tracks, like /clear), so without a DJ role anyone in the channel may.
 */
export const skipToCommand: Handler = async (ctx) => {
  const { snapshot } = await ctx.deps.store.snapshot(ctx.guildId, { queue: 'head' });
  const verdict = authorize('skipto', factsOf(ctx), snapshot);
  if (verdict.kind !== 'ok') return error(deniedMessage(verdict, ctx.t));
  const index = ctx.option('index');
  return fold(ctx, ops.skipTo(ctx.deps)({ guild: ctx.guildId, index: typeof index === 'number' ? index : 0 }), (r) => {
    if (r.kind === 'already-current') return error(ctx.t('history:skipto.already', { title: label(r.track) }));
    const jumped = ctx.t('history:skipto.jumped', { title: label(r.track), count: r.dropped });
    return say(r.requeued ? `${jumped} ${ctx.t('history:skipto.requeued')}` : jumped);
  });
};

/** The handler of a history custom id, or undefined for any other. */
export function historyComponent(customId: string): Handler | undefined {
  if (customId === HISTORY_PICK) return historyPick;
  const page = new RegExp(`^${HISTORY_PAGE_PREFIX}(-?\\d{1,7})$`).exec(customId)?.[1];
  return page === undefined ? undefined : showPage(Number(page), true);
}
