/**
 * The Sentinel mode's scripts running for real: three "pods" (a redis-server and a Sentinel each, started by the
 * chart's own start scripts with the environment the chart renders) on loopback addresses, their announced names in
 * a private /etc/hosts. An unprivileged user, mount and network namespace (unshare) gives every pod the ports a pod
 * has (6379, 26379) and the names resolve as the headless Service's would. Two stand-ins only: redis-server is
 * wrapped to bind the pod's address and keep its data in a temp dir, and nslookup reads the hosts file.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { only, render } from './helm';

const run = promisify(execFile);
const PASSWORD = 's3cret-pw';
const DOMAIN = 'hq-hiqty-redis-headless.music.svc.cluster.local';
const PODS = [0, 1, 2] as const;
const name = (i: number) => `hq-hiqty-redis-${i}.${DOMAIN}`;
const address = (i: number) => `127.0.0.${10 + i}`;

/** Whether this machine lets an unprivileged user make user, mount and network namespaces. */
function namespacesAvailable(): boolean {
  return spawnSync('unshare', ['-rmn', 'true']).status === 0;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('chart: the Sentinel mode\'s scripts with real Redis and Sentinels (3 pods in a network namespace)', function () {
  this.timeout(90_000);
  let work: string;
  let holder: ChildProcess | undefined;
  const processes = new Map<string, ChildProcess>();
  let env: (container: 'redis' | 'sentinel', i: number) => Record<string, string>;

  before(async function () {
    if (!namespacesAvailable()) {
      console.log('      (skipped: `unshare -rmn` is not permitted on this machine)');
      this.skip();
    }
    const models = { core: await import('kubernetes-models/v1'), apps: await import('kubernetes-models/apps/v1') };
    const objects = await render({ set: ['redis.bundled.mode=sentinel', `redis.bundled.password=${PASSWORD}`, 'redis.bundled.sentinel.downAfterMilliseconds=1000', 'redis.bundled.sentinel.failoverTimeoutMilliseconds=5000'] });
    work = mkdtempSync(path.join(tmpdir(), 'hiqty-chart-sentinel-'));
    const config = path.join(work, 'config');
    mkdirSync(config);
    for (const [file, text] of Object.entries(only(objects, models.core.ConfigMap.is, 'ConfigMap').data ?? {})) writeFileSync(path.join(config, file), text);
    const bin = path.join(work, 'bin');
    mkdirSync(bin);
    const redisServer = spawnSync('sh', ['-c', 'command -v redis-server']).stdout.toString().trim();
    const stubs: Record<string, string> = {
      'redis-server': `#!/bin/sh\nconf="$1"; shift\nsed -i "s|^dir /data\\$|dir $POD_DATA|" "$conf"\nexec ${redisServer} "$conf" "$@" --bind "$POD_IP"\n`,
      nslookup: '#!/bin/sh\ngetent hosts "$1" >/dev/null\n',
    };
    for (const [file, text] of Object.entries(stubs)) {
      writeFileSync(path.join(bin, file), text);
      chmodSync(path.join(bin, file), 0o755);
    }
    writeFileSync(path.join(work, 'hosts'), `127.0.0.1 localhost\n${PODS.map((i) => `${address(i)} ${name(i)}`).join('\n')}\n`);

    const sts = only(objects, models.apps.StatefulSet.is, 'StatefulSet');
    env = (container, i) => {
      const found = sts.spec?.template.spec?.containers.find((c) => c.name === container);
      assert.ok(found, `no ${container} container`);
      const vars: Record<string, string> = {};
      for (const e of found.env ?? []) {
        if (e.value !== undefined) vars[e.name] = e.value;
        else if (e.name === 'POD_NAME') vars[e.name] = `${sts.metadata?.name}-${i}`;
        else if (e.name === 'REDIS_PASSWORD') vars[e.name] = PASSWORD;
        else throw new Error(`unexpected env ${e.name}`);
      }
      const runDir = path.join(work, `run-${container}-${i}`);
      const data = path.join(work, `data-${i}`);
      mkdirSync(runDir, { recursive: true });
      mkdirSync(data, { recursive: true });
      return { ...vars, PATH: `${bin}:${process.env.PATH ?? ''}`, CONFIG_DIR: config, RUN_DIR: runDir, POD_IP: address(i), LOCAL_ADDRESS: address(i), POD_DATA: data };
    };

    // The namespace lives as long as this cat, which ends when its stdin closes.
    holder = spawn('unshare', ['-rmn', 'sh', '-c', `mount --bind ${path.join(work, 'hosts')} /etc/hosts && ip link set lo up && echo ready && exec cat`], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder?.stdout?.once('data', () => resolve());
      holder?.once('exit', (code) => reject(new Error(`the namespace did not start (${code})`)));
    });
  });

  after(async () => {
    for (const child of processes.values()) child.kill('SIGKILL');
    await Promise.all([...processes.values()].map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    holder?.stdin?.end();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  function inside(): string[] {
    assert.ok(holder?.pid !== undefined, 'no namespace');
    return ['-t', String(holder.pid), '-U', '-m', '-n', '--preserve-credentials'];
  }

  /** redis-cli inside the namespace; the reply's lines. */
  async function cli(host: string, port: number, ...args: string[]): Promise<string[]> {
    const { stdout } = await run('nsenter', [...inside(), 'redis-cli', '--no-auth-warning', '-a', PASSWORD, '-h', host, '-p', String(port), ...args], { timeout: 10_000 });
    return stdout.trim().split('\n');
  }

  /** `INFO`/`SENTINEL master`-style replies as a map. */
  function fields(lines: readonly string[], separator: ':' | 'pairs'): Map<string, string> {
    const map = new Map<string, string>();
    if (separator === ':') {
      for (const line of lines) {
        const at = line.indexOf(':');
        if (at > 0) map.set(line.slice(0, at), line.slice(at + 1).trim());
      }
    } else {
      for (let i = 0; i + 1 < lines.length; i += 2) map.set(lines[i] ?? '', lines[i + 1] ?? '');
    }
    return map;
  }

  function startContainer(container: 'redis' | 'sentinel', i: number): void {
    const log = path.join(work, `${container}-${i}.log`);
    const child = spawn('nsenter', [...inside(), 'sh', '-c', `exec sh ${path.join(work, 'config', `start-${container}.sh`)} >>${log} 2>&1`], { env: env(container, i), stdio: 'ignore' });
    processes.set(`${container}-${i}`, child);
  }

  async function startPod(i: number): Promise<void> {
    startContainer('redis', i);
    await until(`redis ${i} to answer`, async () => ((await cli(name(i), 6379, 'PING'))[0] === 'PONG' ? true : undefined));
    startContainer('sentinel', i);
    await until(`sentinel ${i} to answer`, async () => ((await cli(name(i), 26379, 'PING'))[0] === 'PONG' ? true : undefined));
  }

  async function killPod(i: number): Promise<void> {
    for (const container of ['redis', 'sentinel']) {
      const child = processes.get(`${container}-${i}`);
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }

  const primaryName = async (sentinel: number) => (await cli(name(sentinel), 26379, 'SENTINEL', 'get-master-addr-by-name', 'mymaster'))[0];

  it('start in order with pod 0 as primary, fail over to a replica by name, and take the old primary back as a replica', async () => {
    // The pods start one after another, as the StatefulSet's OrderedReady does.
    for (const i of PODS) await startPod(i);
    const primaryInfo = await until('two replicas online', async () => {
      const info = fields(await cli(name(0), 6379, 'INFO', 'replication'), ':');
      return info.get('connected_slaves') === '2' ? info : undefined;
    });
    assert.equal(primaryInfo.get('role'), 'master');
    // The replicas announce their names, not their addresses.
    assert.deepEqual([primaryInfo.get('slave0'), primaryInfo.get('slave1')].map((s) => s?.match(/ip=([^,]+)/)?.[1]).sort(), [name(1), name(2)]);
    for (const i of PODS) {
      await until(`sentinel ${i} to know the others`, async () => {
        const master = fields(await cli(name(i), 26379, 'SENTINEL', 'master', 'mymaster'), 'pairs');
        return master.get('num-other-sentinels') === '2' && master.get('num-slaves') === '2' ? true : undefined;
      });
      assert.equal(await primaryName(i), name(0));
    }
    assert.deepEqual(await cli(name(0), 6379, 'SET', 'hiqty:chart-test', 'kept'), ['OK']);
    await until('the write on both replicas', async () => {
      for (const i of [1, 2]) if ((await cli(name(i), 6379, 'GET', 'hiqty:chart-test'))[0] !== 'kept') return undefined;
      return true;
    });

    // Pod 0 dies (both containers); the other two Sentinels are a quorum and promote a replica.
    await killPod(0);
    const killedAt = Date.now();
    const promoted = await until('a failover', async () => {
      const answer = await primaryName(1);
      return answer !== undefined && answer !== name(0) ? answer : undefined;
    });
    const failoverMs = Date.now() - killedAt;
    assert.ok([name(1), name(2)].includes(promoted), `the Sentinels name ${promoted}`);
    // The other Sentinel learns it from the leader's announcement a moment later.
    await until('sentinel 2 to agree', async () => ((await primaryName(2)) === promoted ? true : undefined));
    await until('the promoted replica to take writes', async () => ((await cli(promoted, 6379, 'ROLE'))[0] === 'master' ? true : undefined));
    assert.deepEqual(await cli(promoted, 6379, 'GET', 'hiqty:chart-test'), ['kept']);

    // Pod 0 restarts: its start script asks the Sentinels and follows the new primary instead of claiming the role.
    await startPod(0);
    const rejoined = await until('pod 0 replicating', async () => {
      const info = fields(await cli(name(0), 6379, 'INFO', 'replication'), ':');
      return info.get('master_link_status') === 'up' ? info : undefined;
    });
    assert.equal(rejoined.get('role'), 'slave');
    assert.equal(rejoined.get('master_host'), promoted);
    assert.deepEqual(await cli(name(0), 6379, 'GET', 'hiqty:chart-test'), ['kept']);
    assert.equal(await until('sentinel 0 to follow', async () => ((await primaryName(0)) === promoted ? promoted : undefined)), promoted);

    // A planned stop of the primary's pod: pre-stop hands the role over before the pod goes.
    const stopping = promoted === name(1) ? 1 : 2;
    await until('two replicas online again', async () => (fields(await cli(promoted, 6379, 'INFO', 'replication'), ':').get('connected_slaves') === '2' ? true : undefined));
    const preStopAt = Date.now();
    const preStop = await run('nsenter', [...inside(), 'sh', path.join(work, 'config', 'pre-stop.sh')], { env: env('redis', stopping), timeout: 40_000 });
    assert.equal((await cli(name(stopping), 6379, 'ROLE'))[0], 'slave', `pre-stop returned while its Redis is still the primary:\n${preStop.stdout}${preStop.stderr}`);
    const next = await until('the Sentinels to name another primary', async () => {
      const answer = await primaryName(0);
      return answer !== undefined && answer !== promoted ? answer : undefined;
    });
    assert.equal((await cli(next, 6379, 'ROLE'))[0], 'master');
    assert.deepEqual(await cli(next, 6379, 'GET', 'hiqty:chart-test'), ['kept']);
    // Figures for the report, not asserted (down-after-milliseconds is 1000 here; the chart's default is 5000).
    console.log(`      failover after SIGKILL of the primary's pod: ${failoverMs} ms; pre-stop hand-over: ${Date.now() - preStopAt} ms`);
  });
});
