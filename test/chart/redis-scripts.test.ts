/**
 * The Sentinel mode's start scripts, run by sh outside a pod: stand-ins for redis-cli (the Sentinels' answer),
 * nslookup and redis-server (which keeps the file it was given), with the environment the chart renders. Then the
 * real redis-server loads a generated file, so a directive it does not know fails here and not in a cluster.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { only, render, type RenderedObject } from './helm';

const run = promisify(execFile);
const DOMAIN = 'hq-hiqty-redis-headless.music.svc.cluster.local';
const pod = (i: number) => `hq-hiqty-redis-${i}.${DOMAIN}`;

type Models = Awaited<ReturnType<typeof loadModels>>;
async function loadModels() {
  const [core, apps] = await Promise.all([import('kubernetes-models/v1'), import('kubernetes-models/apps/v1')]);
  return { core, apps };
}

const STUBS: Record<string, string> = {
  // Every call is recorded; a Sentinel answers FAKE_ANSWER (two lines, as redis-cli prints them) when it is set.
  'redis-cli': '#!/bin/sh\necho "$*" >> "$WORK/redis-cli.calls"\nif [ -n "${FAKE_ANSWER:-}" ]; then printf "%s\\n6379\\n" "$FAKE_ANSWER"; else echo "Could not connect to Redis" >&2; exit 1; fi\n',
  nslookup: '#!/bin/sh\nexit 0\n',
  'redis-server': '#!/bin/sh\ncp "$1" "$WORK/started.conf"\nshift\necho "$*" > "$WORK/started.args"\n',
};

describe('chart: the Sentinel mode start scripts (sh, with stand-ins for redis-cli and redis-server)', () => {
  let models: Models;
  let objects: RenderedObject[];
  let work: string;
  before(async () => {
    models = await loadModels();
    objects = await render({ set: ['redis.bundled.mode=sentinel', 'redis.bundled.password=s3cret-pw'] });
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'hiqty-chart-scripts-'));
    const config = path.join(work, 'config');
    mkdirSync(config);
    mkdirSync(path.join(work, 'run'));
    mkdirSync(path.join(work, 'bin'));
    for (const [name, text] of Object.entries(only(objects, models.core.ConfigMap.is, 'ConfigMap').data ?? {})) writeFileSync(path.join(config, name), text);
    for (const [name, text] of Object.entries(STUBS)) {
      writeFileSync(path.join(work, 'bin', name), text);
      chmodSync(path.join(work, 'bin', name), 0o755);
    }
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** The container's rendered environment (the Secret's password filled in), for pod `index`. */
  function containerEnv(container: string, index: number): Record<string, string> {
    const sts = only(objects, models.apps.StatefulSet.is, 'StatefulSet');
    const found = sts.spec?.template.spec?.containers.find((c) => c.name === container);
    assert.ok(found, `no ${container} container`);
    const env: Record<string, string> = {};
    for (const e of found.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.name === 'POD_NAME') env[e.name] = `${sts.metadata?.name}-${index}`;
      else if (e.name === 'REDIS_PASSWORD') env[e.name] = 's3cret-pw';
      else throw new Error(`unexpected env ${e.name}`);
    }
    return env;
  }

  async function start(container: 'redis' | 'sentinel', index: number, answer?: string): Promise<{ conf: string; calls: string[] }> {
    const script = container === 'redis' ? 'start-redis.sh' : 'start-sentinel.sh';
    await run('sh', [path.join(work, 'config', script)], {
      env: {
        ...containerEnv(container, index),
        PATH: `${path.join(work, 'bin')}:${process.env.PATH ?? ''}`,
        WORK: work,
        CONFIG_DIR: path.join(work, 'config'),
        RUN_DIR: path.join(work, 'run'),
        ...(answer === undefined ? {} : { FAKE_ANSWER: answer }),
      },
    });
    const calls = existsSync(path.join(work, 'redis-cli.calls')) ? readFileSync(path.join(work, 'redis-cli.calls'), 'utf8').trim().split('\n') : [];
    return { conf: readFileSync(path.join(work, 'started.conf'), 'utf8'), calls };
  }

  it('first start, no Sentinel answers: pod 0 is the primary, the others its replicas, all announcing their names', async () => {
    const primary = await start('redis', 0);
    assert.doesNotMatch(primary.conf, /^replicaof/m);
    assert.match(primary.conf, new RegExp(`^replica-announce-ip ${pod(0)}$`, 'm'));
    assert.match(primary.conf, /^requirepass "s3cret-pw"$/m);
    assert.match(primary.conf, /^masterauth "s3cret-pw"$/m);
    assert.match(primary.conf, /^notify-keyspace-events K\$lgxh$/m);
    // The Redis asked every Sentinel, its own pod's included (it survives a Redis restart).
    assert.deepEqual(primary.calls.map((c) => c.match(/-h (\S+)/)?.[1]), [pod(0), pod(1), pod(2)]);
    assert.ok(primary.calls.every((c) => c.includes('-p 26379 SENTINEL get-master-addr-by-name mymaster')), primary.calls.join('\n'));

    const replica = await start('redis', 2);
    assert.match(replica.conf, new RegExp(`^replicaof ${pod(0)} 6379$`, 'm'));
    assert.match(replica.conf, new RegExp(`^replica-announce-ip ${pod(2)}$`, 'm'));
  });

  it('after a failover: a restarted pod follows the primary the Sentinels name, even pod 0', async () => {
    const restarted = await start('redis', 0, pod(2));
    assert.match(restarted.conf, new RegExp(`^replicaof ${pod(2)} 6379$`, 'm'));
    const named = await start('redis', 2, pod(2));
    assert.doesNotMatch(named.conf, /^replicaof/m, 'the pod the Sentinels name is the primary');
  });

  it('ignores an answer that is not one of its pods (redis-cli prints errors on stdout)', async () => {
    for (const answer of ['NOAUTH Authentication required.', 'ERR No such master with that name', 'evil.example.com']) {
      const { conf } = await start('redis', 1, answer);
      assert.match(conf, new RegExp(`^replicaof ${pod(0)} 6379$`, 'm'), answer);
    }
  });

  it('the Sentinel monitors the primary with the quorum, announces its name and asks only the other pods', async () => {
    const { conf, calls } = await start('sentinel', 1, pod(2));
    for (const line of [
      'port 26379',
      'requirepass "s3cret-pw"',
      'sentinel resolve-hostnames yes',
      'sentinel announce-hostnames yes',
      `sentinel announce-ip ${pod(1)}`,
      `sentinel monitor mymaster ${pod(2)} 6379 2`,
      'sentinel auth-pass mymaster "s3cret-pw"',
      'sentinel down-after-milliseconds mymaster 5000',
      'sentinel failover-timeout mymaster 60000',
    ]) assert.ok(conf.split('\n').includes(line), `no "${line}" in\n${conf}`);
    // resolve-hostnames must come before the monitor line that names a host.
    assert.ok(conf.indexOf('resolve-hostnames') < conf.indexOf('sentinel monitor'));
    assert.deepEqual(calls.map((c) => c.match(/-h (\S+)/)?.[1]), [pod(0)], 'the first answer is enough; never its own, not yet started Sentinel');
    assert.equal(readFileSync(path.join(work, 'started.args'), 'utf8').trim(), '--sentinel');
  });

  describe('pre-stop', () => {
    // A Redis that reports the role in $WORK/role, one online replica, and Sentinels of which REFUSING declines.
    const cli = [
      '#!/bin/sh',
      'echo "$*" >> "$WORK/redis-cli.calls"',
      'case "$*" in',
      '  *" ROLE") cat "$WORK/role" ;;',
      '  *"INFO replication") printf "role:master\\nconnected_slaves:1\\nslave0:ip=r,port=6379,state=online,offset=9,lag=0\\n" ;;',
      '  *"-h $REFUSING "*) echo "NOGOODSLAVE No suitable replica to promote" ;;',
      '  *"SENTINEL failover mymaster") echo OK; touch "$WORK/failed-over" ;;',
      // The Sentinel names the old primary until the failover is done, then NEW_PRIMARY.
      '  *"get-master-addr-by-name mymaster") if [ -e "$WORK/failed-over" ]; then printf "%s\\n6379\\n" "$NEW_PRIMARY"; else printf "%s\\n6379\\n" "$OLD_PRIMARY"; fi ;;',
      '  *" REPLICAOF "*) echo OK; echo slave > "$WORK/role" ;;',
      'esac',
    ].join('\n');
    async function preStop(role: string): Promise<{ calls: string[]; role: string }> {
      writeFileSync(path.join(work, 'bin', 'redis-cli'), `${cli}\n`);
      writeFileSync(path.join(work, 'role'), `${role}\n`);
      await run('sh', [path.join(work, 'config', 'pre-stop.sh')], {
        env: { ...containerEnv('redis', 0), PATH: `${path.join(work, 'bin')}:${process.env.PATH ?? ''}`, WORK: work, CONFIG_DIR: path.join(work, 'config'), REFUSING: pod(1), OLD_PRIMARY: pod(0), NEW_PRIMARY: pod(2) },
      });
      const calls = readFileSync(path.join(work, 'redis-cli.calls'), 'utf8').trim().split('\n');
      return { calls, role: readFileSync(path.join(work, 'role'), 'utf8').trim() };
    }

    it('the primary asks the other pods\' Sentinels (its own is stopping too) until one fails it over, then follows the new primary', async () => {
      const { calls, role } = await preStop('master');
      const asked = calls.filter((c) => c.includes('SENTINEL failover')).map((c) => c.match(/-h (\S+)/)?.[1]);
      assert.deepEqual(asked, [pod(1), pod(2)], calls.join('\n'));
      const followed = calls.filter((c) => c.includes('REPLICAOF'));
      assert.deepEqual(followed.map((c) => c.slice(c.indexOf('REPLICAOF'))), [`REPLICAOF ${pod(2)} 6379`], calls.join('\n'));
      assert.ok(calls.indexOf(followed[0] ?? '') > calls.findIndex((c) => c.includes('get-master-addr-by-name')), 'REPLICAOF before the Sentinels named the new primary');
      assert.equal(role, 'slave');
    });

    it('a replica stops without asking for a failover', async () => {
      const { calls, role } = await preStop('slave');
      assert.ok(!calls.some((c) => c.includes('SENTINEL')), calls.join('\n'));
      assert.equal(role, 'slave');
    });
  });

  it('the real redis-server accepts a generated replica configuration', async function () {
    this.timeout(20_000);
    const { conf } = await start('redis', 1);
    const data = path.join(work, 'data');
    mkdirSync(data);
    const socket = path.join(work, 'redis.sock');
    // Only where it listens and writes changes; every other line is the script's.
    const file = path.join(work, 'real.conf');
    writeFileSync(file, `${conf.replace(/^dir \/data$/m, `dir ${data}`)}\nport 0\nunixsocket ${socket}\n`);
    const server = spawn('redis-server', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (!existsSync(socket)) {
        if (server.exitCode !== null) assert.fail(`redis-server refused the file:\n${output}`);
        if (Date.now() > deadline) assert.fail(`redis-server did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cli = async (...args: string[]) => (await run('redis-cli', ['--no-auth-warning', '-s', socket, '-a', 's3cret-pw', ...args])).stdout.trim().split('\n');
      assert.deepEqual(await cli('CONFIG', 'GET', 'replica-announce-ip'), ['replica-announce-ip', pod(1)]);
      assert.deepEqual(await cli('CONFIG', 'GET', 'replicaof'), ['replicaof', `${pod(0)} 6379`]);
      assert.equal((await cli('ROLE'))[0], 'slave');
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
  });
});
