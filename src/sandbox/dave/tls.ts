/**
 * The TLS presentation language as MLS (RFC 9420 §2.1) uses it: big-endian integers and
 * variable-length vectors whose length is a QUIC-style varint (1, 2 or 4 bytes).
 */

export class TlsWriter {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    return this.raw(Buffer.from([v & 0xff]));
  }

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    return this.raw(b);
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return this.raw(b);
  }

  u64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(v);
    return this.raw(b);
  }

  raw(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }

  /** `opaque x<V>`: a varint length, then the bytes. */
  vector(b: Uint8Array): this {
    return this.raw(varint(b.length)).raw(b);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function varint(n: number): Buffer {
  if (n < 0x40) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n < 0x4000_0000) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((0x8000_0000 | n) >>> 0);
    return b;
  }
  throw new RangeError(`vector of ${n} bytes is too long for MLS`);
}

/** Reads what TlsWriter writes; every read throws a TlsError past the end, so a parse fails as a whole. */
export class TlsReader {
  constructor(
    private readonly buf: Buffer,
    public offset = 0,
  ) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  u8(): number {
    return this.take(1).readUInt8(0);
  }

  u16(): number {
    return this.take(2).readUInt16BE(0);
  }

  u32(): number {
    return this.take(4).readUInt32BE(0);
  }

  u64(): bigint {
    return this.take(8).readBigUInt64BE(0);
  }

  take(n: number): Buffer {
    if (n < 0 || this.offset + n > this.buf.length) throw new TlsError(`needs ${n} bytes at offset ${this.offset}, has ${this.remaining}`);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  length(): number {
    const first = this.u8();
    const prefix = first >> 6;
    if (prefix === 0) return first & 0x3f;
    if (prefix === 1) return ((first & 0x3f) << 8) | this.u8();
    if (prefix === 2) return ((first & 0x3f) * 0x100_0000) + this.take(3).readUIntBE(0, 3);
    throw new TlsError('invalid varint prefix 0b11');
  }

  vector(): Buffer {
    return this.take(this.length());
  }

  /** A vector of items, each read by `item` until the vector's bytes are used up. */
  items<T>(item: (r: TlsReader) => T): T[] {
    const body = new TlsReader(this.vector());
    const out: T[] = [];
    while (body.remaining > 0) out.push(item(body));
    return out;
  }
}

export class TlsError extends Error {}
