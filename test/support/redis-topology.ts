/**
 * Real Redis topologies for the failover and TLS tests: a primary with a replica, three Sentinels
 * watching them, and a TLS redis-server with an ACL user. Every node is a Debian `redis-server` child
 * process on a free loopback port, configured through its own writable config file in a temp dir (a
 * Sentinel rewrites its file as it learns the topology; a data node gets CONFIG REWRITE from the
 * Sentinels when they reconfigure it, so a restarted node comes back in the role it last had).
 *
 * The harness talks to the nodes with plain ioredis clients (it is the operator, not hiqty).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { generate } from 'selfsigned';
import type { SentinelEndpoint } from '../../src/state/redis-endpoint';
import { freePort } from '../../src/state/server';
import { waitFor } from './wait';

export interface RedisNode {
  /** For messages: 'primary', 'replica', 'sentinel-1', 'tls'. The role at start; a failover swaps roles. */
  readonly label: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:port`. */
  readonly address: string;
  readonly kind: 'data' | 'sentinel';
  /** True while its process runs (not after kill() with SIGKILL/SIGTERM until restart()). */
  running(): boolean;
}

interface NodeProcess {
  readonly node: RedisNode;
  readonly confPath: string;
  child: ChildProcess | undefined;
  /** The last lines it printed, for error messages. */
  output: string;
}

/** Ready lines: a data node and a Sentinel say different things when they are up. */
const READY = { data: 'Ready to accept connections', sentinel: '+monitor master' } as const;

/** One group of processes: the nodes of a topology, started, killed and restarted the same way. */
class ProcessGroup {
  readonly procs = new Map<RedisNode, NodeProcess>();

  constructor(readonly dir: string) {}

  async add(label: string, kind: RedisNode['kind'], conf: (port: number) => string): Promise<RedisNode> {
    const port = await freePort();
    const confPath = path.join(this.dir, `${label}.conf`);
    // Each node keeps its files under its own names in the shared dir.
    writeFileSync(confPath, `${conf(port)}\ndir ${this.dir}\ndbfilename ${label}.rdb\nappenddirname ${label}-aof\n`);
    const state: { child: ChildProcess | undefined } = { child: undefined };
    const node: RedisNode = {
      label,
      host: '127.0.0.1',
      port,
      address: `127.0.0.1:${port}`,
      kind,
      running: () => state.child !== undefined && state.child.exitCode === null && state.child.signalCode === null,
    };
    const proc: NodeProcess = {
      node,
      confPath,
      get child() {
        return state.child;
      },
      set child(c) {
        state.child = c;
      },
      output: '',
    };
    this.procs.set(node, proc);
    await this.start(proc);
    return node;
  }

  private start(proc: NodeProcess): Promise<void> {
    const { node } = proc;
    return new Promise((resolve, reject) => {
      const args = [proc.confPath, ...(node.kind === 'sentinel' ? ['--sentinel'] : [])];
      const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.child = child;
      proc.output = '';
      let ready = false;
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${node.label} (${node.address}) did not start within 10 s:\n${proc.output}`));
      }, 10_000);
      const onText = (chunk: Buffer): void => {
        proc.output = (proc.output + chunk.toString()).slice(-8000);
        if (!ready && proc.output.includes(READY[node.kind])) {
          ready = true;
          clearTimeout(deadline);
          resolve();
        }
      };
      child.stdout?.on('data', onText);
      child.stderr?.on('data', onText);
      child.on('error', (err) => {
        clearTimeout(deadline);
        reject(new Error(`cannot run redis-server: ${err.message}`));
      });
      child.on('exit', (code) => {
        clearTimeout(deadline);
        if (!ready) reject(new Error(`${node.label} (${node.address}) exited with ${code}:\n${proc.output}`));
      });
    });
  }

  private get(node: RedisNode): NodeProcess {
    const proc = this.procs.get(node);
    if (!proc) throw new Error(`${node.label} is not part of this topology`);
    return proc;
  }

  /** Sends a signal; for SIGKILL and SIGTERM, resolves once the process has exited. */
  async kill(node: RedisNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.get(node);
    const child = proc.child;
    if (!child || !node.running()) throw new Error(`${node.label} (${node.address}) is not running`);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
      child.kill(signal);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Starts a stopped node again on the same port with its (possibly rewritten) config file. */
  async restart(node: RedisNode): Promise<void> {
    const proc = this.get(node);
    if (node.running()) throw new Error(`${node.label} (${node.address}) is still running`);
    await this.start(proc);
  }

  output(node: RedisNode): string {
    return this.get(node).output;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.procs.values()].map(async ({ child, node }) => {
        if (!child || !node.running()) return;
        // A SIGSTOPped process does not act on SIGKILL until... it does (SIGKILL is never blocked), but be explicit.
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      }),
    );
  }
}

