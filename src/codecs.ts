/**
 * io-ts building blocks shared by every boundary (environment, Redis values, HTTP bodies),
 * and the one place that turns io-ts errors into sentences a person can act on.
 */
import * as t from 'io-ts';
import { isLeft, type Either, left, right } from 'fp-ts/Either';

/** A string that is not empty. */
export const NonEmptyString = new t.Type<string, string, unknown>(
  'a non-empty string',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** A Discord snowflake: a decimal id of up to 20 digits. */
export const Snowflake = new t.Type<string, string, unknown>(
  'a Discord id (digits only)',
  (u): u is string => typeof u === 'string' && /^\d{1,20}$/.test(u),
  (u, c) => (typeof u === 'string' && /^\d{1,20}$/.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** An integer written as a decimal string, within [min, max]. */
export function intFromString(min: number, max: number): t.Type<number, string, unknown> {
  return new t.Type<number, string, unknown>(
    `an integer from ${min} to ${max}`,
    (u): u is number => Number.isInteger(u) && typeof u === 'number' && u >= min && u <= max,
    (u, c) => {
      if (typeof u !== 'string' || !/^-?\d+$/.test(u.trim())) return t.failure(u, c);
      const n = Number(u.trim());
      return Number.isSafeInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c);
    },
    String,
  );
}

/** An integer value (not a string) within [min, max]: for JSON bodies and Redis hashes already parsed. */
export function intInRange(min: number, max: number): t.Type<number, number, unknown> {
  return new t.Type<number, number, unknown>(
    `an integer from ${min} to ${max}`,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

/** One of a fixed set of strings. */
export function oneOf<const V extends readonly [string, ...string[]]>(values: V): t.Type<V[number], string, unknown> {
  const set = new Set<string>(values);
  const is = (u: unknown): u is V[number] => typeof u === 'string' && set.has(u);
  return new t.Type<V[number], string, unknown>(
    `one of ${values.join(', ')}`,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

/** An absolute URL whose scheme is one of the given ones (without the colon). */
export function urlString(schemes: readonly string[]): t.Type<string, string, unknown> {
  const ok = (u: unknown): u is string => {
    if (typeof u !== 'string') return false;
    try {
      return schemes.includes(new URL(u).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  };
  return new t.Type<string, string, unknown>(
    `a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`,
    ok,
    (u, c) => (ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

/** Replaces undefined (or an empty string, as unset environment variables often are) with a default. */
export function withDefault<A, O>(codec: t.Type<A, O, unknown>, fallback: A): t.Type<A, O, unknown> {
  return new t.Type<A, O, unknown>(
    codec.name,
    codec.is,
    (u, c) => (u === undefined || u === '' ? t.success(fallback) : codec.validate(u, t.appendContext(c, '', codec, u))),
    codec.encode,
  );
}

/** Treats undefined and empty strings as absent. */
export function optional<A, O>(codec: t.Type<A, O, unknown>): t.Type<A | undefined, O | undefined, unknown> {
  return new t.Type<A | undefined, O | undefined, unknown>(
    `${codec.name} (optional)`,
    (u): u is A | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined || u === '' ? t.success(undefined) : codec.validate(u, t.appendContext(c, '', codec, u))),
    (a) => (a === undefined ? undefined : codec.encode(a)),
  );
}

/** One readable problem: where it is, what was there, what was expected. */
export interface DecodeProblem {
  readonly path: string;
  readonly value: unknown;
  readonly expected: string;
}

/** Turns io-ts errors into problems naming the innermost field that failed. */
export function describeErrors(errors: t.Errors): DecodeProblem[] {
  const seen = new Set<string>();
  const problems: DecodeProblem[] = [];
  for (const error of errors) {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    const innermost = error.context[error.context.length - 1];
    const expected = error.message ?? innermost?.type.name ?? 'a valid value';
    const id = `${path}|${expected}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push({ path, value: error.value, expected });
  }
  return problems;
}

/** A one-line sentence for a problem, with the offending value shortened. */
export function problemToString(p: DecodeProblem): string {
  const shown = p.value === undefined ? 'missing' : JSON.stringify(p.value);
  const clipped = shown !== undefined && shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
  return `${p.path || 'value'}: got ${clipped}, expected ${p.expected}`;
}

/** Decodes and reports failures as readable sentences rather than io-ts error trees. */
export function decode<A, O>(codec: t.Type<A, O, unknown>, value: unknown): Either<string[], A> {
  const result = codec.decode(value);
  return isLeft(result) ? left(describeErrors(result.left).map(problemToString)) : right(result.right);
}

/** Parses JSON text and decodes it, reporting a syntax error as readably as a shape error. */
export function decodeJson<A, O>(codec: t.Type<A, O, unknown>, text: string): Either<string[], A> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return left([`not JSON: ${e instanceof Error ? e.message : String(e)}`]);
  }
  return decode(codec, parsed);
}
