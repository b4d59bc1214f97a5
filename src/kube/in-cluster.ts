/**
 * Whether this process runs in a Kubernetes pod: the kubelet mounts the service-account token and the
 * namespace there. The directory is a parameter so tests can point it at a temporary one.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export type ClusterPresence =
  | { readonly kind: 'in-cluster'; readonly namespace: string; readonly tokenPath: string }
  | { readonly kind: 'outside'; readonly reason: string };

export function detectCluster(serviceAccountDir: string = SERVICE_ACCOUNT_DIR): ClusterPresence {
  const tokenPath = path.join(serviceAccountDir, 'token');
  try {
    if (!statSync(tokenPath).isFile()) return { kind: 'outside', reason: `${tokenPath} is not a file` };
  } catch {
    return { kind: 'outside', reason: `no service-account token at ${tokenPath}` };
  }
  let namespace: string;
  try {
    namespace = readFileSync(path.join(serviceAccountDir, 'namespace'), 'utf8').trim();
  } catch {
    return { kind: 'outside', reason: `a token but no namespace file in ${serviceAccountDir}` };
  }
  return namespace === '' ? { kind: 'outside', reason: 'the namespace file is empty' } : { kind: 'in-cluster', namespace, tokenPath };
}
