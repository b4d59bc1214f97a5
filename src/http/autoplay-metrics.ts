/** hiqty_autoplay_total: what autoplay did each time it acted (src/autoplay), on the instance's registry. */
import { Counter, type Registry } from 'prom-client';
import type { AutoplayMetrics } from '../autoplay';

export function promAutoplayMetrics(registry: Registry): AutoplayMetrics {
  const outcomes = new Counter({
    name: 'hiqty_autoplay_total',
    help: 'Autoplay lookups when a queue ran out, by outcome (queued, no-listeners, none, all-recent, raced, lease-lost, error).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return { outcome: (outcome) => outcomes.inc({ outcome }) };
}
