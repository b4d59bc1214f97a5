/** What members see: answers, the queue page and the now-playing message, with their buttons. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown, type MessageActionRowComponentBuilder } from 'discord.js';
import type { Translate } from '../../src/i18n';
import { formatDuration, sourceLabel, type NowPlaying, type QueuePage } from '../../src/ops';
import type { Track } from '../../src/state';

export const NP_PAUSE = 'np:pause';
export const NP_RESUME = 'np:resume';
export const NP_SKIP = 'np:skip';
export const NP_STOP = 'np:stop';
/** ⏮: /previous (controllers/responder/history.ts). */
export const NP_PREVIOUS = 'np:previous';
export const QUEUE_PAGE_PREFIX = 'queue:page:';

/** A message body as discord.js sends it. */
export interface Body {
  readonly content: string;
  readonly embeds?: EmbedBuilder[];
  readonly components: ActionRowBuilder<MessageActionRowComponentBuilder>[];
}

/** Embed colour of track cards (hiqty's accent). */
const ACCENT = 0x5865f2;

/** Only web links go into an embed's url and thumbnail: Discord refuses anything else, and a bad one fails the whole message. */
export function webUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.length > 2000) return undefined;
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** `text` cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The card of a track in the "Playing / Queued" answer: title linked, artist, duration, source and artwork. */
export function trackEmbed(track: Track, t: Translate): EmbedBuilder {
  const title = clip(track.title !== undefined && track.title.trim() !== '' ? track.title.trim() : track.url, 256);
  const embed = new EmbedBuilder().setColor(ACCENT).setTitle(title);
  const url = webUrl(track.url);
  if (url !== undefined) embed.setURL(url);
  if (track.artist !== undefined && track.artist.trim() !== '') embed.setDescription(t('render:track.by', { artist: escapeMarkdown(clip(track.artist.trim(), 200)) }));
  embed.addFields(
    { name: t('render:track.duration'), value: track.live === true ? t('render:track.live') : track.durationMs !== undefined ? formatDuration(track.durationMs) : t('render:track.unknown'), inline: true },
    { name: t('render:track.source'), value: sourceLabel(track.source ?? 'url', t), inline: true },
  );
  const artwork = webUrl(track.artworkUrl);
  if (artwork !== undefined) embed.setThumbnail(artwork);
  return embed;
}

/** ` — artist`, escaped and clipped, or nothing. */
export function byArtist(track: Pick<Track, 'artist'>): string {
  const artist = track.artist?.trim();
  return artist === undefined || artist === '' ? '' : ` — ${escapeMarkdown(clip(artist, 60))}`;
}

/** A track's name, safe to put in markdown, at most 80 characters. */
export function label(track: Track): string {
  const raw = track.title !== undefined && track.title.trim() !== '' ? track.title.trim() : track.url;
  const clipped = raw.length > 80 ? `${raw.slice(0, 79)}…` : raw;
  return escapeMarkdown(clipped);
}

export function requesterOf(track: Track, t: Translate): string {
  return track.requester !== undefined ? escapeMarkdown(track.requester.name) : t('render:someone');
}

/** `1:23 ▬▬▬🔘▬▬▬▬ 3:45`; a live stream or an unknown length shows the elapsed time only. */
export function progressBar(t: Translate, positionMs: number, durationMs: number | undefined, live = false, width = 14): string {
  if (live) return t('render:bar.live', { position: formatDuration(positionMs) });
  if (durationMs === undefined || durationMs <= 0) return t('render:bar.unknown', { position: formatDuration(positionMs) });
  const at = Math.min(width - 1, Math.floor((positionMs / durationMs) * width));
  const bar = Array.from({ length: width }, (_, i) => (i === at ? '🔘' : '▬')).join('');
  return `${formatDuration(positionMs)} ${bar} ${formatDuration(durationMs)}`;
}

function stateIcon(np: NowPlaying): string {
  if (np.state === 'paused') return '⏸️';
  if (np.state === 'stopped') return '⏹️';
  return '▶️';
}

