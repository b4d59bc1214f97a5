/**
 * What every service fake in the sandbox offers: local HTTP servers speaking a service's real API, and
 * the HIQTY_SERVICE_ORIGINS entries that send the bot to them. The product knows none of this; only the
 * sandbox, tests, benchmarks and `make run` start fakes and set the variable.
 */

export interface ServiceRequest {
  /** The real service host the request was meant for (the fake's listener for it). */
  readonly host: string;
  readonly method: string;
  /** Path and query as requested. */
  readonly path: string;
  /** The Range header, if any. */
  readonly range: string | undefined;
  readonly atMs: number;
}

export interface ServiceFake {
  /** host pattern (e.g. `*.googlevideo.com`) → origin of the listener (http://127.0.0.1:port). */
  readonly origins: Readonly<Record<string, string>>;
  /** The listeners' host:port pairs, for HIQTY_FETCH_ALLOW. */
  readonly allow: readonly string[];
  /** Every request served so far, oldest first. */
  readonly requests: readonly ServiceRequest[];
  stop(): Promise<void>;
}

/** HIQTY_SERVICE_ORIGINS's text for a set of fakes. */
export function serviceOriginsValue(fakes: readonly ServiceFake[]): string {
  return fakes.flatMap((f) => Object.entries(f.origins).map(([host, origin]) => `${host}=${origin}`)).join(',');
}
