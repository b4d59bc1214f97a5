/**
 * Which network destinations a user-supplied URL may reach (DESIGN.md §6, SSRF). The bot runs next
 * to Redis, the cluster's services and the cloud metadata endpoint; a track URL must reach none of them.
 */
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * How each of ipaddr.js's special-purpose ranges reads in a refusal ("<address> is <label> address").
 * Every range it knows other than `unicast` is refused; a range added by a later ipaddr.js release and
 * missing here is refused too, under its own name (see `labelOf`).
 */
const LABELS: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified',
  broadcast: 'a broadcast',
  multicast: 'a multicast',
  linkLocal: 'a link-local (cloud metadata)',
  loopback: 'a loopback',
  carrierGradeNat: 'a carrier-grade NAT',
  private: 'a private',
  reserved: 'a reserved',
  benchmarking: 'a benchmarking',
  amt: 'an AMT relay',
  as112: 'an AS112',
  as112v6: 'an AS112',
  uniqueLocal: 'a unique-local',
  deprecatedSiteLocal: 'a site-local',
  ipv4Mapped: 'an IPv4-mapped',
  rfc6145: 'an IPv4-translated',
  // Only the local-use prefix 64:ff9b:1::/48 is named this way: the well-known one is checked (checkAddress).
  rfc6052: 'a local-use NAT64',
  '6to4': 'a 6to4',
  teredo: 'a Teredo',
  discard: 'a discard-only',
  deprecatedOrchid: 'an ORCHID',
  orchid2: 'an ORCHID',
  droneRemoteIdProtocolEntityTags: 'a drone identifier',
  segmentRouting: 'a segment-routing',
  ipv4Compatible: 'an IPv4-compatible',
};

function labelOf(range: string): string {
  return LABELS[range] ?? `a special-purpose (${range})`;
}

/**
 * Ranges ipaddr.js files under `unicast` that a track URL has no business reaching: the deprecated
 * IPv4-compatible form ::a.b.c.d (::/96, RFC 4291 §2.5.5.1) hides an IPv4 address the way the mapped
 * form does. (ipaddr.js itself reads the dotted spelling `::10.0.0.1` as mapped; WHATWG URL and DNS
 * give the hex spelling `::a00:1`, which lands here.)
 */
const EXTRA_V6: Readonly<Record<string, [ipaddr.IPv6, number]>> = {
  ipv4Compatible: ipaddr.IPv6.parseCIDR('::/96'),
};

/**
 * The well-known NAT64 prefix 64:ff9b::/96 (RFC 6052): the IPv4 address is the last 32 bits. The
 * local-use prefix 64:ff9b:1::/48 (RFC 8215) puts it where the local network chose, so it cannot be
 * checked and is refused whole. Known limit: a network-specific NAT64 prefix (any /96 an operator
 * picks) looks like ordinary unicast and is only as safe as that network's translator.
 */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** Strips the brackets WHATWG URL keeps around IPv6 hostnames. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function lastQuad(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
}

/** The IPv4 address inside a 6to4 address (bits 16-47), named in its refusal. */
function sixToFourQuad(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(2, 6));
}

/**
 * The IPv4 address a well-known NAT64 address carries, or undefined for any other address. NAT64 is
 * checked rather than refused outright because on an IPv6-only network with DNS64, every public IPv4
 * host resolves to 64:ff9b::a.b.c.d.
 */
export function embeddedIpv4(address: string): string | undefined {
  if (!isIPv6(address)) return undefined;
  const parsed = ipaddr.IPv6.parse(address);
  return parsed.match(NAT64_WELL_KNOWN) ? lastQuad(parsed).toString() : undefined;
}

/** The range name of an address that is not plain unicast, or undefined for one that is. */
function specialRange(address: ipaddr.IPv4 | ipaddr.IPv6): string | undefined {
  const range: string = address.range();
  if (range !== 'unicast') return range;
  if (!(address instanceof ipaddr.IPv6)) return undefined;
  const extra = ipaddr.subnetMatch(address, EXTRA_V6, 'unicast');
  return extra === 'unicast' ? undefined : extra;
}

/**
 * Whether a resolved (or literal) IP address may be connected to: only ipaddr.js's `unicast`, and a
 * well-known NAT64 address whose IPv4 address is unicast. Every IPv4-mapped (::ffff:0:0/96) and
 * IPv4-translated (::ffff:0:0:0/96) address is refused, even ::ffff:8.8.8.8: DNS has no reason to
 * answer with them, and a URL spelling one is disguising an IPv4 address. 6to4 and Teredo are tunnels
 * to an IPv4 host, deprecated for public use; both are refused whole. Anything that is not an IP is refused.
 */
export function checkAddress(address: string): AddressVerdict {
  const ip = unbracket(address);
  // node:net's parsers, not ipaddr.js's: they take only the canonical spellings a URL or DNS produces
  // (ipaddr.js would also read 0x7f.1 or 0177.0.0.1, which WHATWG URL has already normalized).
  if (!isIPv4(ip) && !isIPv6(ip)) return { allowed: false, reason: `${address} is not an IP address` };
  const parsed = ipaddr.parse(ip);
  const range = specialRange(parsed);
  if (range === undefined) return { allowed: true };
  if (parsed instanceof ipaddr.IPv6 && range === 'rfc6052' && parsed.match(NAT64_WELL_KNOWN)) {
    const inner = lastQuad(parsed);
    const innerRange = specialRange(inner);
    if (innerRange === undefined) return { allowed: true };
    return { allowed: false, reason: `${ip} embeds ${inner.toString()}, ${labelOf(innerRange)} address` };
  }
  if (parsed instanceof ipaddr.IPv6 && range === '6to4') {
    return { allowed: false, reason: `${ip} is a 6to4 address (a tunnel to ${sixToFourQuad(parsed).toString()})` };
  }
  return { allowed: false, reason: `${ip} is ${labelOf(range)} address` };
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** `host:port` as HIQTY_FETCH_ALLOW spells it: lowercase, IPv6 in brackets, the default port written out. */
export function hostPort(url: URL): string {
  const port = url.port !== '' ? url.port : (DEFAULT_PORTS[url.protocol] ?? '');
  return `${url.hostname.toLowerCase()}:${port}`;
}

/**
 * An allow-listed destination skips the address check entirely (tests' fixture servers live on
 * 127.0.0.1). The match is on the URL as written, so a listed name still has to be the one in the URL:
 * allowing `127.0.0.1:8081` does not open `localhost:8081` or `[::1]:8081`.
 */
export function isAllowListed(url: URL, allow: readonly string[]): boolean {
  const key = hostPort(url);
  return allow.some((entry) => entry.toLowerCase() === key);
}
