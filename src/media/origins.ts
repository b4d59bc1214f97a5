/**
 * HIQTY_SERVICE_ORIGINS: service hostnames sent to another origin (DESIGN.md §6). A request to a mapped
 * host goes to the mapped scheme, host and port with its path and query unchanged; the address policy
 * then applies to where it really goes, so an override cannot open a private address that
 * HIQTY_FETCH_ALLOW does not. It applies inside safeFetch, to every hop, so media URLs handed out by an
 * API and redirects are mapped as well.
 */

export interface OriginOverride {
  /** `www.youtube.com`, or `*.googlevideo.com` (any subdomain, not the domain itself). */
  readonly host: string;
  /** `http://127.0.0.1:9000` or `https://mirror.example`: scheme, host and optional port. */
  readonly origin: URL;
}

export type OriginOverrides = readonly OriginOverride[];

export const NO_OVERRIDES: OriginOverrides = [];

const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** `host=origin` pairs, comma-separated. Undefined with a reason when the text is not that. */
export function parseOriginOverrides(text: string): { readonly ok: OriginOverrides } | { readonly error: string } {
  const out: OriginOverride[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    const host = item.slice(0, eq).trim().toLowerCase();
    const target = item.slice(eq + 1).trim();
    if (eq <= 0 || !HOST_PATTERN.test(host)) return { error: `"${item}" does not start with a host name or *.domain before "="` };
    let origin: URL;
    try {
      origin = new URL(target);
    } catch {
      return { error: `"${target}" is not an origin such as http://127.0.0.1:9000` };
    }
    if ((origin.protocol !== 'http:' && origin.protocol !== 'https:') || origin.pathname !== '/' || origin.search !== '' || origin.username !== '') {
      return { error: `"${target}" must be an http or https origin: scheme, host and port only` };
    }
    out.push({ host, origin });
  }
  return { ok: out };
}

function matches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

/** Where a request for `url` really goes: the override's origin with the URL's path and query, or the URL itself. */
export function applyOverrides(url: URL, overrides: OriginOverrides): URL {
  const host = url.hostname.toLowerCase();
  // An exact host wins over a wildcard, whatever the order they were written in.
  const hit = overrides.find((o) => o.host === host) ?? overrides.find((o) => matches(o.host, host));
  if (hit === undefined) return url;
  const mapped = new URL(`${url.pathname}${url.search}`, hit.origin);
  return mapped;
}
