/**
 * /lyrics and its page buttons: the current track's lyrics (LRCLIB, src/ops/lyrics.ts) in an embed, a page
 * at a time (LYRICS_PAGE_MAX_CHARS, broken between lines), public like /queue. The buttons' custom ids carry
 * the track id and the page (`lyrics:page:{trackId}:{page}`), so any instance answers a press; a press for a
 * track that is no longer the head is told so. Asking marks the track, so the now-playing message follows
 * its synced lines (controllers/responder/lyrics-np.ts).
 */
import { isLeft } from 'fp-ts/Either';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown, type MessageActionRowComponentBuilder } from 'discord.js';
import * as ops from '../../src/ops';
import type { Translate } from '../../src/i18n';
import { parseLrc, plainOf } from '../../src/lyrics/lrc';
import { lyricsPages } from '../../src/lyrics/pages';
import type { Lyrics } from '../../src/sources/lrclib/client';
import type { Track } from '../../src/state';
import type { Handler, HandlerCtx, Reply } from './handlers';
import { clip, label, webUrl, type Body } from './render';

export const LYRICS_PAGE_PREFIX = 'lyrics:page:';
/** Discord's limit on a custom id. */
const MAX_CUSTOM_ID = 100;
/** Embed colour of the lyrics card (hiqty's accent). */
const ACCENT = 0x5865f2;

const error = (content: string): Reply => ({ kind: 'error', content });
const privately = (content: string): Reply => ({ kind: 'answer', visibility: 'ephemeral', body: { content, components: [] } });

/** The words to page: LRCLIB's plain text, or the synced lines without their stamps. */
export function lyricsText(lyrics: Lyrics): string {
  return lyrics.plain ?? (lyrics.synced === undefined ? '' : plainOf(parseLrc(lyrics.synced)));
}

export function lyricsPageId(trackId: string, page: number): string {
  return `${LYRICS_PAGE_PREFIX}${trackId}:${page}`;
}

/** A page button's track id and page, or undefined for any other custom id. */
export function parseLyricsPageId(customId: string): { readonly trackId: string; readonly page: number } | undefined {
  if (!customId.startsWith(LYRICS_PAGE_PREFIX)) return undefined;
  const m = /^(.+):(\d{1,4})$/.exec(customId.slice(LYRICS_PAGE_PREFIX.length));
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  return { trackId: m[1], page: Number(m[2]) };
}

/** One page of a track's lyrics, with Previous/Next when there are more (and the ids fit Discord's 100 characters). */
export function lyricsBody(t: Translate, track: Track, lyrics: Lyrics, page: number, noteSynced: boolean): Body {
  const pages = lyricsPages(lyricsText(lyrics));
  const at = Math.min(Math.max(1, page), pages.length);
  const embed = new EmbedBuilder()
    .setColor(ACCENT)
    .setTitle(clip(`🎤 ${track.title?.trim() || track.url}${track.artist?.trim() ? ` — ${track.artist.trim()}` : ''}`, 256))
    .setDescription(escapeMarkdown(pages[at - 1] ?? ''))
    .setFooter({ text: t('lyrics:footer', { page: at, pages: pages.length }) });
  const url = webUrl(track.url);
  if (url !== undefined) embed.setURL(url);
  const components: ActionRowBuilder<MessageActionRowComponentBuilder>[] = [];
  if (pages.length > 1 && lyricsPageId(track.id, pages.length).length <= MAX_CUSTOM_ID) {
    components.push(
      new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
        new ButtonBuilder().setCustomId(lyricsPageId(track.id, at - 1)).setLabel(t('lyrics:previous')).setStyle(ButtonStyle.Secondary).setDisabled(at <= 1),
        new ButtonBuilder().setCustomId(lyricsPageId(track.id, at + 1)).setLabel(t('lyrics:next')).setStyle(ButtonStyle.Secondary).setDisabled(at >= pages.length),
      ),
    );
  }
  return { content: noteSynced && lyrics.synced !== undefined ? t('lyrics:synced-note') : '', embeds: [embed], components };
}

async function answerLyrics(ctx: HandlerCtx, input: ops.LyricsInput, page: number, update: boolean): Promise<Reply> {
  const r = await ops.lyrics(ctx.deps)(input)();
  if (isLeft(r)) return error(r.left.kind === 'queue-empty' ? ctx.t('lyrics:nothing-playing') : ctx.t('lyrics:failed'));
  const a = r.right;
  switch (a.kind) {
    case 'stale':
      return error(ctx.t('lyrics:stale'));
    case 'none':
      return privately(ctx.t('lyrics:none', { title: label(a.track) }));
    case 'instrumental':
      return privately(ctx.t('lyrics:instrumental', { title: label(a.track) }));
    case 'failed':
      return error(ctx.t('lyrics:failed'));
    case 'lyrics':
      return { kind: 'answer', visibility: 'public', body: lyricsBody(ctx.t, a.track, a.lyrics, page, true), ...(update ? { update: true } : {}) };
  }
}

/** /lyrics: the first page, and the now-playing message starts following the synced lines. */
export const lyricsCommand: Handler = (ctx) => answerLyrics(ctx, { guild: ctx.guildId, show: true }, 1, false);

/** A Previous/Next press: that page of the same track, edited in place. */
export function lyricsPageButton(customId: string): Handler | undefined {
  const parsed = parseLyricsPageId(customId);
  if (parsed === undefined) return undefined;
  return (ctx) => answerLyrics(ctx, { guild: ctx.guildId, trackId: parsed.trackId }, parsed.page, true);
}
