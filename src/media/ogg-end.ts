/**
 * A complete Ogg stream ends with a page flagged end-of-stream (RFC 3533 §6, header_type 0x04).
 * A file cut short, even one served whole with its own Content-Length, lacks that page: this
 * pass-through scanner notices, without copying page bodies and without touching the audio.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { AUDIO_BYTE_HIGH_WATER_MARK } from './stream-sizes';

const HEADER_BYTES = 27;
const CAPTURE = Buffer.from('OggS');
const EOS_FLAG = 0x04;

export class OggEndCheck extends Transform {
  private header = Buffer.alloc(0);
  /** Body bytes of the current page still to pass by. */
  private skip = 0;
  private lastPageEnded = false;
  /** Not an Ogg page where one was expected: the demuxer reports that better; stop judging. */
  private lost = false;

  constructor(private readonly onEnd: (complete: boolean) => void) {
    super({ highWaterMark: AUDIO_BYTE_HIGH_WATER_MARK });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let i = 0;
    while (i < chunk.length && !this.lost) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const need = this.header.length < HEADER_BYTES ? HEADER_BYTES : HEADER_BYTES + (this.header[26] ?? 0);
      const n = Math.min(need - this.header.length, chunk.length - i);
      this.header = Buffer.concat([this.header, chunk.subarray(i, i + n)]);
      i += n;
      if (this.header.length === HEADER_BYTES && !this.header.subarray(0, 4).equals(CAPTURE)) this.lost = true;
      else if (this.header.length >= HEADER_BYTES && this.header.length === HEADER_BYTES + (this.header[26] ?? 0)) this.endOfHeader();
    }
    callback(null, chunk);
  }

  private endOfHeader(): void {
    this.lastPageEnded = ((this.header[5] ?? 0) & EOS_FLAG) !== 0;
    let body = 0;
    for (let s = HEADER_BYTES; s < this.header.length; s++) body += this.header[s] ?? 0;
    this.skip = body;
    this.header = Buffer.alloc(0);
  }

  override _flush(callback: TransformCallback): void {
    this.onEnd(this.lost || (this.header.length === 0 && this.skip === 0 && this.lastPageEnded));
    callback();
  }
}
