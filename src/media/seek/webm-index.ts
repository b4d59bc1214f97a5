/**
 * WebM seeking by its Cues: where each cluster starts in time and in bytes. The header (EBML to
 * Tracks) gives the Segment's data offset, the timestamp scale and, through the SeekHead, where the
 * Cues are; the Cues then map a position to the byte offset of the cluster at or before it.
 */
import { childrenOf, readElement, readUint } from './ebml';

const ID = {
  segment: 0x18538067,
  seekHead: 0x114d9b74,
  seek: 0x4dbb,
  seekId: 0x53ab,
  seekPosition: 0x53ac,
  info: 0x1549a966,
  timestampScale: 0x2ad7b1,
  cluster: 0x1f43b675,
  cues: 0x1c53bb6b,
  cuePoint: 0xbb,
  cueTime: 0xb3,
  cueTrackPositions: 0xb7,
  cueClusterPosition: 0xf1,
} as const;

export interface WebmHeader {
  /** Absolute offset of the Segment's data: Cues and SeekHead positions count from here. */
  readonly segmentDataStart: number;
  /** Nanoseconds per timestamp unit (TimestampScale); default 1,000,000 (1 ms). */
  readonly timestampScaleNs: number;
  /** Absolute offset of the Cues element, from the SeekHead. */
  readonly cuesAt?: number;
  /** Where the header ends: the first Cluster or Cues; the demuxer needs every byte before it. */
  readonly headerEnd?: number;
}

/** Reads what the first bytes of a WebM file say; undefined when they are not a WebM header. */
export function parseWebmHeader(buf: Buffer): WebmHeader | undefined {
  const ebml = readElement(buf, 0);
  if (ebml === undefined || ebml.id !== 0x1a45dfa3 || ebml.dataEnd === undefined) return undefined;
  const segment = readElement(buf, ebml.dataEnd);
  if (segment === undefined || segment.id !== ID.segment) return undefined;
  const base = segment.dataStart;
  let timestampScaleNs = 1_000_000;
  let cuesAt: number | undefined;
  let headerEnd: number | undefined;
  // The segment's children up to the first cluster; a segment of unknown size runs to the buffer's end.
  let at = base;
  while (at < buf.length) {
    const element = readElement(buf, at);
    if (element === undefined) break;
    if (element.id === ID.cluster || element.id === ID.cues) {
      headerEnd = element.start;
      if (element.id === ID.cues) cuesAt ??= element.start;
      break;
    }
    if (element.dataEnd === undefined || element.dataEnd > buf.length) break;
    if (element.id === ID.info) {
      for (const child of childrenOf(buf, element.dataStart, element.dataEnd)) {
        if (child.id === ID.timestampScale) timestampScaleNs = readUint(buf, child) || timestampScaleNs;
      }
    }
    if (element.id === ID.seekHead) {
      for (const seek of childrenOf(buf, element.dataStart, element.dataEnd)) {
        if (seek.id !== ID.seek || seek.dataEnd === undefined) continue;
        let target: number | undefined;
        let position: number | undefined;
        for (const field of childrenOf(buf, seek.dataStart, seek.dataEnd)) {
          if (field.id === ID.seekId) target = readUint(buf, field);
          if (field.id === ID.seekPosition) position = readUint(buf, field);
        }
        if (target === ID.cues && position !== undefined) cuesAt = base + position;
      }
    }
    at = element.dataEnd;
  }
  return { segmentDataStart: base, timestampScaleNs, ...(cuesAt === undefined ? {} : { cuesAt }), ...(headerEnd === undefined ? {} : { headerEnd }) };
}

export interface CuePoint {
  readonly timeMs: number;
  /** Absolute byte offset of the cluster. */
  readonly offset: number;
}

/** The cue points of a Cues element (the buffer starts at its ID), in time order. */
export function parseCues(buf: Buffer, header: WebmHeader): CuePoint[] {
  const cues = readElement(buf, 0);
  if (cues === undefined || cues.id !== ID.cues) return [];
  const points: CuePoint[] = [];
  for (const point of childrenOf(buf, cues.dataStart, Math.min(cues.dataEnd ?? buf.length, buf.length))) {
    if (point.id !== ID.cuePoint || point.dataEnd === undefined) continue;
    let time: number | undefined;
    let position: number | undefined;
    for (const field of childrenOf(buf, point.dataStart, point.dataEnd)) {
      if (field.id === ID.cueTime) time = readUint(buf, field);
      if (field.id === ID.cueTrackPositions && field.dataEnd !== undefined) {
        for (const pos of childrenOf(buf, field.dataStart, field.dataEnd)) {
          if (pos.id === ID.cueClusterPosition) position ??= readUint(buf, pos);
        }
      }
    }
    if (time !== undefined && position !== undefined) {
      points.push({ timeMs: (time * header.timestampScaleNs) / 1e6, offset: header.segmentDataStart + position });
    }
  }
  return points.sort((a, b) => a.timeMs - b.timeMs);
}

/** The last point at or before the position (the first when the position is before them all). */
export function pointAtOrBefore<T extends { readonly timeMs: number }>(points: readonly T[], positionMs: number): T | undefined {
  let best: T | undefined;
  for (const p of points) {
    if (p.timeMs <= positionMs) best = p;
    else break;
  }
  return best ?? points[0];
}
