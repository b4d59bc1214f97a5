/**
 * A codec for a union tagged by its `type` field, with one codec per tag. io-ts's own t.union reports
 * a failure against every branch; this one finds the branch by its tag first, so a bad message is
 * described by the fields of the kind it claims to be.
 */
import { isRight } from 'fp-ts/Either';
import * as t from 'io-ts';

/** One codec per tag; the index signature lets the constructor walk them (each one decodes to a member of U). */
export type TaggedCodecs<U extends { readonly type: string }> = {
  readonly [K in U['type']]: t.Type<Extract<U, { readonly type: K }>, unknown, unknown>;
} & { readonly [tag: string]: t.Decoder<unknown, U> };

function isRecord(u: unknown): u is Readonly<Record<string, unknown>> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** The tag of a message, or undefined when it has none: what a dropped message is counted under. */
export function tagOf(u: unknown): string | undefined {
  return isRecord(u) && typeof u.type === 'string' ? u.type : undefined;
}

/** The codec of a tagged union; `codecs` lets a wider union reuse the branches of a narrower one. */
export class TaggedUnionType<U extends { readonly type: string }> extends t.Type<U, unknown, unknown> {
  constructor(
    name: string,
    readonly codecs: TaggedCodecs<U>,
  ) {
    const byTag = new Map<string, t.Decoder<unknown, U>>(Object.entries(codecs));
    const expected = `${name}: an object whose "type" is one of ${[...byTag.keys()].join(', ')}`;
    super(
      name,
      (u): u is U => {
        const tag = tagOf(u);
        const codec = tag === undefined ? undefined : byTag.get(tag);
        return codec !== undefined && isRight(codec.decode(u));
      },
      (u, c) => {
        const tag = tagOf(u);
        const codec = tag === undefined ? undefined : byTag.get(tag);
        return codec === undefined ? t.failure(u, c, expected) : codec.validate(u, c);
      },
      t.identity,
    );
  }
}

export function taggedUnion<U extends { readonly type: string }>(name: string, codecs: TaggedCodecs<U>): TaggedUnionType<U> {
  return new TaggedUnionType(name, codecs);
}
