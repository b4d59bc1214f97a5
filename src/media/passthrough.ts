/**
 * Opus already in Ogg or WebM goes to Discord as it is (DESIGN.md §6): demuxed into packets, never
 * decoded, no ffmpeg. That is most of what costs CPU in a music bot, saved.
 *
 * Volume is the one thing this path cannot do: changing it means decoding and re-encoding, so a
 * track at a volume other than 100 % takes the transcode path instead (see open-track.ts).
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { opus } from 'prism-media';
import { OggEndCheck } from './ogg-end';
import { AUDIO_BYTE_HIGH_WATER_MARK, AUDIO_PACKET_HIGH_WATER_MARK } from './stream-sizes';

export type OpusContainer = 'ogg' | 'webm';

/** Opus frame length in 48 kHz samples by TOC configuration number (RFC 6716 §3.1). */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config % 4] ?? 960; // SILK: 10, 20, 40, 60 ms
  if (config < 16) return config % 2 === 0 ? 480 : 960; // hybrid: 10, 20 ms
  return [120, 240, 480, 960][config % 4] ?? 960; // CELT: 2.5, 5, 10, 20 ms
}

/** A packet's duration in milliseconds from its TOC byte: frame size × frame count. */
export function opusPacketDurationMs(packet: Buffer): number {
  const toc = packet[0];
  if (toc === undefined) return 0;
  const code = toc & 0x03;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return (frameSamples(toc >> 3) * frames) / 48;
}

/**
 * Drops whole packets until the requested position. Starting a decoder mid-stream costs one
 * packet of slightly wrong audio, which nobody hears at 20 ms.
 */
export class SkipUntil extends Transform {
  private positionMs = 0;

  constructor(private readonly startMs: number) {
    super({ objectMode: true, highWaterMark: AUDIO_PACKET_HIGH_WATER_MARK });
  }

  override _transform(packet: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.positionMs >= this.startMs) {
      callback(null, packet);
      return;
    }
    this.positionMs += opusPacketDurationMs(packet);
    callback();
  }
}

export function createDemuxer(container: OpusContainer): Transform {
  // Bytes in (the writable side), Opus packets out (the readable side, object mode).
  const sizes = { writableHighWaterMark: AUDIO_BYTE_HIGH_WATER_MARK, readableHighWaterMark: AUDIO_PACKET_HIGH_WATER_MARK };
  return container === 'ogg' ? new opus.OggDemuxer(sizes) : new opus.WebmDemuxer(sizes);
}

export interface Passthrough {
  /** Opus packets (object mode), ready for StreamType.Opus. */
  readonly packets: Readable;
  readonly demuxer: Transform;
}

/**
 * Known limits: a seek drops whole packets up to the position, from wherever the input starts (a
 * ranged WebM plan starts at the cluster its Cues give, seek/ranged-start.ts; a plain link from byte
 * 0); a cut-short WebM file is not detected (Ogg is: see ogg-end.ts); prism's Ogg demuxer does not join a packet continued across pages, which
 * only packets over ~64 KB need; prism's WebM demuxer reads SimpleBlocks, not BlockGroups.
 */
export function passthrough(container: OpusContainer, input: Readable, startMs: number, onOggEnd?: (complete: boolean) => void): Passthrough {
  const demuxer = createDemuxer(container);
  if (container === 'ogg' && onOggEnd) input.pipe(new OggEndCheck(onOggEnd)).pipe(demuxer);
  else input.pipe(demuxer);
  const packets = startMs > 0 ? demuxer.pipe(new SkipUntil(startMs)) : demuxer;
  return { packets, demuxer };
}
