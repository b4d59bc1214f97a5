/**
 * Where Redis is, decoded once from the configuration: one URL (`redis://`, `rediss://`, ACL user and
 * password in it), or Sentinels that name the current primary and follow its failovers. Every connection
 * hiqty opens is made from one of these by connectRedis (src/state/redis.ts).
 */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface UrlEndpoint {
  readonly kind: 'url';
  /** `redis://[user[:pass]@]host:port[/db]` or `rediss://...`; credentials in it win over the fields below. */
  readonly url: string;
  /** Used only when the URL carries no credentials (REDIS_USERNAME, REDIS_PASSWORD). */
  readonly username?: string;
  readonly password?: string;
  /** The PEM of the CA(s) that sign the server's certificate (`rediss://` only); unset: the system's CAs. */
  readonly caPem?: string;
}

export interface SentinelEndpoint {
  readonly kind: 'sentinel';
  readonly sentinels: readonly HostPort[];
  /** The monitored primary's name (REDIS_SENTINEL_NAME). */
  readonly name: string;
  /** The Sentinels' own password (their requirepass). */
  readonly sentinelPassword?: string;
  /** The Redis nodes' ACL user and password. */
  readonly username?: string;
  readonly password?: string;
  /** The nodes and the Sentinels speak TLS (REDIS_TLS). */
  readonly tls: boolean;
  readonly caPem?: string;
}

export type RedisEndpoint = UrlEndpoint | SentinelEndpoint;

/** The Redis part of the configuration (src/config.ts decodes and cross-checks it). */
export interface RedisSettings {
  readonly REDIS_URL: string | undefined;
  readonly REDIS_SENTINELS: readonly HostPort[] | undefined;
  readonly REDIS_SENTINEL_NAME: string;
  readonly REDIS_SENTINEL_PASSWORD: string | undefined;
  readonly REDIS_USERNAME: string | undefined;
  readonly REDIS_PASSWORD: string | undefined;
  readonly REDIS_TLS: boolean;
  readonly REDIS_TLS_CA_FILE: { readonly path: string; readonly pem: string } | undefined;
}

/**
 * The endpoint the settings describe, or undefined when they name none (then `hiqty run` starts an
 * embedded redis-server). `urlOverride` is the CLI's `--redis URL`, which replaces REDIS_URL and the Sentinels.
 */
export function redisEndpointOf(settings: RedisSettings, urlOverride?: string): RedisEndpoint | undefined {
  const credentials = {
    ...(settings.REDIS_USERNAME === undefined ? {} : { username: settings.REDIS_USERNAME }),
    ...(settings.REDIS_PASSWORD === undefined ? {} : { password: settings.REDIS_PASSWORD }),
  };
  const caPem = settings.REDIS_TLS_CA_FILE?.pem;
  const url = urlOverride ?? settings.REDIS_URL;
  if (url !== undefined) return { kind: 'url', url, ...credentials, ...(caPem === undefined ? {} : { caPem }) };
  if (settings.REDIS_SENTINELS === undefined) return undefined;
  return {
    kind: 'sentinel',
    sentinels: settings.REDIS_SENTINELS,
    name: settings.REDIS_SENTINEL_NAME,
    ...(settings.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: settings.REDIS_SENTINEL_PASSWORD }),
    ...credentials,
    tls: settings.REDIS_TLS,
    ...(caPem === undefined ? {} : { caPem }),
  };
}

/** A URL endpoint for a plain local Redis (the embedded server, tests). */
export function urlEndpoint(url: string): UrlEndpoint {
  return { kind: 'url', url };
}

/** For logs and messages: where Redis is, never with credentials. */
export function describeEndpoint(endpoint: RedisEndpoint): string {
  if (endpoint.kind === 'sentinel') return `primary "${endpoint.name}" of the Sentinels ${endpoint.sentinels.map(formatHostPort).join(',')}${endpoint.tls ? ' (TLS)' : ''}`;
  try {
    const parsed = new URL(endpoint.url);
    // The user name helps tell which ACL user was refused; the password never shows.
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}

export function formatHostPort(hp: HostPort): string {
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}
