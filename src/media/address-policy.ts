/**
 * Which network destinations a user-supplied URL may reach (DESIGN.md §6, SSRF). The bot runs next
 * to Redis, the cluster's services and the cloud metadata endpoint; a track URL must reach none of them.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

interface Range {
  readonly network: string;
  readonly prefix: number;
}

interface Category {
  /** Reads as "<address> is a <label> address". */
  readonly label: string;
  readonly v4: readonly Range[];
  readonly v6: readonly Range[];
}

const r = (network: string, prefix: number): Range => ({ network, prefix });

/**
 * Checked in order; the first match names the reason. The IPv4-mapped (::ffff:0:0/96) and
 * IPv4-compatible (::/96) forms are not here: BlockList matches IPv4 addresses against IPv6 rules
 * through the mapping, so a ::ffff:0:0/96 rule would refuse every IPv4 address. They are handled
 * by `embeddedForm` before these lists are consulted. Teredo (2001::/32) hides its IPv4 address
 * XORed, so it is refused whole as reserved.
 */
const CATEGORIES: readonly Category[] = [
  { label: 'an unspecified', v4: [r('0.0.0.0', 8)], v6: [] },
  { label: 'a loopback', v4: [r('127.0.0.0', 8)], v6: [] },
  { label: 'a private', v4: [r('10.0.0.0', 8), r('172.16.0.0', 12), r('192.168.0.0', 16)], v6: [] },
  { label: 'a link-local (cloud metadata)', v4: [r('169.254.0.0', 16)], v6: [r('fe80::', 10)] },
  { label: 'a carrier-grade NAT', v4: [r('100.64.0.0', 10)], v6: [] },
  { label: 'a unique-local', v4: [], v6: [r('fc00::', 7), r('fec0::', 10)] },
  { label: 'a multicast', v4: [r('224.0.0.0', 4)], v6: [r('ff00::', 8)] },
  {
    label: 'a reserved',
    v4: [
      r('192.0.0.0', 24),
      r('192.0.2.0', 24),
      r('192.88.99.0', 24),
      r('198.18.0.0', 15),
      r('198.51.100.0', 24),
      r('203.0.113.0', 24),
      r('240.0.0.0', 4),
    ],
    v6: [r('100::', 64), r('2001::', 32), r('2001:db8::', 32), r('64:ff9b:1::', 48)],
  },
];

const LISTS: readonly { readonly label: string; readonly list: BlockList }[] = CATEGORIES.map(({ label, v4, v6 }) => {
  const list = new BlockList();
  for (const range of v4) list.addSubnet(range.network, range.prefix, 'ipv4');
  for (const range of v6) list.addSubnet(range.network, range.prefix, 'ipv6');
  return { label, list };
});

/** Strips the brackets WHATWG URL keeps around IPv6 hostnames. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The 16 bytes of an IPv6 address, or undefined when it is not one. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hextets so one parser handles both spellings.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const parts = dotted[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  });
  return bytes;
}

/**
 * The IPv4 address a translation prefix carries: NAT64 64:ff9b::/96 (last 32 bits) and 6to4
 * 2002::/16 (bits 16-47). These are checked rather than refused outright because on an IPv6-only
 * network with DNS64, every public IPv4 host resolves to 64:ff9b::a.b.c.d.
 */
export function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  if (!b) return undefined;
  const quad = (o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  const isNat64 = b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0);
  if (isNat64) return quad(12);
  if (b[0] === 0x20 && b[1] === 0x02) return quad(2);
  return undefined;
}

/**
 * The forms of ::/96 and ::ffff:0:0/96. All are refused, even ::ffff:8.8.8.8: DNS has no reason to
 * answer with them, and a URL spelling one is disguising an IPv4 address.
 */
function embeddedForm(ip: string): string | undefined {
  const b = ipv6Bytes(ip);
  if (!b || !b.slice(0, 10).every((x) => x === 0)) return undefined;
  const last = b.slice(12).reduce((acc, x) => acc * 256 + x, 0);
  if (b[10] === 0xff && b[11] === 0xff) return 'an IPv4-mapped';
  if (b[10] !== 0 || b[11] !== 0) return undefined;
  if (last === 0) return 'an unspecified';
  if (last === 1) return 'a loopback';
  return 'an IPv4-compatible';
}

/** "a loopback", "an IPv4-mapped", ... for a forbidden address; undefined for an allowed one. */
function forbiddenKind(ip: string, family: 'ipv4' | 'ipv6'): string | undefined {
  if (family === 'ipv6') {
    const form = embeddedForm(ip);
    if (form !== undefined) return form;
  }
  for (const { label, list } of LISTS) {
    if (list.check(ip, family)) return label;
  }
  return undefined;
}

/** Whether a resolved (or literal) IP address may be connected to. Anything that is not an IP is refused. */
export function checkAddress(address: string): AddressVerdict {
  const ip = unbracket(address);
  const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined;
  if (family === undefined) return { allowed: false, reason: `${address} is not an IP address` };
  const kind = forbiddenKind(ip, family);
  if (kind !== undefined) return { allowed: false, reason: `${ip} is ${kind} address` };
  const inner = family === 'ipv6' ? embeddedIpv4(ip) : undefined;
  const innerKind = inner === undefined ? undefined : forbiddenKind(inner, 'ipv4');
  if (innerKind !== undefined) return { allowed: false, reason: `${ip} embeds ${inner}, ${innerKind} address` };
  return { allowed: true };
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