export interface AdminClients {
  /** A plain ioredis client to one node (with the topology's password), closed by stop(). */
  client(node: RedisNode, options?: RedisOptions): Redis;
}

export interface PrimaryReplica extends AdminClients {
  /** The primary at start (a failover makes `replica` the primary; ask waitForPrimary()). */
  readonly primary: RedisNode;
  readonly replica: RedisNode;
  /** The Redis nodes' password (requirepass and masterauth), when one was set. */
  readonly password: string | undefined;
  /** Set when the nodes (and Sentinels started on them) speak TLS only. */
  readonly tls: TlsFiles | undefined;
  kill(node: RedisNode, signal?: NodeJS.Signals): Promise<void>;
  restart(node: RedisNode): Promise<void>;
  /** The node's recent output (for failure messages). */
  output(node: RedisNode): string;
  /** Waits until `replica` reports a finished initial sync with its primary. */
  waitForReplication(timeoutMs?: number): Promise<void>;
  /** Kills every process (also Sentinels started on it), closes the clients, removes the temp dir. */
  stop(): Promise<void>;
}

export interface PrimaryReplicaOptions {
  /** true: append-only file (fsync every second), restarts keep the data; false: nothing on disk. */
  readonly persistence: boolean;
  /** requirepass on both nodes and masterauth on the replica. Default none. */
  readonly password?: string;
  /**
   * TLS only (no plain port) on the nodes, replication over TLS, clients not asked for certificates;
   * Sentinels started on this topology speak TLS too. Default plain TCP.
   */
  readonly tls?: TlsFiles;
}

