/**
 * The only way src/media reaches the network (DESIGN.md §6): http and https only, DNS resolved here
 * and every answer checked, the connection made to the checked address, every redirect re-checked,
 * and size, time and redirects capped.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { systemClock, type Clock } from '../clock';
import { checkAddress, hostPort, isAllowListed, unbracket } from './address-policy';
import { systemLookup, type LookupAll, type ResolvedAddress } from './dns-lookup';
import { BodyError, formatSeconds, MeteredBody, TRUNCATED_REASON } from './metered-body';
import { applyOverrides, NO_OVERRIDES, type OriginOverrides } from './origins';
import { AUDIO_BYTE_HIGH_WATER_MARK } from './stream-sizes';

export type { LookupAll, ResolvedAddress } from './dns-lookup';

/** The transport; injectable so tests can prove that no connection was attempted. */
export type RequestFn = (url: URL, options: http.RequestOptions) => http.ClientRequest;

export const DEFAULT_MAX_REDIRECTS = 5;
/** Default cap on a file's size: 100 MiB, about 100 minutes of 128 kbit/s audio. */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
/** Default time from starting a hop to its response headers (DNS excluded): 10 s. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** Default time without a byte while the consumer waits for one: 10 s. */
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;

export interface SafeFetchOptions {
  /** `host:port` pairs exempt from the address check (HIQTY_FETCH_ALLOW). */
  readonly allow: readonly string[];
  readonly lookup?: LookupAll;
  readonly request?: RequestFn;
  readonly clock?: Clock;
  /** Default DEFAULT_MAX_REDIRECTS (5). */
  readonly maxRedirects?: number;
  /** Default DEFAULT_MAX_BYTES (100 MiB); null for live streams, which never end. */
  readonly maxBytes?: number | null;
  /** Default DEFAULT_HEADERS_TIMEOUT_MS (10 s). */
  readonly headersTimeoutMs?: number;
  /** Default DEFAULT_IDLE_TIMEOUT_MS (10 s). */
  readonly idleTimeoutMs?: number;
  /** Asks for the body from this byte on (`Range: bytes=N-`), to resume a download. */
  readonly rangeStart?: number;
  /** With rangeStart, the last byte wanted (inclusive): `Range: bytes=N-M`. */
  readonly rangeEnd?: number;
  /** Default GET. A 301, 302 or 303 turns a POST into a GET without its body, as browsers do. */
  readonly method?: 'GET' | 'POST' | 'HEAD';
  /** Added to (and overriding) the defaults `user-agent: hiqty` and `accept: *\/*`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A request body (an API's JSON); sent with its content-length. */
  readonly body?: string | Buffer;
  /** HIQTY_SERVICE_ORIGINS, applied to every hop; the policy checks where a request really goes. */
  readonly overrides?: OriginOverrides;
  /**
   * Hand back non-2xx answers as `ok` with their status and body, for APIs whose errors are JSON
   * (InnerTube's 400s). Redirects are still followed. Default false: a non-2xx is `http-error`.
   */
  readonly anyStatus?: boolean;
  /**
   * Cancels the fetch in whatever phase it is (DNS, connection, headers), answering `cancelled`, and
   * after an `ok` destroys the body, which closes the connection.
   */
  readonly signal?: AbortSignal;
}

export interface FetchOk {
  readonly kind: 'ok';
  /**
   * Fails with a BodyError (truncated, idle, too-large); destroying it closes the connection.
   * It may have failed already when the caller gets it: read it through pipeline, finished or
   * for-await, which report `errored`, rather than by listening for 'error' alone.
   */
  readonly body: Readable;
  readonly status: number;
  readonly contentType: string | undefined;
  /** Bytes this response will carry, when the server said. */
  readonly contentLength: number | undefined;
  /** Byte position of the body's first byte: rangeStart when the server honoured the Range, else 0. */
  readonly offset: number;
  /** The URL of the last hop, as asked (before HIQTY_SERVICE_ORIGINS). */
  readonly finalUrl: string;
  readonly headers: http.IncomingHttpHeaders;
  bytesRead(): number;
}

