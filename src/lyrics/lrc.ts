/**
 * Synced lyrics in the LRC form LRCLIB stores (`[mm:ss.xx] line`), and which line is sung at a position.
 * A line may carry several stamps (a chorus sung twice); `[offset:+/-ms]` shifts every stamp (positive:
 * earlier, as the LRC convention has it); other tags (`[ar:...]`, `[length:...]`) and unstamped lines are
 * ignored. Enhanced LRC's word stamps (`<mm:ss.xx>`) are removed from the text.
 */

export interface LrcLine {
  /** When the line starts, in ms from the start of the track. */
  readonly atMs: number;
  /** The words; empty for an instrumental gap (a stamp with no text). */
  readonly text: string;
}

const STAMP = /\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/g;
const LEADING_STAMPS = /^(?:\s*\[\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?\])+/;
const OFFSET = /^\s*\[offset:\s*([+-]?\d+)\s*\]\s*$/i;
const WORD_STAMP = /<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>/g;

function fractionMs(digits: string | undefined): number {
  if (digits === undefined) return 0;
  // ".5" is half a second, ".05" five hundredths, ".005" five thousandths.
  return Math.round(Number(`0.${digits}`) * 1000);
}

/** The stamped lines in time order (equal stamps keep their order in the text). */
export function parseLrc(text: string): LrcLine[] {
  let offsetMs = 0;
  const lines: { atMs: number; text: string; order: number }[] = [];
  let order = 0;
  for (const raw of text.split(/\r?\n/)) {
    const offset = OFFSET.exec(raw);
    if (offset !== null) {
      offsetMs = Number(offset[1]);
      continue;
    }
    const lead = LEADING_STAMPS.exec(raw);
    if (lead === null) continue;
    const words = raw.slice(lead[0].length).replace(WORD_STAMP, '').trim();
    for (const m of lead[0].matchAll(STAMP)) {
      const atMs = (Number(m[1]) * 60 + Number(m[2])) * 1000 + fractionMs(m[3]);
      lines.push({ atMs, text: words, order: order++ });
    }
  }
  return lines
    .map((l) => ({ ...l, atMs: Math.max(0, l.atMs - offsetMs) }))
    .sort((a, b) => a.atMs - b.atMs || a.order - b.order)
    .map(({ atMs, text: words }) => ({ atMs, text: words }));
}

/** The line being sung at a position: its index, or undefined before the first line. */
export function lineIndexAt(lines: readonly LrcLine[], positionMs: number): number | undefined {
  // Binary search for the last line starting at or before the position.
  let lo = 0;
  let hi = lines.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const line = lines[mid];
    if (line !== undefined && line.atMs <= positionMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** When the next line after a position starts (ms from the start of the track), or undefined after the last. */
export function nextLineAtMs(lines: readonly LrcLine[], positionMs: number): number | undefined {
  const index = lineIndexAt(lines, positionMs);
  return lines[index === undefined ? 0 : index + 1]?.atMs;
}

/** The words without their stamps, one line each: what /lyrics shows when LRCLIB has no plain text. */
export function plainOf(lines: readonly LrcLine[]): string {
  return lines.map((l) => l.text).join('\n');
}
