/**
 * The Kubernetes integration (DESIGN.md §8): the pod-deletion-cost annotation and drain Events, through
 * @kubernetes/client-node and this pod's service account. Outside a cluster it is a no-op that loads nothing.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { sleep, type Clock } from '../clock';
import type { Logger } from '../log';
import { DeletionCost, type PodAnnotator } from './deletion-cost';
import { podEventBody, type PodEvent, type PodRef } from './events';
import { detectCluster, SERVICE_ACCOUNT_DIR } from './in-cluster';

export { deletionCostBand, DELETION_COST_ANNOTATION } from './deletion-cost';

export type KubeMode = 'auto' | 'on' | 'off';

export interface KubeIntegration {
  /** Whether anything is sent to the API server. */
  readonly active: boolean;
  /** The number of guilds this pod plays now; call on every change. */
  guilds(count: number): void;
  /** Records an Event; never rejects, and gives up after a few seconds so a drain is never held up. */
  drainStarted(held: number): Promise<void>;
  /** `detail` replaces the Warning's message when the drain did not hand every guild over. */
  drainFinished(handedOver: boolean, detail?: string): Promise<void>;
  /** Resolves once no deletion-cost write is in flight. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface KubeOptions {
  readonly mode: KubeMode;
  /** This pod's name (HIQTY_POD_NAME, from the downward API; the hostname by default). */
  readonly podName: string;
  readonly log: Logger;
  readonly clock: Clock;
  readonly serviceAccountDir?: string;
  /** For tests: an API server other than the in-cluster one. */
  readonly kubeConfig?: KubeConfig;
  readonly minCostIntervalMs?: number;
  readonly eventTimeoutMs?: number;
}

const inactive: KubeIntegration = {
  active: false,
  guilds: () => {},
  drainStarted: async () => {},
  drainFinished: async () => {},
  settled: async () => {},
  stop: async () => {},
};

export async function startKube(options: KubeOptions): Promise<KubeIntegration> {
  const log = options.log.child({ component: 'kube' });
  if (options.mode === 'off') {
    log.debug('Kubernetes integration off (HIQTY_KUBE=off)');
    return inactive;
  }
  const presence = detectCluster(options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  if (presence.kind === 'outside') {
    if (options.mode === 'on') throw new Error(`HIQTY_KUBE=on but this is not a Kubernetes pod: ${presence.reason}`);
    log.debug({ reason: presence.reason }, 'not in a Kubernetes cluster: pod deletion cost and Events are off');
    return inactive;
  }

  // Loaded only in a cluster: the client is large and most runs never need it.
  const k8s = await import('@kubernetes/client-node');
  let kubeConfig = options.kubeConfig;
  if (kubeConfig === undefined) {
    kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromCluster();
  }
  const api = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const pod: PodRef = { name: options.podName, namespace: presence.namespace };
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

  const annotator: PodAnnotator = {
    async annotate(annotations) {
      const patched = await api.patchNamespacedPod({ name: pod.name, namespace: pod.namespace, body: { metadata: { annotations } } }, mergePatch);
      pod.uid ??= patched.metadata?.uid;
    },
  };
  const cost = new DeletionCost(annotator, options.clock, log, options.minCostIntervalMs);
  const eventTimeoutMs = options.eventTimeoutMs ?? 3000;

  async function record(event: PodEvent): Promise<void> {
    const timeout = new AbortController();
    const sent = api.createNamespacedEvent({ namespace: pod.namespace, body: podEventBody(pod, event, new Date(options.clock.now())) }).then(
      () => true,
      (err: unknown) => {
        log.warn({ err, reason: event.reason }, 'could not record a Kubernetes Event');
        return true;
      },
    );
    const late = sleep(options.clock, eventTimeoutMs, timeout.signal).then(
      () => false,
      () => true,
    );
    const inTime = await Promise.race([sent, late]);
    timeout.abort();
    if (!inTime) log.warn({ reason: event.reason, timeoutMs: eventTimeoutMs }, 'the API server did not answer in time: Event not awaited');
  }

  log.info({ namespace: pod.namespace, pod: pod.name }, 'Kubernetes integration on: pod deletion cost and drain Events');
  return {
    active: true,
    guilds: (count) => cost.guilds(count),
    drainStarted: (held) => record({ reason: 'DrainStarted', type: 'Normal', message: `Draining: ${held} guild(s) play their current track, then move to another pod` }),
    drainFinished: (handedOver, detail) =>
      record(
        handedOver
          ? { reason: 'DrainFinished', type: 'Normal', message: 'Drain finished: every guild was handed over at a track boundary' }
          : { reason: 'DrainFinished', type: 'Warning', message: detail ?? 'Drain cut short by its deadline: positions checkpointed and leases released' },
      ),
    settled: () => cost.settled(),
    async stop() {
      cost.stop();
      await cost.settled();
    },
  };
}
