/**
 * The voice workers of one instance: HIQTY_VOICE_WORKERS engine hosts, one worker each (0 runs the
 * engine in the main thread instead: src/voice/local-host.ts).
 */
import { availableParallelism } from 'node:os';
import { WorkerEngineHost, type WorkerHostOptions } from './worker-host';

/** Default of HIQTY_VOICE_WORKERS: one voice worker per available core (os.availableParallelism()). */
export const DEFAULT_VOICE_WORKERS = availableParallelism();

/** `count` worker hosts, numbered from 0, sharing every other option. */
export function voiceHosts(count: number, options: Omit<WorkerHostOptions, 'index'>): WorkerEngineHost[] {
  return Array.from({ length: count }, (_, index) => new WorkerEngineHost({ ...options, index }));
}