/** A server certificate and key, and the CA that signs them (makeTestCa() gives one that is all three). */
export interface TlsFiles {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Config lines that make a node (or a Sentinel) listen with TLS only on `port`, and connect out with TLS. */
function tlsLines(dir: string, tls: TlsFiles, port: number): string {
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  return [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${file('tls-server.pem', tls.certPem)}`,
    `tls-key-file ${file('tls-server.key', tls.keyPem)}`,
    `tls-ca-cert-file ${file('tls-ca.pem', tls.caPem)}`,
    'tls-auth-clients no',
    'tls-replication yes',
  ].join('\n');
}

/** Closes clients once (a second disconnect() of an ended ioredis client arms a 2 s timer). */
class Clients {
  private readonly all = new Set<Redis>();
  constructor(
    private readonly password: () => string | undefined,
    private readonly caPem?: string,
  ) {}
  client = (node: RedisNode, options: RedisOptions = {}): Redis => {
    const tls = this.caPem === undefined ? {} : { tls: { ca: [this.caPem] } };
    const c = new Redis({ host: node.host, port: node.port, password: this.password(), maxRetriesPerRequest: 1, ...tls, ...options });
    // The harness's clients see their nodes killed on purpose; ioredis would print unhandled errors.
    c.on('error', () => undefined);
    this.all.add(c);
    return c;
  };
  closeAll(): void {
    for (const c of this.all) if (c.status !== 'end') c.disconnect();
    this.all.clear();
  }
}

/** Starts a primary and one replica (`replicaof` the primary) on loopback. */
export async function startPrimaryReplica(options: PrimaryReplicaOptions): Promise<PrimaryReplica & { readonly group: ProcessGroup; readonly clients: Clients }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-topology-'));
  const group = new ProcessGroup(dir);
  const clients = new Clients(() => options.password, options.tls?.caPem);
  const persistence = options.persistence
    ? 'appendonly yes\nappendfsync everysec\nsave ""'
    : 'appendonly no\nsave ""';
  const auth = options.password ? `requirepass ${options.password}\nmasterauth ${options.password}` : '';
  const listen = (port: number): string => (options.tls === undefined ? `port ${port}` : tlsLines(dir, options.tls, port));
  const base = (port: number): string => `${listen(port)}\nbind 127.0.0.1\nprotected-mode no\n${persistence}\n${auth}`;
  try {
    const primary = await group.add('primary', 'data', base);
    const replica = await group.add('replica', 'data', (port) => `${base(port)}\nreplicaof 127.0.0.1 ${primary.port}`);
    const topology = {
      group,
      clients,
      primary,
      replica,
      password: options.password,
      tls: options.tls,
      client: clients.client,
      kill: (node: RedisNode, signal?: NodeJS.Signals) => group.kill(node, signal),
      restart: (node: RedisNode) => group.restart(node),
      output: (node: RedisNode) => group.output(node),
      async waitForReplication(timeoutMs = 15_000): Promise<void> {
        const c = clients.client(replica);
        try {
          await waitFor(
            'the replica to finish its initial sync',
            async () => /master_link_status:up/.test(await c.info('replication')),
            { timeoutMs, intervalMs: 50 },
          );
        } finally {
          c.disconnect();
        }
      },
      async stop(): Promise<void> {
        clients.closeAll();
        await group.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    await topology.waitForReplication();
    return topology;
  } catch (err) {
    clients.closeAll();
    await group.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface Sentinels {
  readonly nodes: readonly RedisNode[];
  /** The monitored primary's name. */
  readonly name: string;
  /** `127.0.0.1:p1,127.0.0.1:p2,...`: the value for REDIS_SENTINELS. */
  readonly list: string;
  /** The Sentinels' own password (requirepass), when one was set. */
  readonly password: string | undefined;
  /** The environment a hiqty child process needs to find this primary through these Sentinels. */
  env(): Record<string, string>;
  /** The same as an endpoint for connectRedis in the test process (follows failovers as hiqty does). */
  endpoint(): SentinelEndpoint;
  /**
   * Asks a running Sentinel (`SENTINEL get-master-addr-by-name`) until it names a primary that is
   * not `options.not` (when given) and that node says it is a master; resolves with that node.
   */
  waitForPrimary(options?: { not?: RedisNode; timeoutMs?: number }): Promise<RedisNode>;
  kill(node: RedisNode, signal?: NodeJS.Signals): Promise<void>;
  restart(node: RedisNode): Promise<void>;
  /** Kills the Sentinels only (the topology's stop() kills them too). */
  stop(): Promise<void>;
}

export interface SentinelOptions {
  /** Default 3. Quorum is 2 whatever the count. */
  readonly count?: number;
  /** The monitored primary's name. Default 'mymaster'. */
  readonly name?: string;
  /** `sentinel down-after-milliseconds`. Default 1000. */
  readonly downAfterMs?: number;
  /** `sentinel failover-timeout`. Default 10000. */
  readonly failoverTimeoutMs?: number;
  /** The Sentinels' own requirepass (and the one they use with each other). Default none. */
  readonly password?: string;
}

/**
 * Starts Sentinels watching the topology's primary (`redis-server <conf> --sentinel`, quorum 2) and
 * waits until each one knows the replica and the other Sentinels, so a kill right after is failed over.
 */
export async function startSentinels(
  topology: PrimaryReplica & { readonly group: ProcessGroup; readonly clients: Clients },
  options: SentinelOptions = {},
): Promise<Sentinels> {
  const { group, clients } = topology;
  const count = options.count ?? 3;
  const name = options.name ?? 'mymaster';
  const password = options.password;
  const conf = (port: number): string =>
    [
      topology.tls === undefined ? `port ${port}` : tlsLines(group.dir, topology.tls, port),
      'bind 127.0.0.1',
      'protected-mode no',
      `sentinel monitor ${name} 127.0.0.1 ${topology.primary.port} 2`,
      `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 10_000}`,
      `sentinel parallel-syncs ${name} 1`,
      topology.password ? `sentinel auth-pass ${name} ${topology.password}` : '',
      password ? `requirepass ${password}\nsentinel sentinel-pass ${password}` : '',
    ].join('\n');
  const nodes: RedisNode[] = [];
  for (let i = 1; i <= count; i++) nodes.push(await group.add(`sentinel-${i}`, 'sentinel', conf));
  const ask = (node: RedisNode): Redis => clients.client(node, { password, maxRetriesPerRequest: 0, retryStrategy: () => null });

  // Each Sentinel must know the replica and the others (hello messages every 2 s) before a failover can win a vote.
  for (const node of nodes) {
    const c = ask(node);
    try {
      await waitFor(
        `${node.label} to see the replica and ${count - 1} other Sentinels`,
        async () => {
          const fields = flatToRecord(await c.call('SENTINEL', 'MASTER', name));
          return Number(fields['num-slaves']) >= 1 && Number(fields['num-other-sentinels']) >= count - 1;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    } finally {
      c.disconnect();
    }
  }

  const dataNodes = [topology.primary, topology.replica];
  return {
    nodes,
    name,
    list: nodes.map((n) => n.address).join(','),
    password,
    env() {
      return {
        REDIS_SENTINELS: nodes.map((n) => n.address).join(','),
        REDIS_SENTINEL_NAME: name,
        ...(topology.password ? { REDIS_PASSWORD: topology.password } : {}),
        ...(password ? { REDIS_SENTINEL_PASSWORD: password } : {}),
        ...(topology.tls ? { REDIS_TLS: 'true', REDIS_TLS_CA_FILE: path.join(group.dir, 'tls-ca.pem') } : {}),
      };
    },
    endpoint(): SentinelEndpoint {
      return {
        kind: 'sentinel',
        sentinels: nodes.map((n) => ({ host: n.host, port: n.port })),
        name,
        ...(password === undefined ? {} : { sentinelPassword: password }),
        ...(topology.password === undefined ? {} : { password: topology.password }),
        tls: topology.tls !== undefined,
        ...(topology.tls === undefined ? {} : { caPem: topology.tls.caPem }),
      };
    },
    async waitForPrimary({ not, timeoutMs = 30_000 } = {}): Promise<RedisNode> {
      return waitFor(
        `the Sentinels to name a primary${not ? ` other than ${not.label} (${not.address})` : ''}`,
        async () => {
          for (const sentinel of nodes.filter((n) => n.running())) {
            const c = ask(sentinel);
            try {
              const reply = await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name);
              if (!Array.isArray(reply)) continue;
              const port = Number(reply[1]);
              const node = dataNodes.find((n) => n.port === port);
              if (!node || node === not || !node.running()) continue;
              const d = clients.client(node, { maxRetriesPerRequest: 0, retryStrategy: () => null });
              try {
                const role: unknown = await d.call('ROLE');
                if (Array.isArray(role) && role[0] === 'master') return node;
              } finally {
                d.disconnect();
              }
            } catch {
              // This Sentinel is down or busy: ask the next one.
            } finally {
              c.disconnect();
            }
          }
          return undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    },
    kill: (node, signal) => group.kill(node, signal),
    restart: (node) => group.restart(node),
    async stop(): Promise<void> {
      await Promise.all(nodes.filter((n) => n.running()).map((n) => group.kill(n, 'SIGKILL')));
    },
  };
}

/** SENTINEL MASTER's reply: a flat [field, value, field, value, ...] list. */
function flatToRecord(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** A self-signed CA certificate that is also the server's certificate (for 127.0.0.1 and localhost). */
export interface TestCa {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A fresh self-signed certificate for 127.0.0.1/localhost that is its own CA (src/sandbox/certs.ts's approach). */
export async function makeTestCa(): Promise<TestCa> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: `hiqty-test-redis-${now}-${Math.random().toString(16).slice(2, 8)}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

export interface TlsRedis {
  readonly node: RedisNode;
  /** `rediss://user:password@127.0.0.1:port` (with the ACL user). */
  readonly url: string;
  /** Where the CA's PEM was written: the value for REDIS_TLS_CA_FILE. */
  readonly caFile: string;
  readonly dir: string;
  /** A client as the ACL user, trusting the CA. */
  client(options?: RedisOptions): Redis;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TlsRedisOptions {
  /** The CA that signs certPem (with makeTestCa() they are the same certificate). */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly aclUser: string;
  readonly aclPassword: string;
}

/**
 * A redis-server that speaks only TLS (no plain port), clients not asked for certificates, and whose
 * `default` user is off: only `aclUser` with `aclPassword` (all keys, channels, commands) gets in.
 */
export async function startTlsRedis(options: TlsRedisOptions): Promise<TlsRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hiqty-tls-redis-'));
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  const caFile = file('ca.pem', options.caPem);
  const certFile = file('server.pem', options.certPem);
  const keyFile = file('server.key', options.keyPem);
  const group = new ProcessGroup(dir);
  const clients = new Clients(() => undefined);
  const conf = (port: number): string =>
    [
      'port 0',
      `tls-port ${port}`,
      'bind 127.0.0.1',
      'protected-mode no',
      `tls-cert-file ${certFile}`,
      `tls-key-file ${keyFile}`,
      `tls-ca-cert-file ${caFile}`,
      'tls-auth-clients no',
      'appendonly no',
      'save ""',
      'user default off',
      // The password as its SHA-256 (`#hex`): a config line cannot carry spaces in a `>password`.
      `user ${options.aclUser} on #${createHash('sha256').update(options.aclPassword).digest('hex')} ~* &* +@all`,
    ].join('\n');
  try {
    const node = await group.add('tls', 'data', conf);
    const encoded = `${encodeURIComponent(options.aclUser)}:${encodeURIComponent(options.aclPassword)}`;
    return {
      node,
      url: `rediss://${encoded}@127.0.0.1:${node.port}`,
      caFile,
      dir,
      client: (extra = {}) =>
        clients.client(node, { username: options.aclUser, password: options.aclPassword, tls: { ca: [options.caPem] }, ...extra }),
      kill: (signal) => group.kill(node, signal),
      restart: () => group.restart(node),
      async stop(): Promise<void> {
        clients.closeAll();
        await group.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    clients.closeAll();
    await group.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
