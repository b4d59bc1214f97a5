/**
 * /play's autocomplete: search results as the member types, answered inside Discord's 3 s.
 *
 * Each member has at most one search in flight: a newer keystroke aborts the older search, whose
 * interaction then gets no choices (Discord shows the newest answer anyway). Known limit: this is per
 * instance, in memory; it holds because a member's interactions all reach the same shard, and with
 * HIQTY_SHARDS so does every instance serving that shard, where the Redis claim lets one answer.
 *
 * The search is aborted at the deadline (default 2.5 s) and the answer is whatever it returned by then;
 * a search that does not return within a grace period after its abort is answered with no choices.
 */
import { isLeft } from 'fp-ts/Either';
import { within, type Clock } from '../../src/clock';
import type { Translate } from '../../src/i18n';
import type { Logger } from '../../src/log';
import * as ops from '../../src/ops';
import type { OpsDeps } from '../../src/ops';
import { looksLikeLink } from '../../src/sources/resolver';
import { choicesOf, type Choice } from './results';

/** When a search is aborted so the answer still makes Discord's 3 s. Default 2500 ms. */
export const AUTOCOMPLETE_DEADLINE_MS = 2500;
/** How long an aborted search may take to hand back what it has. Default 200 ms. */
export const AUTOCOMPLETE_GRACE_MS = 200;

export interface AutocompleteDeps {
  readonly ops: OpsDeps;
  readonly clock: Clock;
  readonly log: Logger;
  readonly deadlineMs?: number;
}

export interface Autocompleter {
  /** Choices for what `member` typed so far, named in their language. Never throws. */
  choices(member: string, typed: string, t: Translate): Promise<Choice[]>;
  /** Aborts every search in flight. */
  stop(): void;
}

export function autocompleter(deps: AutocompleteDeps): Autocompleter {
  const inFlight = new Map<string, AbortController>();
  const deadline = deps.deadlineMs ?? AUTOCOMPLETE_DEADLINE_MS;

  return {
    async choices(member, typed, t) {
      inFlight.get(member)?.abort();
      const text = typed.trim();
      if (text === '' || looksLikeLink(text) || text.length > deps.ops.limits.maxQueryLength) {
        inFlight.delete(member);
        return [];
      }
      const controller = new AbortController();
      inFlight.set(member, controller);
      let timedOut = false;
      const timer = deps.clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, deadline);
      try {
        const search = ops.search(deps.ops)({ query: text, limit: 25 }, { signal: controller.signal })();
        const settled = await within(deps.clock, search, deadline + AUTOCOMPLETE_GRACE_MS);
        if (settled.kind !== 'done') {
          if (settled.kind === 'failed') deps.log.warn({ err: settled.err }, 'autocomplete search failed');
          return [];
        }
        // Superseded by a newer keystroke: that one answers.
        if (controller.signal.aborted && !timedOut) return [];
        const r = settled.value;
        if (isLeft(r)) return [];
        if (r.right.skipped.length > 0) deps.log.debug({ skipped: r.right.skipped }, 'autocomplete: some sources were skipped');
        return choicesOf(r.right.results, t);
      } finally {
        timer.cancel();
        if (inFlight.get(member) === controller) inFlight.delete(member);
      }
    },
    stop() {
      for (const c of inFlight.values()) c.abort();
      inFlight.clear();
    },
  };
}
