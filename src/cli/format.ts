/** Human output of the CLI: tables and one-liners, from the same JSON that `--json` prints. */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { DEFAULT_LOCALE, translator } from '../i18n';
import { formatDuration, sourceLabel as sourceLabelIn } from '../ops';

/** The CLI speaks English. */
const sourceLabel = (source: string): string => sourceLabelIn(source, translator(DEFAULT_LOCALE));

const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);

const TrackView = t.intersection([
  t.type({ id: t.string, url: t.string }),
  t.partial({ title: t.string, artist: t.string, source: t.string, durationMs: t.number, requester: t.type({ id: t.string, name: t.string }) }),
]);
type TrackView = t.TypeOf<typeof TrackView>;

const GuildViewDisplay = t.type({
  guild: t.string,
  state: t.string,
  channel: nullable(t.string),
  settings: t.type({ loop: t.string, volume: t.number, stay: t.boolean }),
  queue: t.array(t.type({ index: t.number, track: TrackView })),
  length: t.number,
  nowPlaying: nullable(t.type({ track: TrackView, started: t.boolean, positionMs: t.number, durationMs: nullable(t.number) })),
  player: nullable(t.type({ instance: t.string, epoch: t.number })),
  quarantineLength: t.number,
});

const GuildList = t.type({
  guilds: t.array(t.type({ guild: t.string, state: t.string, length: t.number, nowPlaying: nullable(t.string), positionMs: nullable(t.number), player: nullable(t.string) })),
});

const SearchDisplay = t.type({
  query: t.string,
  results: t.array(t.intersection([t.type({ url: t.string, title: t.string, source: t.string }), t.partial({ artist: t.string, durationMs: t.number, live: t.boolean })])),
  skipped: t.array(t.type({ source: t.string, reason: t.string })),
});

const QuarantineDisplay = t.type({
  entries: t.array(t.type({ index: t.number, raw: t.string, reason: t.string, at: t.number })),
  unreadable: t.array(t.type({ index: t.number, raw: t.string, reason: t.string })),
});

const Result = t.intersection([
  t.type({ kind: t.string }),
  t.partial({
    tracks: t.array(TrackView),
    track: nullable(TrackView),
    position: t.number,
    startsNow: t.boolean,
    leftOut: t.array(t.type({ title: t.string, reason: t.string })),
    skippedSources: t.array(t.type({ source: t.string, reason: t.string })),
    removed: t.number,
    count: t.number,
    index: t.number,
    from: t.number,
    to: t.number,
    already: t.boolean,
    caches: t.string,
    dropped: t.number,
  }),
]);

