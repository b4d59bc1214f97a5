/**
 * Fragmented MP4 seeking by its `sidx` (ISO/IEC 14496-12 §8.16.3), as DASH audio (YouTube's itag
 * 140) is laid out: ftyp and moov (the init ffmpeg needs), a sidx, then moof+mdat fragments. The
 * sidx maps a position to the byte offset of the fragment at or before it.
 */

export interface Mp4Layout {
  /** End (exclusive) of ftyp+moov: every byte the decoder needs before a fragment. */
  readonly initEnd?: number;
  /** The sidx box, [start, end). */
  readonly sidx?: { readonly start: number; readonly end: number };
}

function boxAt(buf: Buffer, at: number): { type: string; start: number; end: number } | undefined {
  if (at + 8 > buf.length) return undefined;
  let size = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  if (size === 1) {
    if (at + 16 > buf.length) return undefined;
    size = Number(buf.readBigUInt64BE(at + 8));
  }
  if (size < 8) return undefined;
  return { type, start: at, end: at + size };
}

/** The top-level boxes of the file's first bytes, up to the first fragment. */
export function parseMp4Layout(buf: Buffer): Mp4Layout {
  let initEnd: number | undefined;
  let sidx: Mp4Layout['sidx'];
  let at = 0;
  for (;;) {
    const box = boxAt(buf, at);
    if (box === undefined || box.type === 'moof' || box.type === 'mdat') break;
    if (box.type === 'moov') initEnd = box.end;
    if (box.type === 'sidx') sidx ??= { start: box.start, end: box.end };
    at = box.end;
  }
  return { ...(initEnd === undefined ? {} : { initEnd }), ...(sidx === undefined ? {} : { sidx }) };
}

export interface Subsegment {
  readonly timeMs: number;
  /** Absolute byte offset of the subsegment's first moof. */
  readonly offset: number;
}

/**
 * The subsegments of a sidx box (the buffer starts at the box; `boxStart` is its absolute offset).
 * Known limit: references to further sidx boxes (a hierarchical index) are treated as media; DASH
 * audio uses one flat sidx.
 */
export function parseSidx(buf: Buffer, boxStart: number): Subsegment[] {
  const box = boxAt(buf, 0);
  if (box === undefined || box.type !== 'sidx' || box.end > buf.length) return [];
  const version = buf[8] ?? 0;
  let at = 12 + 4; // full box header, reference_ID
  const timescale = buf.readUInt32BE(at);
  at += 4;
  let time: number;
  let firstOffset: number;
  if (version === 0) {
    time = buf.readUInt32BE(at);
    firstOffset = buf.readUInt32BE(at + 4);
    at += 8;
  } else {
    time = Number(buf.readBigUInt64BE(at));
    firstOffset = Number(buf.readBigUInt64BE(at + 8));
    at += 16;
  }
  at += 2; // reserved
  const count = buf.readUInt16BE(at);
  at += 2;
  if (timescale === 0 || at + count * 12 > buf.length) return [];
  let offset = boxStart + box.end + firstOffset;
  const out: Subsegment[] = [];
  for (let i = 0; i < count; i++, at += 12) {
    const size = buf.readUInt32BE(at) & 0x7fffffff;
    const duration = buf.readUInt32BE(at + 4);
    out.push({ timeMs: (time * 1000) / timescale, offset });
    offset += size;
    time += duration;
  }
  return out;
}
