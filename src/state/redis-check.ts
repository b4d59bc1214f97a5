/**
 * The start-up check of where Redis is: settings that can never work (a CA that does not sign the
 * server's certificate, a wrong user or password, Sentinels that do not know the primary's name) are
 * told apart from a Redis that is merely away. The first is bad configuration (exit 2, one message
 * naming the setting, never its value); the second is what it always was: start, and keep reconnecting.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { connectRedis, endpointOptions } from './redis';
import { describeEndpoint, formatHostPort, type HostPort, type RedisEndpoint, type SentinelEndpoint } from './redis-endpoint';

/** Thrown by the app's start when checkRedis found settings that can never work: `hiqty run` exits 2 with its message. */
export class RedisMisconfigured extends Error {
  override readonly name = 'RedisMisconfigured';
}

export type RedisCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'unreachable'; readonly reason: string }
  | { readonly kind: 'misconfigured'; readonly message: string };

/** Default how long the check waits for one answer. */
export const REDIS_CHECK_TIMEOUT_MS = 5000;

/** Node's codes for a certificate that does not verify (tls.connect's `err.code`). */
const CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type Failure = { readonly kind: 'auth' } | { readonly kind: 'cert'; readonly code: string } | { readonly kind: 'other'; readonly reason: string };

function classify(err: unknown): Failure {
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : '';
  if (/WRONGPASS|NOAUTH|invalid (username-)?password|invalid password/i.test(message)) return { kind: 'auth' };
  if (CERT_CODES.has(code)) return { kind: 'cert', code };
  // ioredis's "All sentinels are unreachable ... Last error: <message>" carries the cause in its text.
  const inText = [...CERT_CODES].find((c) => message.includes(c)) ?? (/self[- ]signed certificate|unable to verify the first certificate/i.test(message) ? 'certificate' : undefined);
  if (inText !== undefined) return { kind: 'cert', code: inText };
  return { kind: 'other', reason: message };
}

function certMessage(endpoint: RedisEndpoint, code: string, where: string): string {
  const ca = endpoint.caPem === undefined ? 'the system\'s CAs (REDIS_TLS_CA_FILE is unset)' : 'the CA in REDIS_TLS_CA_FILE';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the TLS certificate of ${where} does not name the host hiqty connects to (${code}): connect by a name the certificate lists`;
  return `the TLS certificate of ${where} is not signed by ${ca} (${code}): set REDIS_TLS_CA_FILE to the PEM of the CA that signs the Redis servers' certificates`;
}

function authMessage(endpoint: RedisEndpoint): string {
  if (endpoint.kind === 'sentinel') return `Redis refused the user or password (WRONGPASS/NOAUTH) at the primary ${endpoint.name}: fix REDIS_USERNAME and REDIS_PASSWORD`;
  const inUrl = /^rediss?:\/\/[^/@]*@/i.test(endpoint.url);
  return `Redis at ${describeEndpoint(endpoint)} refused the user or password (WRONGPASS/NOAUTH): fix ${inUrl ? 'the user and password in REDIS_URL (or --redis)' : 'REDIS_URL: add user:password@, or set REDIS_USERNAME and REDIS_PASSWORD'}`;
}

/** Opens one connection that never retries, and says how it ended. */
async function tryConnect(make: () => Redis, timeoutMs: number): Promise<{ kind: 'ready'; client: Redis } | { kind: 'failed'; err: unknown }> {
  const client = make();
  let lastError: unknown;
  client.on('error', (err: unknown) => (lastError = err));
  const outcome = await new Promise<'ready' | 'end' | 'timeout'>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve('ready');
    });
    client.once('end', () => {
      clearTimeout(timer);
      resolve('end');
    });
    client.connect().catch((err: unknown) => (lastError ??= err));
  });
  if (outcome === 'ready') return { kind: 'ready', client };
  client.disconnect();
  return { kind: 'failed', err: lastError ?? new Error(outcome === 'timeout' ? `no answer within ${timeoutMs} ms` : 'connection closed') };
}