function shape<A>(codec: t.Type<A, unknown, unknown>, value: unknown): A {
  const r = codec.decode(value);
  // Both modes produce this JSON themselves; a mismatch is a bug or a different hiqty version.
  if (isLeft(r)) throw new Error(`unexpected answer shape for ${codec.name}`);
  return r.right;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const label = (track: TrackView): string => `${track.title ?? track.url}${track.artist === undefined || track.artist === '' ? '' : ` — ${track.artist}`}`;
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const position = (ms: number, durationMs: number | null | undefined): string => `${formatDuration(ms)}${durationMs === null || durationMs === undefined ? '' : ` / ${formatDuration(durationMs)}`}`;

export function formatGuildList(value: unknown): string {
  const { guilds } = shape(GuildList, value);
  if (guilds.length === 0) return 'No guild has any state.';
  return table(
    ['GUILD', 'STATE', 'QUEUE', 'POSITION', 'PLAYER', 'NOW PLAYING'],
    guilds.map((g) => [g.guild, g.state, String(g.length), g.positionMs === null ? '-' : formatDuration(g.positionMs), g.player ?? '-', g.nowPlaying === null ? '-' : clip(g.nowPlaying, 60)]),
  );
}

export function formatGuild(value: unknown): string {
  const v = shape(GuildViewDisplay, value);
  const head = `Guild ${v.guild}: ${v.state} · channel ${v.channel ?? '(none)'} · loop ${v.settings.loop} · volume ${v.settings.volume}%${v.settings.stay ? ' · 24/7' : ''} · player ${v.player === null ? '(none)' : `${v.player.instance} (epoch ${v.player.epoch})`}`;
  const np =
    v.nowPlaying === null
      ? 'Now playing: nothing'
      : `Now playing: ${label(v.nowPlaying.track)} [${position(v.nowPlaying.positionMs, v.nowPlaying.durationMs)}]${v.nowPlaying.started ? '' : ' (not started yet)'}`;
  const rows = v.queue.map(({ index, track }) => [
    String(index),
    clip(label(track), 60),
    track.durationMs === undefined ? '-' : formatDuration(track.durationMs),
    track.source === undefined ? '-' : sourceLabel(track.source),
    track.requester?.name ?? '-',
  ]);
  const queue = rows.length === 0 ? 'The queue is empty.' : table(['#', 'TITLE', 'LENGTH', 'SOURCE', 'REQUESTER'], rows);
  const extra = [v.length !== v.queue.length ? `${v.length - v.queue.length} undecodable entries in the queue.` : '', v.quarantineLength > 0 ? `${v.quarantineLength} entries in quarantine (hiqty quarantine ${v.guild}).` : ''].filter((s) => s !== '');
  return [head, np, '', queue, ...extra].join('\n');
}

/** One line per change, for `hiqty watch`. */
export function formatWatchLine(value: unknown, now: Date = new Date()): string {
  const time = now.toISOString().slice(11, 23);
  if (value === null) return `${time}  (no state)`;
  const v = shape(GuildViewDisplay, value);
  const np = v.nowPlaying === null ? 'nothing playing' : `${label(v.nowPlaying.track)} [${position(v.nowPlaying.positionMs, v.nowPlaying.durationMs)}]`;
  return `${time}  ${v.state}  ${v.length} ${v.length === 1 ? 'track' : 'tracks'}  ${np}`;
}

export function formatQuarantine(value: unknown): string {
  const q = shape(QuarantineDisplay, value);
  if (q.entries.length === 0 && q.unreadable.length === 0) return 'The quarantine is empty.';
  const rows = [
    ...q.entries.map((e) => [String(e.index), new Date(e.at).toISOString(), clip(e.reason, 50), clip(e.raw, 60)]),
    ...q.unreadable.map((e) => [String(e.index), '-', clip(`unreadable: ${e.reason}`, 50), clip(e.raw, 60)]),
  ];
  return table(['#', 'AT', 'REASON', 'ENTRY'], rows);
}

/** `hiqty search`: one row per result, best first, and the sources that were not asked. */
export function formatSearch(value: unknown): string {
  const v = shape(SearchDisplay, value);
  const skipped = v.skipped.map((s) => `${sourceLabel(s.source)} was skipped: ${s.reason}.`);
  if (v.results.length === 0) return [`Nothing found for "${v.query}".`, ...skipped].join('\n');
  const rows = v.results.map((r, i) => [
    String(i + 1),
    clip(`${r.title}${r.artist === undefined ? '' : ` — ${r.artist}`}`, 60),
    r.live === true ? 'live' : r.durationMs === undefined ? '-' : formatDuration(r.durationMs),
    sourceLabel(r.source),
    r.url,
  ]);
  return [table(['#', 'TITLE', 'LENGTH', 'SOURCE', 'URL'], rows), ...skipped].join('\n');
}

const SourcesDisplay = t.type({
  sources: t.array(t.type({ source: t.string, instance: t.string, failureRate: t.number, requests: t.number, circuit: t.string, openUntil: t.union([t.number, t.null]), updatedAt: t.number })),
});

/** `hiqty status --sources`: one row per source and instance. */
export function formatSources(value: unknown, now: number = Date.now()): string {
  const v = shape(SourcesDisplay, value);
  if (v.sources.length === 0) return 'No instance has published source health yet (an instance publishes it every 10 s once a source was asked).';
  const rows = v.sources.map((s) => [
    sourceLabel(s.source),
    s.instance,
    `${Math.round(s.failureRate * 100)}%`,
    String(s.requests),
    s.circuit === 'open' && s.openUntil !== null ? `open (${Math.max(0, Math.ceil((s.openUntil - now) / 1000))} s left)` : s.circuit,
    `${Math.max(0, Math.round((now - s.updatedAt) / 1000))} s ago`,
  ]);
  return table(['SOURCE', 'INSTANCE', 'FAILED', 'OF', 'CIRCUIT', 'SEEN'], rows);
}

const CacheDisplay = t.type({ caches: t.array(t.type({ kind: t.string, entries: t.number, bytes: t.number, bySource: t.record(t.string, t.number) })) });

/** `hiqty cache stats`: entries and size per kind, and entries per source. */
export function formatCacheStats(value: unknown): string {
  const v = shape(CacheDisplay, value);
  const rows = v.caches.flatMap((c) => [
    [c.kind, 'all', String(c.entries), `${(c.bytes / 1024).toFixed(1)} KiB`],
    ...Object.entries(c.bySource)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([source, n]) => ['', source, String(n), '']),
  ]);
  return table(['CACHE', 'SOURCE', 'ENTRIES', 'SIZE'], rows);
}

