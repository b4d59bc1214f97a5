/**
 * Where to start reading an MP3 file for a position: an estimate from the bitrate (duration and size),
 * corrected by the Xing/Info table of contents where the file has one (LAME and ffmpeg write it). A
 * decoder needs no header to start mid-file: it syncs on the next frame.
 * Known limit: a VBRI table (Fraunhofer encoders) is not read; such files use the bitrate estimate.
 */

export interface Mp3Seek {
  readonly offset: number;
  readonly how: 'toc' | 'bitrate';
}

/** Bytes taken by an ID3v2 tag at the start (its 10-byte header, syncsafe size and optional footer). */
function id3Length(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = (((head[6] ?? 0) & 0x7f) << 21) | (((head[7] ?? 0) & 0x7f) << 14) | (((head[8] ?? 0) & 0x7f) << 7) | ((head[9] ?? 0) & 0x7f);
  const footer = ((head[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** The Xing/Info TOC of the first frame: 100 entries, each a fraction (of 256) of the audio's bytes. */
function xingToc(head: Buffer, frameAt: number): { toc: Buffer; bytes: number | undefined } | undefined {
  const b1 = head[frameAt + 1] ?? 0;
  const b3 = head[frameAt + 3] ?? 0;
  const mpeg1 = (b1 & 0x18) === 0x18;
  const mono = (b3 & 0xc0) === 0xc0;
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  let at = frameAt + 4 + sideInfo;
  const tag = head.toString('latin1', at, at + 4);
  if (tag !== 'Xing' && tag !== 'Info') return undefined;
  if (at + 8 > head.length) return undefined;
  const flags = head.readUInt32BE(at + 4);
  at += 8;
  if (flags & 1) at += 4; // frame count
  let bytes: number | undefined;
  if (flags & 2) {
    if (at + 4 > head.length) return undefined;
    bytes = head.readUInt32BE(at);
    at += 4;
  }
  if ((flags & 4) === 0 || at + 100 > head.length) return undefined;
  return { toc: head.subarray(at, at + 100), bytes };
}

export function mp3SeekOffset(head: Buffer, positionMs: number, contentLength: number, durationMs: number): Mp3Seek {
  const audioStart = id3Length(head);
  const audioBytes = Math.max(0, contentLength - audioStart);
  const fraction = Math.min(1, Math.max(0, positionMs / durationMs));
  const estimate: Mp3Seek = { offset: audioStart + Math.floor(audioBytes * fraction), how: 'bitrate' };
  const b0 = head[audioStart] ?? 0;
  const b1 = head[audioStart + 1] ?? 0;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return estimate;
  const xing = xingToc(head, audioStart);
  if (xing === undefined) return estimate;
  const percent = fraction * 100;
  const i = Math.min(99, Math.floor(percent));
  const here = xing.toc[i] ?? 0;
  const next = i < 99 ? (xing.toc[i + 1] ?? 256) : 256;
  const share = (here + (next - here) * (percent - i)) / 256;
  return { offset: audioStart + Math.floor((xing.bytes ?? audioBytes) * share), how: 'toc' };
}
