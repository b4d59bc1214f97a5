/**
 * Running a youtubei.js call as an outcome: cancelled when the signal fires (youtubei.js takes no
 * signal, so its fetches inherit it through withSignal and the call is also raced against it), and
 * any throw turned into a failure with a reason a member can read.
 */
import { withSignal } from '../web-fetch';

export type Called<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'failed'; readonly reason: string; readonly error: unknown }
  | { readonly kind: 'cancelled' };

/** What went wrong, in words: the fetch's reason, the HTTP status, or that the answer was not JSON. */
export function describeFailure(e: unknown): string {
  if (e instanceof SyntaxError) return 'YouTube answered with malformed JSON';
  if (e instanceof TypeError && e.message.startsWith('fetch failed: ')) return `could not reach YouTube: ${e.message.slice('fetch failed: '.length)}`;
  const message = e instanceof Error ? e.message : String(e);
  const status = /failed with status code (\d{3})/.exec(message)?.[1];
  if (status !== undefined) return `YouTube answered with HTTP ${status}`;
  return `YouTube's answer was not understood (${message.slice(0, 200)})`;
}

export async function call<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<Called<T>> {
  if (signal?.aborted) return { kind: 'cancelled' };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<Called<T>>((resolve) => {
    onAbort = () => resolve({ kind: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const ran = withSignal(signal, run).then(
    (value): Called<T> => ({ kind: 'ok', value }),
    (error: unknown): Called<T> => (signal?.aborted ? { kind: 'cancelled' } : { kind: 'failed', reason: describeFailure(error), error }),
  );
  try {
    return await Promise.race([ran, aborted]);
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

/** A call that did not succeed, as the outcome sources answer: the reason only (the error stays for logs). */
export function notOk(called: Exclude<Called<unknown>, { kind: 'ok' }>): { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'cancelled' } {
  return called.kind === 'cancelled' ? called : { kind: 'failed', reason: called.reason };
}
