/**
 * A DNS server on 127.0.0.1 for the resolver tests: it answers A and AAAA queries from a table, says
 * NXDOMAIN for names it does not know, or stays silent (a server that is down or filtered). It counts
 * every query so tests can see what the resolver asked and how often.
 */
import * as dgram from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

export interface FakeDns {
  /** `127.0.0.1:port`, for DnsLookupOptions.servers. */
  readonly server: string;
  /** Queries received, as `name TYPE`. */
  readonly queries: string[];
  /** Names the server never answers (every other name is answered from `records` or NXDOMAIN). */
  readonly silent: Set<string>;
  readonly records: Map<string, readonly string[]>;
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = msg[at] ?? 0;
    if (length === 0) return { name: labels.join('.'), end: at + 1 };
    labels.push(msg.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
}

function rdata(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function answer(query: Buffer, records: readonly string[] | undefined, type: number, questionEnd: number): Buffer {
  const matching = (records ?? []).filter((a) => (type === TYPE_A ? isIPv4(a) : type === TYPE_AAAA ? isIPv6(a) : false));
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  // QR, RD, RA; RCODE 3 (NXDOMAIN) for an unknown name, 0 with no answers (NODATA) for a missing family.
  header.writeUInt16BE(records === undefined ? 0x8183 : 0x8180, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(matching.length, 6);
  const question = query.subarray(12, questionEnd);
  const answers = matching.map((a) => {
    const data = rdata(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, question, ...answers]);
}

export async function startFakeDns(): Promise<FakeDns> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  const silent = new Set<string>();
  const records = new Map<string, readonly string[]>();
  socket.on('message', (msg, from) => {
    const { name, end } = readName(msg, 12);
    const type = msg.readUInt16BE(end);
    queries.push(`${name} ${type === TYPE_A ? 'A' : type === TYPE_AAAA ? 'AAAA' : String(type)}`);
    if (silent.has(name)) return;
    socket.send(answer(msg, records.get(name), type, end + 4), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    server: `127.0.0.1:${port}`,
    queries,
    silent,
    records,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