export type FetchOutcome =
  | FetchOk
  /** Policy said no, before any connection to the refused destination. */
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'http-error'; readonly status: number }
  /** DNS, connection, TLS or timeout trouble. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** The signal fired before a response: nothing is left open. Not the URL's fault. */
  | { readonly kind: 'cancelled' };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const defaultRequest: RequestFn = (url, options) => (url.protocol === 'https:' ? https.request(options) : http.request(options));

/** How a URL is shown in reasons and logs: scheme, host and port only, since paths and userinfo can carry tokens. */
export function describeUrl(url: URL): string {
  return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.protocol}//${hostPort(url)}` : url.protocol;
}

/** describeUrl of a URL given as text; one that does not parse is shown as such. */
export function describeUrlText(url: string): string {
  try {
    return describeUrl(new URL(url));
  } catch {
    return '(invalid URL)';
  }
}

function errorCode(e: unknown): string {
  if (e instanceof Error) {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    return code ?? e.message;
  }
  return String(e);
}

type Vetted = { readonly kind: 'vetted'; readonly addresses: readonly ResolvedAddress[] } | Exclude<FetchOutcome, FetchOk>;

/** Resolves the URL's host and checks every answer: one forbidden answer refuses them all (DNS rebinding). */
async function vet(url: URL, options: SafeFetchOptions): Promise<Vetted> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { kind: 'refused', reason: `the scheme ${url.protocol} is not allowed (only http and https)` };
  }
  const host = unbracket(url.hostname);
  const family = isIP(host);
  let addresses: readonly ResolvedAddress[];
  if (family === 4 || family === 6) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host, options.signal);
    } catch (e) {
      if (options.signal?.aborted) return { kind: 'cancelled' };
      return { kind: 'failed', reason: `could not resolve ${host} (${errorCode(e)})` };
    }
    if (addresses.length === 0) return { kind: 'failed', reason: `could not resolve ${host}` };
  }
  if (!isAllowListed(url, options.allow)) {
    for (const { address } of addresses) {
      const verdict = checkAddress(address);
      if (!verdict.allowed) {
        return { kind: 'refused', reason: address === host ? verdict.reason : `${host} resolves to ${verdict.reason}` };
      }
    }
  }
  return { kind: 'vetted', addresses };
}

