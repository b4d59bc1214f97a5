/** Reconcile outcomes as metrics: the controller reports through this interface and never sees prom-client. */
import { Counter, Histogram, type Registry } from 'prom-client';

export type ReconcileOutcome = 'success' | 'requeue' | 'error';

export interface ReconcileMetrics {
  observe(controller: string, outcome: ReconcileOutcome, seconds: number): void;
}

export const noopReconcileMetrics: ReconcileMetrics = { observe: () => undefined };

/** From 1 ms (a no-op reconcile) to 30 s (a reconcile stuck on a timeout). */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * `hiqty_reconcile_total{controller,outcome}` and `hiqty_reconcile_duration_seconds{controller}` on
 * registry. Several controllers may share one registry: the metrics are registered once and reused.
 */
export function promReconcileMetrics(registry: Registry): ReconcileMetrics {
  const total = existingOr(registry, 'hiqty_reconcile_total', Counter, () =>
    new Counter({ name: 'hiqty_reconcile_total', help: 'Reconciles by controller and outcome.', labelNames: ['controller', 'outcome'], registers: [registry] }),
  );
  const duration = existingOr(registry, 'hiqty_reconcile_duration_seconds', Histogram, () =>
    new Histogram({ name: 'hiqty_reconcile_duration_seconds', help: 'Time spent in reconcile.', labelNames: ['controller'], buckets: DURATION_BUCKETS, registers: [registry] }),
  );
  return {
    observe(controller, outcome, seconds) {
      total.inc({ controller, outcome });
      duration.observe({ controller }, seconds);
    },
  };
}

function existingOr<M>(registry: Registry, name: string, kind: abstract new (...args: never[]) => M, create: () => M): M {
  const found = registry.getSingleMetric(name);
  if (found === undefined) return create();
  if (found instanceof kind) return found;
  throw new Error(`metric ${name} is already registered with another type`);
}
