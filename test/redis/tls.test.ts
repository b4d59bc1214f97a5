/**
 * Managed-Redis style settings end to end: `rediss://` with a self-signed CA (REDIS_TLS_CA_FILE) and
 * an ACL user, a hiqty child process playing a tone the sandbox hears; a wrong CA or a wrong password
 * makes `hiqty run` and the CLI exit 2 with one message naming the setting, never the password.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli/support';
import { cleanEnv, spawnHiqty, type HiqtyProcess } from '../support/proc';
import { makeTestCa, startTlsRedis, type TlsRedis } from '../support/redis-topology';
import { Stage } from '../support/stage';
import { endpointTestRedis } from '../support/topology-stage';

const PASSWORD = 'acl pass/3';

describe('redis over TLS with a self-signed CA and an ACL user (hiqty child processes)', function () {
  this.timeout(90_000);
  let server: TlsRedis;
  let stage: Stage;
  let wrongCaFile: string;
  before(async function () {
    this.timeout(60_000);
    const [ca, other] = await Promise.all([makeTestCa(), makeTestCa()]);
    server = await startTlsRedis({ caPem: ca.certPem, certPem: ca.certPem, keyPem: ca.keyPem, aclUser: 'hiqty', aclPassword: PASSWORD });
    wrongCaFile = path.join(server.dir, 'wrong-ca.pem');
    writeFileSync(wrongCaFile, other.certPem);
    const redis = endpointTestRedis({ kind: 'url', url: server.url, caPem: ca.certPem }, server.node.port);
    stage = await Stage.start(redis, { env: { REDIS_TLS_CA_FILE: server.caFile } });
  });
  after(async () => {
    await stage?.stop();
    await server?.stop();
  });
  Stage.dumpOnFailure(() => stage);

  it('plays through rediss:// as the ACL user, and the CLI reads the same Redis', async () => {
    const bot = await stage.startBot();
    await stage.play([await stage.tone(440, 3000)]);
    await stage.heard([440], 30_000);
    assert.ok(bot.proc.lines.some((l) => l.msg === 'connected to redis' && typeof l.redis === 'string' && l.redis.startsWith('rediss://hiqty@127.0.0.1:')));
    const cli = await runCli(['status'], { REDIS_URL: server.url, REDIS_TLS_CA_FILE: server.caFile });
    assert.equal(cli.code, 0, cli.stderr);
    assert.ok(cli.stdout.includes(stage.guild.id), cli.stdout);
    assertNoPassword(bot.proc);
  });

  it('a wrong CA exits 2 naming REDIS_TLS_CA_FILE, in hiqty run and in the CLI', async () => {
    const proc = spawnHiqty(['run'], cleanEnv(stage.botEnv(stage.nextInstance(), { REDIS_TLS_CA_FILE: wrongCaFile })));
    assert.equal((await proc.exited).code, 2);
    const fatal = proc.lines.find((l) => l.level === 'fatal');
    assert.match(JSON.stringify(fatal?.errors), /is not signed by the CA in REDIS_TLS_CA_FILE/);
    assertNoPassword(proc);
    const cli = await runCli(['status'], { REDIS_URL: server.url, REDIS_TLS_CA_FILE: wrongCaFile });
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /REDIS_TLS_CA_FILE/);
    assert.ok(!cli.stderr.includes('pass/3') && !cli.stderr.includes('pass%2F3'));
  });

  it('a wrong password exits 2 naming REDIS_URL, in hiqty run and in the CLI', async () => {
    const wrong = server.url.replace(/:[^:@]+@/, ':not-the-password@');
    const proc = spawnHiqty(['run'], cleanEnv(stage.botEnv(stage.nextInstance(), { REDIS_URL: wrong })));
    assert.equal((await proc.exited).code, 2);
    const fatal = proc.lines.find((l) => l.level === 'fatal');
    assert.match(JSON.stringify(fatal?.errors), /refused the user or password \(WRONGPASS\/NOAUTH\): fix the user and password in REDIS_URL/);
    assert.ok(!JSON.stringify(proc.lines).includes('not-the-password'));
    const cli = await runCli(['status'], { REDIS_URL: wrong, REDIS_TLS_CA_FILE: server.caFile });
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /fix the user and password in REDIS_URL/);
    assert.ok(!cli.stderr.includes('not-the-password'));
  });
});

function assertNoPassword(proc: HiqtyProcess): void {
  const all = JSON.stringify(proc.lines) + proc.other.join('');
  assert.ok(!all.includes(PASSWORD) && !all.includes(encodeURIComponent(PASSWORD)), 'the ACL password appears in the output');
}