const ONE_SHOT: RedisOptions = {
  lazyConnect: true,
  retryStrategy: () => null,
  sentinelRetryStrategy: () => null,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: true,
  reconnectOnError: () => false,
  failoverDetector: false,
  enableAutoPipelining: false,
};

/** Asks each Sentinel for the primary's address; refusals that concern every Sentinel are configuration. */
async function checkSentinels(endpoint: SentinelEndpoint, timeoutMs: number): Promise<RedisCheck | undefined> {
  const tls = endpoint.tls ? { tls: endpoint.caPem === undefined ? {} : { ca: endpoint.caPem } } : {};
  const answers = await Promise.all(
    endpoint.sentinels.map(async (sentinel: HostPort) => {
      const attempt = await tryConnect(
        () => new Redis({ ...ONE_SHOT, host: sentinel.host, port: sentinel.port, connectTimeout: timeoutMs, ...(endpoint.sentinelPassword === undefined ? {} : { password: endpoint.sentinelPassword }), ...tls }),
        timeoutMs,
      );
      if (attempt.kind === 'failed') return { sentinel, failure: classify(attempt.err) };
      try {
        const reply: unknown = await attempt.client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', endpoint.name);
        return { sentinel, known: Array.isArray(reply) };
      } catch (err) {
        return { sentinel, failure: classify(err) };
      } finally {
        attempt.client.disconnect();
      }
    }),
  );
  const list = endpoint.sentinels.map(formatHostPort).join(',');
  if (answers.some((a) => 'known' in a && a.known)) return undefined;
  if (answers.some((a) => 'known' in a)) {
    return { kind: 'misconfigured', message: `the Sentinels at ${list} monitor no primary named "${endpoint.name}": fix REDIS_SENTINEL_NAME (SENTINEL MASTERS on a Sentinel lists the names)` };
  }
  const failures = answers.flatMap((a) => ('failure' in a && a.failure !== undefined ? [a.failure] : []));
  const cert = failures.find((f) => f.kind === 'cert');
  if (cert?.kind === 'cert') return { kind: 'misconfigured', message: certMessage(endpoint, cert.code, `the Sentinels at ${list}`) };
  if (failures.some((f) => f.kind === 'auth')) {
    return { kind: 'misconfigured', message: `the Sentinels at ${list} refused the password (WRONGPASS/NOAUTH): fix REDIS_SENTINEL_PASSWORD (the Sentinels' requirepass)` };
  }
  const reasons = failures.flatMap((f) => (f.kind === 'other' ? [f.reason] : []));
  return { kind: 'unreachable', reason: `no Sentinel of ${list} answered: ${reasons[0] ?? 'unknown error'}` };
}

/** Connects once to where the endpoint says Redis is and runs a PING; never throws, never retries. */
export async function checkRedis(endpoint: RedisEndpoint, timeoutMs: number = REDIS_CHECK_TIMEOUT_MS): Promise<RedisCheck> {
  if (endpoint.kind === 'sentinel') {
    const sentinels = await checkSentinels(endpoint, timeoutMs);
    if (sentinels !== undefined) return sentinels;
  }
  const attempt = await tryConnect(() => connectRedis(endpoint, { ...endpointOptions(endpoint), ...ONE_SHOT, connectTimeout: timeoutMs }), timeoutMs);
  if (attempt.kind === 'ready') {
    try {
      await attempt.client.ping();
      return { kind: 'ok' };
    } catch (err) {
      const failure = classify(err);
      if (failure.kind === 'auth') return { kind: 'misconfigured', message: authMessage(endpoint) };
      return { kind: 'unreachable', reason: err instanceof Error ? err.message : String(err) };
    } finally {
      attempt.client.disconnect();
    }
  }
  const failure = classify(attempt.err);
  const where = endpoint.kind === 'sentinel' ? `the primary "${endpoint.name}"` : describeEndpoint(endpoint);
  switch (failure.kind) {
    case 'auth':
      return { kind: 'misconfigured', message: authMessage(endpoint) };
    case 'cert':
      return { kind: 'misconfigured', message: certMessage(endpoint, failure.code, where) };
    case 'other':
      return { kind: 'unreachable', reason: failure.reason };
  }
}
