/** What members see: answers, the queue page and the now-playing message, with their buttons. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown, type MessageActionRowComponentBuilder } from 'discord.js';
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
export function trackEmbed(track: Track): EmbedBuilder {
  const title = clip(track.title !== undefined && track.title.trim() !== '' ? track.title.trim() : track.url, 256);
  const embed = new EmbedBuilder().setColor(ACCENT).setTitle(title);
  const url = webUrl(track.url);
  if (url !== undefined) embed.setURL(url);
  if (track.artist !== undefined && track.artist.trim() !== '') embed.setDescription(`by ${escapeMarkdown(clip(track.artist.trim(), 200))}`);
  embed.addFields(
    { name: 'Duration', value: track.live === true ? 'live' : track.durationMs !== undefined ? formatDuration(track.durationMs) : 'unknown', inline: true },
    { name: 'Source', value: sourceLabel(track.source ?? 'url'), inline: true },
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

export function requesterOf(track: Track): string {
  return track.requester !== undefined ? escapeMarkdown(track.requester.name) : 'someone';
}

/** `1:23 ▬▬▬🔘▬▬▬▬ 3:45`; a live stream or an unknown length shows the elapsed time only. */
export function progressBar(positionMs: number, durationMs: number | undefined, live = false, width = 14): string {
  if (live) return `${formatDuration(positionMs)} ● live`;
  if (durationMs === undefined || durationMs <= 0) return `${formatDuration(positionMs)} elapsed (length unknown)`;
  const at = Math.min(width - 1, Math.floor((positionMs / durationMs) * width));
  const bar = Array.from({ length: width }, (_, i) => (i === at ? '🔘' : '▬')).join('');
  return `${formatDuration(positionMs)} ${bar} ${formatDuration(durationMs)}`;
}

function stateIcon(np: NowPlaying): string {
  if (np.state === 'paused') return '⏸️';
  if (np.state === 'stopped') return '⏹️';
  return '▶️';
}

export function nowPlayingContent(np: NowPlaying): string {
  const loop = np.loop === 'off' ? '' : ` · 🔁 loop ${np.loop}`;
  const lines = [
    `${stateIcon(np)} **${np.state === 'paused' ? 'Paused' : 'Now playing'}:** ${label(np.track)}${byArtist(np.track)}`,
    `Requested by ${requesterOf(np.track)} · ${sourceLabel(np.track.source ?? 'url')}${np.playedFrom === undefined ? '' : `, played from ${escapeMarkdown(np.playedFrom)}`} · 🔊 ${np.volume}%${loop}`,
    `\`${progressBar(np.positionMs, np.durationMs, np.track.live === true)}\``,
  ];
  if (np.next !== undefined) lines.push(`Up next: ${label(np.next)}${np.queueLength > 2 ? ` (+${np.queueLength - 2} more)` : ''}`);
  return lines.join('\n');
}

export function nowPlayingButtons(np: Pick<NowPlaying, 'state'>): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const paused = np.state === 'paused';
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    // No label: the emoji says it in every language. Always enabled (the message does not know the history); an empty one answers privately.
    new ButtonBuilder().setCustomId(NP_PREVIOUS).setEmoji('⏮️').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(paused ? NP_RESUME : NP_PAUSE).setLabel(paused ? 'Resume' : 'Pause').setEmoji(paused ? '▶️' : '⏸️').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(NP_SKIP).setLabel('Skip').setEmoji('⏭️').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(NP_STOP).setLabel('Stop').setEmoji('⏹️').setStyle(ButtonStyle.Danger),
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

export function nowPlayingBody(np: NowPlaying): Body {
  return { content: nowPlayingContent(np), embeds: artworkEmbeds(np.track), components: [nowPlayingButtons(np)] };
}

export function queueBody(q: QueuePage): Body {
  const lines = q.entries.map(({ index, track }) => {
    const length = track.durationMs !== undefined ? ` — ${formatDuration(track.durationMs)}` : '';
    return `\`${index}.\` ${index === 1 ? '▶️ ' : ''}${label(track)}${byArtist(track)}${length} · ${requesterOf(track)}`;
  });
  const total = q.unknownDurations === q.length ? '' : ` · ${formatDuration(q.totalDurationMs)}${q.unknownDurations > 0 ? '+' : ''}`;
  const loop = q.loop === 'off' ? '' : ` · 🔁 loop ${q.loop}`;
  lines.push(`Page ${q.page}/${q.pages} · ${q.length} ${q.length === 1 ? 'track' : 'tracks'}${total}${loop}`);
  const row = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`${QUEUE_PAGE_PREFIX}${q.page - 1}`).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(q.page <= 1),
    new ButtonBuilder().setCustomId(`${QUEUE_PAGE_PREFIX}${q.page + 1}`).setLabel('Next').setStyle(ButtonStyle.Secondary).setDisabled(q.page >= q.pages),
  );
  return { content: `**Queue**\n${lines.join('\n')}`, components: q.pages > 1 ? [row] : [] };
}
