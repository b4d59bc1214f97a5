/**
 * The transport encryption of `aead_aes256_gcm_rtpsize`, with the connection's key imported once.
 * @discordjs/voice 0.19 passes the raw key to `createCipheriv` on every packet, and Node imports it
 * each time: measured here (bench/packet-path.ts) at about 3× the cost of a cipher made from a
 * KeyObject. Node has no cipher that takes a new IV, so one `Cipheriv` per packet remains, and its
 * `update` output and tag are copied into the packet buffer (a JavaScript AES-GCM that writes in
 * place, @noble/ciphers, measured about 5× slower than that: not used).
 */
import { createCipheriv, createSecretKey, type KeyObject } from 'node:crypto';

export const AES_GCM_MODE = 'aead_aes256_gcm_rtpsize';
/** Bytes of the AES-GCM tag after the ciphertext. */
export const TAG_BYTES = 16;
/** Bytes of the nonce counter at the end of the packet. */
export const NONCE_TAIL_BYTES = 4;

export class TransportCipher {
  private readonly key: KeyObject;
  /** The 12-byte nonce: the counter, big-endian, then zeros (as @discordjs/voice and Discord lay it out). */
  private readonly nonce = Buffer.alloc(12);

  constructor(secretKey: Uint8Array) {
    this.key = createSecretKey(secretKey);
  }

  /**
   * Encrypts `plain` with the header as additional data, writing ciphertext, tag and the nonce
   * counter into `out` at `offset`; returns the bytes written.
   */
  seal(header: Buffer, plain: Buffer, counter: number, out: Buffer, offset: number): number {
    this.nonce.writeUInt32BE(counter, 0);
    const cipher = createCipheriv('aes-256-gcm', this.key, this.nonce);
    cipher.setAAD(header);
    const body = cipher.update(plain);
    body.copy(out, offset);
    // GCM's final() returns nothing but must run before the tag exists.
    cipher.final();
    cipher.getAuthTag().copy(out, offset + body.length);
    out.writeUInt32BE(counter, offset + body.length + TAG_BYTES);
    return body.length + TAG_BYTES + NONCE_TAIL_BYTES;
  }
}
