/** Just enough EBML (RFC 8794) to walk a WebM header and its Cues: element IDs, sizes and unsigned integers. */

export interface EbmlElement {
  readonly id: number;
  /** Offset of the element's ID in the buffer. */
  readonly start: number;
  readonly dataStart: number;
  /** Undefined for an unknown size (live WebM, a Segment still being written). */
  readonly dataEnd: number | undefined;
}

function vintLength(first: number): number {
  for (let length = 1; length <= 8; length++) if (first & (0x80 >> (length - 1))) return length;
  return 0;
}

/** The element starting at `at`, or undefined when the buffer ends first or the bytes are not EBML. */
export function readElement(buf: Buffer, at: number): EbmlElement | undefined {
  const first = buf[at];
  if (first === undefined) return undefined;
  const idLength = vintLength(first);
  if (idLength === 0 || idLength > 4 || at + idLength > buf.length) return undefined;
  const id = buf.readUIntBE(at, idLength);
  const sizeAt = at + idLength;
  const sizeFirst = buf[sizeAt];
  if (sizeFirst === undefined) return undefined;
  const sizeLength = vintLength(sizeFirst);
  if (sizeLength === 0 || sizeAt + sizeLength > buf.length) return undefined;
  let size = sizeFirst & (0xff >> sizeLength);
  let allOnes = size === 0xff >> sizeLength;
  for (let i = 1; i < sizeLength; i++) {
    const b = buf[sizeAt + i] ?? 0;
    size = size * 256 + b;
    allOnes &&= b === 0xff;
  }
  const dataStart = sizeAt + sizeLength;
  return { id, start: at, dataStart, dataEnd: allOnes ? undefined : dataStart + size };
}

/** The complete children of the span [start, end) of the buffer, in order; stops at the first incomplete one. */
export function* childrenOf(buf: Buffer, start: number, end: number): Generator<EbmlElement> {
  let at = start;
  while (at < end) {
    const element = readElement(buf, at);
    if (element === undefined || element.dataEnd === undefined || element.dataEnd > end) return;
    yield element;
    at = element.dataEnd;
  }
}

export function readUint(buf: Buffer, element: EbmlElement): number {
  const end = element.dataEnd ?? element.dataStart;
  let value = 0;
  for (let i = element.dataStart; i < end; i++) value = value * 256 + (buf[i] ?? 0);
  return value;
}
