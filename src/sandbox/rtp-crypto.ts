/**
 * The two AEAD modes @discordjs/voice 0.19 speaks, on RTP packets laid out as
 * `header (12 + 4·CC bytes, plus the 4-byte extension header when X is set) | ciphertext | tag (16) | nonce counter (4)`.
 * The additional data is the header; the extension's body is encrypted with the payload.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';

export const VOICE_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const;
export type VoiceMode = (typeof VOICE_MODES)[number];

const TAG = 16;
const NONCE_TAIL = 4;

// Decryption is synchronous, so one scratch nonce per mode serves every packet.
const gcmNonce = Buffer.alloc(12);
const xchachaNonce = new Uint8Array(24);

/** A connection's key, prepared once: Node re-imports a raw key on every decipher, at 4× the cost. */
export interface RtpKey {
  readonly mode: VoiceMode;
  readonly raw: Uint8Array;
  readonly aes: KeyObject;
}

export function rtpKey(mode: VoiceMode, raw: Uint8Array): RtpKey {
  return { mode, raw, aes: createSecretKey(raw) };
}

/** Length of the part of the packet that is authenticated but not encrypted. */
export function rtpHeaderLength(packet: Buffer): number {
  const first = packet[0] ?? 0;
  return 12 + 4 * (first & 0x0f) + (first & 0x10 ? 4 : 0);
}

/**
 * The Opus payload, with the header extension's body (when present) removed, or undefined when the
 * packet does not authenticate.
 */
export function decryptRtp(key: RtpKey, packet: Buffer): Buffer | undefined {
  const headerLength = rtpHeaderLength(packet);
  const end = packet.length - NONCE_TAIL;
  if (end - headerLength < TAG) return undefined;
  const aad = packet.subarray(0, headerLength);
  let plain: Buffer;
  try {
    if (key.mode === 'aead_aes256_gcm_rtpsize') {
      packet.copy(gcmNonce, 0, end, end + NONCE_TAIL);
      const decipher = createDecipheriv('aes-256-gcm', key.aes, gcmNonce);
      decipher.setAAD(aad);
      decipher.setAuthTag(packet.subarray(end - TAG, end));
      const head = decipher.update(packet.subarray(headerLength, end - TAG));
      const tail = decipher.final();
      plain = tail.length === 0 ? head : Buffer.concat([head, tail]);
    } else {
      xchachaNonce.set(packet.subarray(end, end + NONCE_TAIL), 0);
      const out = xchacha20poly1305(key.raw, xchachaNonce, aad).decrypt(packet.subarray(headerLength, end));
      plain = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
  } catch {
    return undefined;
  }
  if ((packet[0] ?? 0) & 0x10) {
    const words = packet.readUInt16BE(headerLength - 2);
    plain = plain.subarray(4 * words);
  }
  return plain;
}

/** The client side, for tests that need to send packets @discordjs/voice would not send. */
export function encryptRtp(mode: VoiceMode, key: Uint8Array, header: Buffer, opus: Buffer, nonceCounter: number): Buffer {
  const tail = Buffer.alloc(NONCE_TAIL);
  tail.writeUInt32BE(nonceCounter >>> 0, 0);
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const nonce = Buffer.alloc(12);
    tail.copy(nonce);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(header);
    return Buffer.concat([header, cipher.update(opus), cipher.final(), cipher.getAuthTag(), tail]);
  }
  const nonce = new Uint8Array(24);
  nonce.set(tail, 0);
  return Buffer.concat([header, xchacha20poly1305(key, nonce, header).encrypt(opus), tail]);
}
