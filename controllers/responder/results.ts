/**
 * Search results as members see them: autocomplete choices of /play, and /search's embed with its
 * select menu. A result is named "title — artist (3:32) · YouTube"; what it stands for is its link when
 * that fits Discord's 100 characters, else a search pinned to its source, so a pick needs no memory of
 * the search and any instance can answer it.
 */
import { ActionRowBuilder, EmbedBuilder, escapeMarkdown, StringSelectMenuBuilder, type MessageActionRowComponentBuilder } from 'discord.js';
import type { Translate } from '../../src/i18n';
import { formatDuration, sourceLabel, type SearchView } from '../../src/ops';
import type { SourceTrack } from '../../src/sources/types';
import { clip, webUrl, type Body } from './render';

/** Discord's limit on a choice's or a select option's name and value. */
export const CHOICE_MAX = 100;

/** Prefix that pins a query to one source (parsed by the resolver). */
const PREFIX: Readonly<Record<string, string>> = { youtube: 'yt:', 'youtube-music': 'ytm:', soundcloud: 'sc:', bandcamp: 'bc:' };

/** `(3:32)`, `(live)` or nothing. */
function lengthOf(r: SourceTrack, t: Translate): string {
  if (r.live === true) return ` (${t('render:track.live')})`;
  return r.durationMs === undefined ? '' : ` (${formatDuration(r.durationMs)})`;
}

/** "title — artist (3:32) · YouTube", at most `max` characters: the title gives way first. */
export function resultName(r: SourceTrack, t: Translate, max = CHOICE_MAX): string {
  const artist = r.artist !== undefined && r.artist.trim() !== '' ? ` — ${clip(r.artist.trim(), 40)}` : '';
  const tail = `${artist}${lengthOf(r, t)} · ${sourceLabel(r.source, t)}`;
  const title = r.title.trim() !== '' ? r.title.trim() : r.url;
  return `${clip(title, Math.max(10, max - tail.length))}${tail}`.slice(0, max);
}

/** What a pick stands for: the link when it fits in 100 characters, else the title and artist searched on that source. */
export function resultValue(r: SourceTrack): string {
  if (r.url.length <= CHOICE_MAX) return r.url;
  return clip(`${PREFIX[r.source] ?? ''}${r.title} ${r.artist ?? ''}`.trim(), CHOICE_MAX);
}

export interface Choice {
  readonly name: string;
  readonly value: string;
}

/** Autocomplete choices: at most 25, distinct values (Discord refuses duplicates). */
export function choicesOf(results: readonly SourceTrack[], t: Translate): Choice[] {
  const seen = new Set<string>();
  const out: Choice[] = [];
  for (const r of results) {
    const value = resultValue(r);
    if (seen.has(value)) continue;
    seen.add(value);
    out.push({ name: resultName(r, t), value });
    if (out.length === 25) break;
  }
  return out;
}

/** How long /search's menu takes picks; the interaction token lives 15 minutes, so the expiry edit can still be made. Default 5 minutes. */
export const SEARCH_MENU_TTL_MS = 5 * 60_000;
export const SEARCH_PICK_PREFIX = 'search:pick:';

/** The select menu's custom id carries its expiry, so a pick on any instance knows whether the menu still counts. */
export function pickCustomId(expiresAtMs: number): string {
  return `${SEARCH_PICK_PREFIX}${Math.floor(expiresAtMs)}`;
}

/** The expiry of a pick's custom id, or undefined when it is not one. */
export function parsePickCustomId(customId: string): number | undefined {
  const m = /^search:pick:(\d{1,15})$/.exec(customId);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function line(i: number, r: SourceTrack, t: Translate): string {
  const title = escapeMarkdown(clip(r.title.trim() !== '' ? r.title.trim() : r.url, 80));
  const url = webUrl(r.url);
  const artist = r.artist !== undefined && r.artist.trim() !== '' ? ` — ${escapeMarkdown(clip(r.artist.trim(), 40))}` : '';
  return `\`${i + 1}.\` ${url === undefined ? title : `[${title}](${url})`}${artist}${lengthOf(r, t)} · ${sourceLabel(r.source, t)}`;
}

function skippedNote(view: SearchView, t: Translate): string | undefined {
  if (view.skipped.length === 0) return undefined;
  return clip(t('render:search.not-searched', { sources: view.skipped.map((s) => `${sourceLabel(s.source, t)} (${s.reason})`).join(', ') }), 2048);
}

/** /search's answer: the results in an embed and a menu to pick one or more of them. */
export function searchBody(view: SearchView, expiresAtMs: number, t: Translate): Body {
  const results = view.results.slice(0, 10);
  const embed = new EmbedBuilder()
    .setColor(0x5865f2)
    .setTitle(clip(t('render:search.title', { query: view.query }), 256))
    .setDescription(results.map((r, i) => line(i, r, t)).join('\n'));
  const note = skippedNote(view, t);
  if (note !== undefined) embed.setFooter({ text: note });
  const seen = new Set<string>();
  const options = results.flatMap((r, i) => {
    const value = resultValue(r);
    if (seen.has(value)) return [];
    seen.add(value);
    const description = [r.artist?.trim(), r.live === true ? t('render:track.live') : r.durationMs === undefined ? undefined : formatDuration(r.durationMs), sourceLabel(r.source, t)].filter((s) => s !== undefined && s !== '').join(' · ');
    return [{ label: clip(`${i + 1}. ${r.title.trim() !== '' ? r.title.trim() : r.url}`, CHOICE_MAX), description: clip(description, CHOICE_MAX), value }];
  });
  const menu = new StringSelectMenuBuilder()
    .setCustomId(pickCustomId(expiresAtMs))
    .setPlaceholder(t('render:search.placeholder'))
    .setMinValues(1)
    .setMaxValues(options.length)
    .addOptions(options);
  return {
    content: t('render:search.intro', { count: results.length, minutes: Math.round(SEARCH_MENU_TTL_MS / 60_000) }),
    embeds: [embed],
    components: [new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(menu)],
  };
}

/** The same results without the menu, once it has expired. */
export function expiredSearchBody(view: SearchView, t: Translate): Body {
  const embed = new EmbedBuilder()
    .setColor(0x99aab5)
    .setTitle(clip(t('render:search.title', { query: view.query }), 256))
    .setDescription(view.results.slice(0, 10).map((r, i) => line(i, r, t)).join('\n'));
  return { content: t('render:search.expired'), embeds: [embed], components: [] };
}