/** What a write did, in one sentence. */
export function formatResult(value: unknown): string {
  const r = shape(Result, value);
  const track = r.track === undefined || r.track === null ? undefined : label(r.track);
  switch (r.kind) {
    case 'queued': {
      const n = r.tracks?.length ?? 0;
      const first = r.tracks?.[0];
      const what = n === 1 && first !== undefined ? `${r.startsNow === true ? 'Playing' : 'Queued'} ${label(first)} at position ${r.position ?? '?'}.` : `Queued ${n} tracks from position ${r.position ?? '?'}.`;
      const leftOut = (r.leftOut ?? []).map((e) => ` Left out ${e.title}: ${e.reason}.`).join('');
      const passedOver = (r.skippedSources ?? []).map((s) => ` (${s.reason})`).join('');
      return `${what}${leftOut}${passedOver}`;
    }
    case 'skipped':
      return `Skipped ${track ?? 'the current track'}.`;
    case 'paused':
      return r.already === true ? 'Already paused.' : `Paused ${track ?? ''}.`.replace(' .', '.');
    case 'resumed':
      return r.already === true ? 'Already playing.' : `Resumed ${track ?? ''}.`.replace(' .', '.');
    case 'stopped':
      return `Stopped and emptied the queue (${r.removed ?? 0} removed).`;
    case 'shuffled':
      return `Shuffled ${r.count ?? 0} tracks after the current one.`;
    case 'cleared':
      return `Cleared the queue (${r.removed ?? 0} removed).`;
    case 'removed':
      return `Removed ${track ?? `entry ${r.index ?? '?'}`} (was at ${r.index ?? '?'}).`;
    case 'moved':
      return `Moved ${track ?? 'the entry'} from ${r.from ?? '?'} to ${r.to ?? '?'}.`;
    case 'requeued':
      return `Put quarantined entry ${r.index ?? '?'} (${track ?? 'a track'}) back at the end of the queue.`;
    case 'previous':
      return `Playing ${track ?? 'the last played track'} again; the current track comes after it.`;
    case 'skipped-to':
      return `Jumped to ${track ?? `position ${r.index ?? '?'}`} (${r.dropped ?? 0} skipped).`;
    case 'already-current':
      return `${track ?? 'That track'} is already playing.`;
    case 'cache-cleared':
      return `Cleared ${r.removed ?? 0} cached answers${r.caches === undefined || r.caches === 'all' ? '' : ` (${r.caches})`}.`;
    default:
      return `Done (${r.kind}).`;
  }
}
