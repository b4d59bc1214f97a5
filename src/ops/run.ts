/** Glue between the ops' promise-based bodies and their TaskEither signatures. */
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import type { TaskEither } from 'fp-ts/TaskEither';
import { decode } from '../codecs';
import type { OpError } from './errors';

/**
 * Runs an op body as a TaskEither. Expected refusals come back as Left; a thrown error (Redis down, a
 * bug) becomes `unavailable`, so a caller folding the result never has to catch.
 */
export function task<A>(body: () => Promise<E.Either<OpError, A>>): TaskEither<OpError, A> {
  return () => body().catch((err: unknown) => E.left({ kind: 'unavailable', reason: err instanceof Error ? err.message : String(err) }));
}

/** Decodes an op's input with its codec: interfaces may hand over raw JSON or option values. */
export function decodeInput<A, O>(codec: t.Type<A, O, unknown>, input: unknown): E.Either<OpError, A> {
  return E.mapLeft((problems: string[]): OpError => ({ kind: 'invalid-input', problems }))(decode(codec, input));
}

/** Runs body with the decoded input, or answers invalid-input. */
export function withInput<A, O, R>(codec: t.Type<A, O, unknown>, input: unknown, body: (a: A) => Promise<E.Either<OpError, R>>): TaskEither<OpError, R> {
  return task(async () => {
    const decoded = decodeInput(codec, input);
    return E.isLeft(decoded) ? decoded : body(decoded.right);
  });
}

export const ok = E.right;
export const fail = (e: OpError): E.Either<OpError, never> => E.left(e);
