/** What members see: answers, the queue page and the now-playing message, with their buttons. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown } from 'discord.js';
import { formatDuration, type NowPlaying, type QueuePage } from '../../src/ops';
import type { Track } from '../../src/state';

export const NP_PAUSE = 'np:pause';
export const NP_RESUME = 'np:resume';
export const NP_SKIP = 'np:skip';
export const NP_STOP = 'np:stop';
export const QUEUE_PAGE_PREFIX = 'queue:page:';

/** A message body as discord.js sends it. */
export interface Body {
  readonly content: string;
  readonly components: ActionRowBuilder<ButtonBuilder>[];
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
    `${stateIcon(np)} **${np.state === 'paused' ? 'Paused' : 'Now playing'}:** ${label(np.track)}`,
    `Requested by ${requesterOf(np.track)} · 🔊 ${np.volume}%${loop}`,
    `\`${progressBar(np.positionMs, np.durationMs, np.track.live === true)}\``,
  ];
  if (np.next !== undefined) lines.push(`Up next: ${label(np.next)}${np.queueLength > 2 ? ` (+${np.queueLength - 2} more)` : ''}`);
  return lines.join('\n');
}

export function nowPlayingButtons(np: Pick<NowPlaying, 'state'>): ActionRowBuilder<ButtonBuilder> {
  const paused = np.state === 'paused';
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(paused ? NP_RESUME : NP_PAUSE).setLabel(paused ? 'Resume' : 'Pause').setEmoji(paused ? '▶️' : '⏸️').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(NP_SKIP).setLabel('Skip').setEmoji('⏭️').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(NP_STOP).setLabel('Stop').setEmoji('⏹️').setStyle(ButtonStyle.Danger),
  );
}

export function nowPlayingBody(np: NowPlaying): Body {
  return { content: nowPlayingContent(np), components: [nowPlayingButtons(np)] };
}

export function queueBody(q: QueuePage): Body {
  const lines = q.entries.map(({ index, track }) => {
    const length = track.durationMs !== undefined ? ` — ${formatDuration(track.durationMs)}` : '';
    return `\`${index}.\` ${index === 1 ? '▶️ ' : ''}${label(track)}${length} · ${requesterOf(track)}`;
  });
  const total = q.unknownDurations === q.length ? '' : ` · ${formatDuration(q.totalDurationMs)}${q.unknownDurations > 0 ? '+' : ''}`;
  const loop = q.loop === 'off' ? '' : ` · 🔁 loop ${q.loop}`;
  lines.push(`Page ${q.page}/${q.pages} · ${q.length} ${q.length === 1 ? 'track' : 'tracks'}${total}${loop}`);
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`${QUEUE_PAGE_PREFIX}${q.page - 1}`).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(q.page <= 1),
    new ButtonBuilder().setCustomId(`${QUEUE_PAGE_PREFIX}${q.page + 1}`).setLabel('Next').setStyle(ButtonStyle.Secondary).setDisabled(q.page >= q.pages),
  );
  return { content: `**Queue**\n${lines.join('\n')}`, components: q.pages > 1 ? [row] : [] };
}