/** ` · 🔁 loop track`, or nothing when the loop is off. */
function loopNote(loop: NowPlaying['loop'], t: Translate): string {
  return loop === 'off' ? '' : ` · ${t(loop === 'track' ? 'render:np.loop-track' : 'render:np.loop-queue')}`;
}

export function nowPlayingContent(np: NowPlaying, t: Translate): string {
  const source = sourceLabel(np.track.source ?? 'url', t);
  const values = { icon: stateIcon(np), track: label(np.track), artist: byArtist(np.track) };
  const lines = [
    t(np.state === 'paused' ? 'render:np.paused' : 'render:np.playing', values),
    `${t('render:np.details', {
      requester: requesterOf(np.track, t),
      source: np.playedFrom === undefined ? source : t('render:np.played-from', { source, from: escapeMarkdown(np.playedFrom) }),
      volume: np.volume,
    })}${loopNote(np.loop, t)}`,
    `\`${progressBar(t, np.positionMs, np.durationMs, np.track.live === true)}\``,
  ];
  if (np.next !== undefined) lines.push(np.queueLength > 2 ? t('render:np.up-next-more', { track: label(np.next), more: np.queueLength - 2 }) : t('render:np.up-next', { track: label(np.next) }));
  return lines.join('\n');
}

export function nowPlayingButtons(np: Pick<NowPlaying, 'state'>, t: Translate): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const paused = np.state === 'paused';
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    // No label: the emoji says it in every language. Always enabled (the message does not know the history); an empty one answers privately.
    new ButtonBuilder().setCustomId(NP_PREVIOUS).setEmoji('⏮️').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(paused ? NP_RESUME : NP_PAUSE).setLabel(t(paused ? 'render:button.resume' : 'render:button.pause')).setEmoji(paused ? '▶️' : '⏸️').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(NP_SKIP).setLabel(t('render:button.skip')).setEmoji('⏭️').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(NP_STOP).setLabel(t('render:button.stop')).setEmoji('⏹️').setStyle(ButtonStyle.Danger),
  );
}

/** The artwork beside the now-playing text, linked to the track's page; none without artwork. */
function artworkEmbeds(track: Track): EmbedBuilder[] {
  const artwork = webUrl(track.artworkUrl);
  if (artwork === undefined) return [];
  const embed = new EmbedBuilder().setColor(ACCENT).setTitle(clip(track.title?.trim() || track.url, 256)).setThumbnail(artwork);
  const url = webUrl(track.url);
  if (url !== undefined) embed.setURL(url);
  return [embed];
}

export function nowPlayingBody(np: NowPlaying, t: Translate): Body {
  return { content: nowPlayingContent(np, t), embeds: artworkEmbeds(np.track), components: [nowPlayingButtons(np, t)] };
}

export function queueBody(q: QueuePage, t: Translate): Body {
  const lines = q.entries.map(({ index, track }) => {
    const length = track.durationMs !== undefined ? ` — ${formatDuration(track.durationMs)}` : '';
    return `\`${index}.\` ${index === 1 ? '▶️ ' : ''}${label(track)}${byArtist(track)}${length} · ${requesterOf(track, t)}`;
  });
  const total = q.unknownDurations === q.length ? '' : ` · ${formatDuration(q.totalDurationMs)}${q.unknownDurations > 0 ? '+' : ''}`;
  lines.push(`${t('render:queue.footer', { page: q.page, pages: q.pages, count: q.length })}${total}${loopNote(q.loop, t)}`);
  const row = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`${QUEUE_PAGE_PREFIX}${q.page - 1}`).setLabel(t('render:button.previous')).setStyle(ButtonStyle.Secondary).setDisabled(q.page <= 1),
    new ButtonBuilder().setCustomId(`${QUEUE_PAGE_PREFIX}${q.page + 1}`).setLabel(t('render:button.next')).setStyle(ButtonStyle.Secondary).setDisabled(q.page >= q.pages),
  );
  return { content: `${t('render:queue.title')}\n${lines.join('\n')}`, components: q.pages > 1 ? [row] : [] };
}
