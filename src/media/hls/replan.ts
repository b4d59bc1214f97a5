/**
 * Asking an HLS stream's source again, for the reader (reader.ts). A plan's URLs can carry a signed
 * token that expires (Twitch's playback access token), or be refused mid-stream (a 403); a live stream
 * of hours outlives many tokens. The reader asks its plan provider for a fresh plan shortly before the
 * token expires, and again whenever a playlist or segment is refused, then goes on from the segment it
 * was at: the consumer (ffmpeg) never notices.
 */
import type { PlanHeaders, PlanProvider, StreamPlan } from '../plan';

/** How long before a plan's expiry the reader asks for a fresh one: 60 s, or a third of the plan's lifetime if that is shorter. */
export const DEFAULT_REFRESH_AHEAD_MS = 60_000;

/** Statuses a signed URL answers once it has expired or was revoked: the source is asked again. */
export const REFUSED_STATUSES: ReadonlySet<number> = new Set([401, 403, 410]);

/** What the reader plays from: one HLS plan's URL, its headers and rendition, and when to refresh it. */
export interface HlsTarget {
  readonly url: string;
  readonly headers?: PlanHeaders;
  readonly rendition?: string;
  /** Wall-clock ms after which the source is asked for a fresh plan; undefined: never ahead of a refusal. */
  readonly refreshAt?: number;
}

/** When a plan received at `nowMs` should be refreshed: `aheadMs` before its expiry, or a third of its lifetime before. */
export function refreshTime(expiresAt: number | undefined, nowMs: number, aheadMs: number = DEFAULT_REFRESH_AHEAD_MS): number | undefined {
  if (expiresAt === undefined) return undefined;
  const lifetime = Math.max(0, expiresAt - nowMs);
  return expiresAt - Math.min(aheadMs, lifetime / 3);
}

type HlsPlanFields = Pick<Extract<StreamPlan, { kind: 'hls' }>, 'url' | 'headers' | 'rendition' | 'expiresAt'>;

export function targetOf(plan: HlsPlanFields, nowMs: number, aheadMs?: number): HlsTarget {
  const refreshAt = refreshTime(plan.expiresAt, nowMs, aheadMs);
  return {
    url: plan.url,
    ...(plan.headers === undefined ? {} : { headers: plan.headers }),
    ...(plan.rendition === undefined ? {} : { rendition: plan.rendition }),
    ...(refreshAt === undefined ? {} : { refreshAt }),
  };
}

export type Asked =
  | { readonly kind: 'plan'; readonly plan: HlsPlanFields }
  /** The source says the track cannot be played any more: for a live stream, it is off the air. */
  | { readonly kind: 'unplayable'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'cancelled' };

/** One more plan from the provider; never throws. A plan that is not HLS cannot continue this stream. */
export async function askAgain(provider: PlanProvider, attempt: number, signal: AbortSignal): Promise<Asked> {
  let outcome;
  try {
    outcome = await provider(attempt, signal);
  } catch (e) {
    return { kind: 'failed', reason: `the source failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (signal.aborted || outcome.kind === 'cancelled') return { kind: 'cancelled' };
  if (outcome.kind !== 'plan') return outcome;
  if (outcome.plan.kind !== 'hls') return { kind: 'failed', reason: 'the source now offers a stream that is not HLS' };
  return { kind: 'plan', plan: outcome.plan };
}
