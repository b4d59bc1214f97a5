/**
 * Every address a track URL's host resolves to (DESIGN.md §6), bounded in time and cancellable.
 * Names go to the DNS servers through c-ares (`dns.promises.Resolver`), which keeps them off the
 * 4-thread libuv pool that `dns.lookup` (getaddrinfo) blocks while a server is slow. Only names the
 * local hosts file knows (and `localhost`) go through `lookup`, which is the only way to read it;
 * those answers are checked like any other.
 *
 * Known limit: the resolver queries the name as written, without resolv.conf's `search` domains, so a
 * cluster-internal short name (`redis`, `svc.namespace`) does not resolve. Those would be refused
 * anyway: they point at private addresses.
 */
import { promises as dns } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../clock';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Every address a hostname resolves to; rejects when it does not resolve, with a `code` such as
 * ENOTFOUND, ETIMEOUT or ECANCELLED (the signal fired).
 */
export type LookupAll = (hostname: string, signal?: AbortSignal) => Promise<readonly ResolvedAddress[]>;

/** Default time one DNS query waits for an answer before it is sent again: 2 s. */
export const DEFAULT_DNS_TRY_TIMEOUT_MS = 2000;
/** Default number of times a query is sent: 2. */
export const DEFAULT_DNS_TRIES = 2;
/** Default deadline of the whole lookup (A and AAAA, every try): 5 s. */
export const DEFAULT_DNS_TIMEOUT_MS = 5000;

export interface DnsLookupOptions {
  /** Default DEFAULT_DNS_TRY_TIMEOUT_MS (2 s). */
  readonly tryTimeoutMs?: number;
  /** Default DEFAULT_DNS_TRIES (2). */
  readonly tries?: number;
  /** Default DEFAULT_DNS_TIMEOUT_MS (5 s). */
  readonly timeoutMs?: number;
  /** `ip[:port]` DNS servers; default the system's (resolv.conf). Tests point it at a local fake. */
  readonly servers?: readonly string[];
  /** Default /etc/hosts. */
  readonly hostsFile?: string;
  readonly clock?: Clock;
}

export class DnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DnsError';
  }
}

/** The names a hosts file lists, lowercased. A missing or unreadable file lists none. */
export async function hostsFileNames(file: string): Promise<ReadonlySet<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return new Set();
  }
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    for (const name of fields.slice(1)) if (name !== '') names.add(name.toLowerCase());
  }
  return names;
}

function isLocalhost(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

function codeOf(e: unknown): string {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : 'EFAILED';
}

/** A DNS answer that says "no such record" rather than "could not ask". */
const NO_RECORD = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME', 'NXDOMAIN']);

export function dnsLookup(options: DnsLookupOptions = {}): LookupAll {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
  const hostsFile = options.hostsFile ?? '/etc/hosts';

  const viaHostsFile = async (hostname: string, signal: AbortSignal | undefined): Promise<readonly ResolvedAddress[]> => {
    // getaddrinfo reads a local file for these names: quick, but it cannot be cancelled, so an abort
    // answers at once and leaves the read to finish by itself.
    const answers = await raceAbort(dns.lookup(hostname, { all: true, verbatim: true }), signal);
    return answers.flatMap((a): ResolvedAddress[] => (a.family === 4 || a.family === 6 ? [{ address: a.address, family: a.family }] : []));
  };

  const viaResolver = async (hostname: string, signal: AbortSignal | undefined): Promise<readonly ResolvedAddress[]> => {
    // One resolver per lookup: cancel() ends every query of its resolver, and only this lookup's may go.
    const resolver = new dns.Resolver({ timeout: options.tryTimeoutMs ?? DEFAULT_DNS_TRY_TIMEOUT_MS, tries: options.tries ?? DEFAULT_DNS_TRIES });
    if (options.servers !== undefined) resolver.setServers([...options.servers]);
    let why: 'timeout' | 'aborted' | undefined;
    const stop = (reason: 'timeout' | 'aborted'): void => {
      why ??= reason;
      resolver.cancel();
    };
    const onAbort = (): void => stop('aborted');
    const timer = clock.setTimeout(() => stop('timeout'), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
      if (why === 'aborted') throw new DnsError('ECANCELLED', 'the lookup was cancelled');
      if (why === 'timeout') throw new DnsError('ETIMEOUT', `no DNS answer within ${timeoutMs} ms`);
      const found: ResolvedAddress[] = [
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
      ];
      if (found.length > 0) return found;
      const codes = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [codeOf(r.reason)] : []));
      // "Could not ask" (a timeout, a refusal) says more than "no AAAA record" when both failed.
      const code = codes.find((c) => !NO_RECORD.has(c)) ?? 'ENOTFOUND';
      throw new DnsError(code, `${hostname} did not resolve (${code})`);
    } finally {
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return async (hostname, signal) => {
    if (signal?.aborted) throw new DnsError('ECANCELLED', 'the lookup was cancelled');
    const name = hostname.toLowerCase().replace(/\.$/, '');
    if (isLocalhost(name) || (await hostsFileNames(hostsFile)).has(name)) return viaHostsFile(name, signal);
    return viaResolver(name, signal);
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DnsError('ECANCELLED', 'the lookup was cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** The lookup safeFetch uses unless told otherwise: the system's DNS servers and hosts file, default limits. */
export const systemLookup: LookupAll = dnsLookup();
