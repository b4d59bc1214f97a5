/** Voice workers: the engine in worker_threads, one host per worker on the main thread. */
export { CLOSE_GRACE_MS, WorkerEngineHost, type WorkerHostOptions } from './worker-host';
export { DEFAULT_VOICE_WORKERS, voiceHosts } from './pool';
export { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-backoff';
export { SINK_KINDS, type SinkKind } from './worker-data';
