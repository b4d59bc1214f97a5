/**
 * The Twitch fake's signatures: a playback access token's `signature` over its `value` (40 hex digits,
 * as Twitch's look), and the opaque, signed path names of the weaver's playlists and the edge's segments.
 * revoke() changes the key, so every token and URL handed out before answers 403.
 */
import { createHmac, randomBytes } from 'node:crypto';

export class Signer {
  private key = randomBytes(32);

  sign(text: string): string {
    return createHmac('sha1', this.key).update(text).digest('hex');
  }

  verify(text: string, signature: string): boolean {
    return signature.length === 40 && this.sign(text) === signature;
  }

  revoke(): void {
    this.key = randomBytes(32);
  }

  /** `payload` as one path name: base64url JSON, a dot, its signature. */
  seal(payload: Readonly<Record<string, string | number>>): string {
    const text = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${text}.${this.sign(text)}`;
  }

  /** The payload of a sealed name, or undefined when it is not one this key signed. */
  unseal(sealed: string): Record<string, unknown> | undefined {
    const [text, signature, extra] = sealed.split('.');
    if (text === undefined || signature === undefined || extra !== undefined || !this.verify(text, signature)) return undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.fromEntries(Object.entries(parsed)) : undefined;
    } catch {
      return undefined;
    }
  }
}