/** Hands the connection only the addresses that were checked, whatever the hostname says now. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, lookupOptions, callback) => {
    const first = addresses[0];
    if (lookupOptions.all === true) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error('no vetted address'), { code: 'ENOTFOUND' }), '', 4);
  };
}

type Hop = FetchOutcome | { readonly kind: 'redirect'; readonly location: URL; readonly status: number };

function parseLength(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

interface HopRequest {
  readonly method: 'GET' | 'POST' | 'HEAD';
  readonly body: string | Buffer | undefined;
}

function requestHop(url: URL, asked: URL, addresses: readonly ResolvedAddress[], hopRequest: HopRequest, options: SafeFetchOptions): Promise<Hop> {
  const clock = options.clock ?? systemClock;
  const host = unbracket(url.hostname);
  const headers: http.OutgoingHttpHeaders = { 'user-agent': 'hiqty', accept: '*/*', ...options.headers };
  const rangeStart = options.rangeStart ?? 0;
  if (rangeStart > 0 || options.rangeEnd !== undefined) headers.range = `bytes=${rangeStart}-${options.rangeEnd ?? ''}`;
  if (hopRequest.body !== undefined) headers['content-length'] = Buffer.byteLength(hopRequest.body);
  // highWaterMark is a request option Node reads (it sizes the socket and the response) that @types/node does not list.
  const requestOptions: https.RequestOptions & { readonly highWaterMark: number } = {
    protocol: url.protocol,
    host,
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method: hopRequest.method,
    headers,
    lookup: pinnedLookup(addresses),
    // A fresh agent per request: a pooled socket keyed by host name could outlive the check.
    agent: false,
    // The socket and the response hold about a second of audio, not Node's 64 KiB (src/media/stream-sizes.ts).
    highWaterMark: AUDIO_BYTE_HIGH_WATER_MARK,
    ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
  };

  return new Promise<Hop>((resolve) => {
    let settled = false;
    const finish = (hop: Hop): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      resolve(hop);
    };
    const req = (options.request ?? defaultRequest)(url, requestOptions);
    const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    const timer = clock.setTimeout(() => {
      finish({ kind: 'failed', reason: `${describeUrl(url)} did not answer within ${formatSeconds(headersTimeoutMs)}` });
      req.destroy();
    }, headersTimeoutMs);
    const onAbort = (): void => {
      finish({ kind: 'cancelled' });
      req.destroy();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (e) => finish({ kind: 'failed', reason: `could not fetch from ${describeUrl(url)} (${errorCode(e)})` }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        res.destroy();
        req.destroy();
        let next: URL;
        try {
          // Against the URL as asked, so a relative redirect from an overridden host stays on that host.
          next = new URL(location, asked);
        } catch {
          finish({ kind: 'failed', reason: `${describeUrl(url)} redirected to an invalid URL` });
          return;
        }
        finish({ kind: 'redirect', location: next, status });
        return;
      }
      if ((status < 200 || status > 299) && options.anyStatus !== true) {
        res.destroy();
        req.destroy();
        finish({ kind: 'http-error', status });
        return;
      }
      const contentLength = parseLength(res.headers['content-length']);
      const body = new MeteredBody({
        maxBytes: options.maxBytes === undefined ? DEFAULT_MAX_BYTES : options.maxBytes,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        // A HEAD answer carries the length of a body it does not send.
        expectedBytes: hopRequest.method === 'HEAD' ? undefined : contentLength,
        clock,
      });
      // A connection that closes before the message is complete is a truncated download, whatever
      // socket error (or none) came with it.
      const onBroken = (): void => {
        if (!res.complete) body.fail(new BodyError('truncated', TRUNCATED_REASON));
      };
      res.on('error', onBroken);
      res.on('close', onBroken);
      // After the headers the signal still owns the download: aborting destroys the body, and so the socket.
      const signal = options.signal;
      const onBodyAbort = (): void => void body.destroy(new BodyError('cancelled', 'the download was cancelled'));
      signal?.addEventListener('abort', onBodyAbort, { once: true });
      body.on('close', () => {
        signal?.removeEventListener('abort', onBodyAbort);
        res.destroy();
        req.destroy();
      });
      // The body may fail before its reader attaches (the cap can be hit while the caller is still
      // awaiting this outcome); the failure stays in body.errored for pipeline, finished and
      // for-await to report, instead of crashing the process as an unheard 'error' would.
      body.on('error', () => undefined);
      res.pipe(body);
      finish({
        kind: 'ok',
        body,
        status,
        contentType: res.headers['content-type'],
        contentLength,
        offset: status === 206 ? rangeStart : 0,
        finalUrl: asked.toString(),
        headers: res.headers,
        bytesRead: () => body.bytesRead,
      });
    });
    req.end(hopRequest.body);
  });
}

/** Fetches a user-supplied URL under DESIGN.md §6's rules. Never throws. */
export async function safeFetch(input: string, options: SafeFetchOptions): Promise<FetchOutcome> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { kind: 'refused', reason: 'not a valid URL' };
  }
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const overrides = options.overrides ?? NO_OVERRIDES;
  let hopRequest: HopRequest = { method: options.method ?? 'GET', body: options.body };
  for (let redirects = 0; ; redirects++) {
    // The policy judges where the request really goes; `url` stays the URL as asked, for redirects and reasons.
    const target = applyOverrides(url, overrides);
    const vetted = await vet(target, options);
    if (vetted.kind !== 'vetted') {
      return redirects > 0 && vetted.kind === 'refused'
        ? { kind: 'refused', reason: `a redirect to ${describeUrl(url)} was refused: ${vetted.reason}` }
        : vetted;
    }
    if (options.signal?.aborted) return { kind: 'cancelled' };
    const hop = await requestHop(target, url, vetted.addresses, hopRequest, options);
    if (hop.kind !== 'redirect') return hop;
    if (hop.status !== 307 && hop.status !== 308) hopRequest = { method: hopRequest.method === 'HEAD' ? 'HEAD' : 'GET', body: undefined };
    if (redirects + 1 > maxRedirects) return { kind: 'refused', reason: `too many redirects (more than ${maxRedirects})` };
    // What was asked over TLS is not handed to anyone on the path in clear text.
    if (url.protocol === 'https:' && hop.location.protocol === 'http:') {
      return { kind: 'refused', reason: `a redirect from https to plain http (${describeUrl(hop.location)}) was refused: no downgrade` };
    }
    url = hop.location;
  }
}
