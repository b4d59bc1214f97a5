/** io-ts decoding of service answers into one readable sentence (the first few problems), never a throw. */
import { isLeft } from 'fp-ts/Either';
import type * as t from 'io-ts';
import { decode, decodeJson } from '../../codecs';

export type Decoded<A> = { readonly ok: A } | { readonly error: string };

/** Decodes JSON text with a codec. */
export function decodeText<A, O>(codec: t.Type<A, O, unknown>, text: string): Decoded<A> {
  const decoded = decodeJson(codec, text);
  return isLeft(decoded) ? { error: decoded.left.slice(0, 3).join('; ') } : { ok: decoded.right };
}

/** Decodes a value already parsed (an entry of a list decoded as unknown). */
export function decodeValue<A, O>(codec: t.Type<A, O, unknown>, value: unknown): Decoded<A> {
  const decoded = decode(codec, value);
  return isLeft(decoded) ? { error: decoded.left.slice(0, 3).join('; ') } : { ok: decoded.right };
}
