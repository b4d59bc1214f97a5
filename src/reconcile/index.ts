export { done, reconcilerFrom, requeueAfter, type Reconciler, type Result } from './reconciler';
export { WorkQueue, type QueueKey, type WorkQueueOptions } from './workqueue';
export {
  defaultRateLimiter,
  ExponentialBackoff,
  MaxOfRateLimiters,
  TokenBucket,
  type BackoffOptions,
  type RateLimiter,
  type TokenBucketOptions,
} from './ratelimit';
export { Controller, type ControllerOptions, type StopOptions } from './controller';
export { noopReconcileMetrics, promReconcileMetrics, type ReconcileMetrics, type ReconcileOutcome } from './metrics';
export type { Source } from './source';
export { KeyspaceSource, mergeNotifyFlags, notifyFlagsCover, type KeyspaceSourceOptions, type NotifyConfig } from './sources/keyspace';
export { ResyncSource, type ResyncRun, type ResyncSourceOptions } from './sources/resync';
export { KeyspaceHub, type KeyspaceHubOptions, type KeyspaceListener, type KeyspaceSourceFilter } from './sources/keyspace-hub';
