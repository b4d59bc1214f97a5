/** Events on this pod, as `kubectl describe pod` and `kubectl get events` show them (core/v1, like kubelet's). */
import type { CoreV1Event } from '@kubernetes/client-node';

export interface PodRef {
  readonly name: string;
  readonly namespace: string;
  /** Learnt from the first patch reply; an Event without it still shows under the pod's name. */
  uid?: string;
}

export interface PodEvent {
  readonly reason: 'DrainStarted' | 'DrainFinished';
  readonly message: string;
  readonly type: 'Normal' | 'Warning';
}

export const EVENT_SOURCE = 'hiqty';

export function podEventBody(pod: PodRef, event: PodEvent, now: Date): CoreV1Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${pod.name}.`, namespace: pod.namespace },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod.name, namespace: pod.namespace, ...(pod.uid ? { uid: pod.uid } : {}) },
    reason: event.reason,
    message: event.message,
    type: event.type,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: EVENT_SOURCE },
    reportingComponent: EVENT_SOURCE,
    reportingInstance: pod.name,
  };
}
