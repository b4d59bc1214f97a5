/**
 * A service that says "too many requests" (HTTP 429 with Retry-After, or Deezer's quota error) is
 * waited for as it asks, within a budget shared by everything one resolution sends: a long playlist
 * may be told to wait on several pages, and the person who pasted the link is waiting too. Past the
 * budget the resolution fails with a reason that says the service is rate limiting.
 */
import { sleep, type Clock } from '../../clock';
import { headerValue, type HttpAnswer } from './http';

/** What one resolution may spend waiting on a rate limit, in all; default 10 s. */
export const DEFAULT_RATE_LIMIT_BUDGET_MS = 10_000;
/** How long to wait when a 429 names no time (or an unreadable one); default 1 s. */
export const DEFAULT_RETRY_AFTER_MS = 1000;
/** A Retry-After of 0 is waited this long at least, so a service answering 0 cannot make a busy loop; default 100 ms. */
const MIN_WAIT_MS = 100;

/** What a resolution may still wait on rate limits, taken as it goes. */
export class WaitBudget {
  private spentMs = 0;

  constructor(readonly totalMs: number = DEFAULT_RATE_LIMIT_BUDGET_MS) {}

  /** Takes `ms` from the budget if it is all there; otherwise takes nothing. */
  take(ms: number): boolean {
    if (this.spentMs + ms > this.totalMs) return false;
    this.spentMs += ms;
    return true;
  }
}

/**
 * Retry-After as RFC 9110 allows it: delay-seconds or an HTTP date. Undefined when absent or unreadable
 * (the caller then waits DEFAULT_RETRY_AFTER_MS).
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export type Throttled = {
  readonly kind: 'rate-limited';
  /** What the service asked for last, which did not fit in the budget. */
  readonly askedMs: number;
};

export interface RateLimitContext {
  readonly clock: Clock;
  readonly budget: WaitBudget;
  readonly signal?: AbortSignal;
}

/** What one resolution carries to every request it makes. */
export interface RequestContext {
  readonly signal: AbortSignal | undefined;
  readonly budget: WaitBudget;
}

/** How long a 429 asks to wait (Retry-After, or DEFAULT_RETRY_AFTER_MS without one); undefined for any other answer. */
export function waitAsked(answer: HttpAnswer, nowMs: number): number | undefined {
  if (answer.kind !== 'answer' || answer.status !== 429) return undefined;
  return retryAfterMs(headerValue(answer.headers, 'retry-after'), nowMs) ?? DEFAULT_RETRY_AFTER_MS;
}

/** The reason a resolution fails with once the budget cannot cover what the service asks. */
export function rateLimitedReason(label: string, askedMs: number): string {
  return `${label} is rate limiting hiqty (asked to wait ${describeWait(askedMs)}); try again later`;
}

/**
 * Sends, and while the answer says to wait (`waitFor` gives how long), waits as asked and sends
 * again, as long as the budget allows. A cancelled wait is `cancelled`.
 */
export async function honouringRateLimits<T>(send: () => Promise<T>, waitFor: (answer: T) => number | undefined, ctx: RateLimitContext): Promise<T | Throttled | { readonly kind: 'cancelled' }> {
  for (;;) {
    const answer = await send();
    const asked = waitFor(answer);
    if (asked === undefined) return answer;
    const wait = Math.max(MIN_WAIT_MS, asked);
    if (!ctx.budget.take(wait)) return { kind: 'rate-limited', askedMs: asked };
    try {
      await sleep(ctx.clock, wait, ctx.signal);
    } catch {
      return { kind: 'cancelled' };
    }
  }
}

/** "try again in 30 s" for a reason a person reads. */
export function describeWait(ms: number): string {
  return ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`;
}
