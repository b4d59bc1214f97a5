/**
 * Clean-ups that belong at the very end of the current top-level suite, after its own `after` hooks
 * and just before its open-handle check (test/support/hooks.ts runs them). For what support code
 * hands out to a suite and must take back, such as the Redis clients of useRedis().
 */
const pending: Array<() => void | Promise<void>> = [];

export function atSuiteEnd(cleanUp: () => void | Promise<void>): void {
  pending.push(cleanUp);
}

/** Runs and forgets the registered clean-ups, the last registered first. */
export async function runSuiteEnd(): Promise<void> {
  for (const cleanUp of pending.splice(0).reverse()) await cleanUp();
}
