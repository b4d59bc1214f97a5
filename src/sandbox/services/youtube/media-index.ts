/**
 * Where a media file's header and seek index sit, as YouTube declares them in `initRange` and
 * `indexRange`: read from the file itself, so the fake tells the truth about the bytes it serves.
 * WebM: the EBML header and the Segment's children up to the end of Tracks, and the Cues element
 * (ffmpeg writes Cues after the clusters unless asked for -cues_to_front; YouTube puts them in
 * front; both are valid ranges). MP4: ftyp+moov, and the sidx box.
 */

export interface MediaIndex {
  readonly initRange: { readonly start: number; readonly end: number };
  readonly indexRange?: { readonly start: number; readonly end: number };
}

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const TRACKS = 0x1654ae6b;
const CUES = 0x1c53bb6b;

/** An EBML variable-length integer at `at`: its value (marker bit removed for sizes) and length. */
function vint(buf: Buffer, at: number, keepMarker: boolean): { readonly value: number; readonly length: number } {
  const first = buf[at] ?? 0;
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > 8 || at + length > buf.length) throw new Error(`bad EBML vint at ${at}`);
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + (buf[at + i] ?? 0);
  return { value, length };
}

export function webmIndex(buf: Buffer): MediaIndex {
  let at = 0;
  let tracksEnd: number | undefined;
  let cues: { start: number; end: number } | undefined;
  let segmentEnd = buf.length;
  while (at < segmentEnd) {
    const id = vint(buf, at, true);
    const size = vint(buf, at + id.length, false);
    const dataStart = at + id.length + size.length;
    // An unknown size (all ones) runs to the end of the file.
    const unknown = size.value === 2 ** (7 * size.length) - 1;
    const end = unknown ? buf.length : dataStart + size.value;
    if (id.value === SEGMENT) {
      segmentEnd = end;
      at = dataStart;
      continue;
    }
    if (id.value === TRACKS) tracksEnd = end;
    if (id.value === CUES) cues = { start: at, end: end - 1 };
    if (id.value !== EBML_HEADER && id.value !== SEGMENT && end <= at) throw new Error('EBML element without progress');
    at = end;
  }
  if (tracksEnd === undefined) throw new Error('no Tracks element in the WebM file');
  return cues === undefined ? { initRange: { start: 0, end: tracksEnd - 1 } } : { initRange: { start: 0, end: tracksEnd - 1 }, indexRange: cues };
}

export function mp4Index(buf: Buffer): MediaIndex {
  let at = 0;
  let moovEnd: number | undefined;
  let sidx: { start: number; end: number } | undefined;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    if (size === 0) size = buf.length - at;
    if (size < 8) throw new Error(`bad MP4 box size at ${at}`);
    if (type === 'moov') moovEnd = at + size;
    if (type === 'sidx' && sidx === undefined) sidx = { start: at, end: at + size - 1 };
    at += size;
  }
  if (moovEnd === undefined) throw new Error('no moov box in the MP4 file');
  return sidx === undefined ? { initRange: { start: 0, end: moovEnd - 1 } } : { initRange: { start: 0, end: moovEnd - 1 }, indexRange: sidx };
}
