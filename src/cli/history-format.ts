/** `hiqty history`: the history page as a table, from the same JSON that `--json` prints. */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { DEFAULT_LOCALE, translator } from '../i18n';
import { formatDuration, sourceLabel } from '../ops';
import { table } from './format';

const HistoryDisplay = t.type({
  page: t.number,
  pages: t.number,
  length: t.number,
  entries: t.array(
    t.type({
      index: t.number,
      playedAt: t.number,
      track: t.intersection([
        t.type({ url: t.string }),
        t.partial({ title: t.string, artist: t.string, source: t.string, durationMs: t.number, live: t.boolean, requester: t.type({ name: t.string }) }),
      ]),
    }),
  ),
  unreadable: t.array(t.type({ index: t.number, reason: t.string })),
});

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Human-readable age: "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function formatHistory(value: unknown, now: number = Date.now()): string {
  const decoded = HistoryDisplay.decode(value);
  // Both modes produce this JSON themselves; a mismatch is a bug or a different hiqty version.
  if (isLeft(decoded)) throw new Error('unexpected answer shape for a history page');
  const h = decoded.right;
  const rows = [
    ...h.entries.map((e) => [
      String(e.index),
      clip(`${e.track.title ?? e.track.url}${e.track.artist === undefined || e.track.artist === '' ? '' : ` — ${e.track.artist}`}`, 60),
      e.track.live === true ? 'live' : e.track.durationMs === undefined ? '-' : formatDuration(e.track.durationMs),
      sourceLabel(e.track.source ?? 'url', translator(DEFAULT_LOCALE)),
      e.track.requester?.name ?? '-',
      ago(now - e.playedAt),
    ]),
    ...h.unreadable.map((u) => [String(u.index), clip(`unreadable: ${u.reason}`, 60), '-', '-', '-', '-']),
  ].sort((a, b) => Number(a[0]) - Number(b[0]));
  return `${table(['#', 'TITLE', 'LENGTH', 'SOURCE', 'BY', 'PLAYED'], rows)}\nPage ${h.page}/${h.pages} · ${h.length} ${h.length === 1 ? 'track' : 'tracks'}, newest first`;
}
