/**
 * The Kubernetes integration through the real @kubernetes/client-node, against FakeApiServer: a local HTTP
 * server standing in for the API server, because none can run here (no container runtime, no kind).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ManualClock } from '../../src/clock';
import { deletionCostBand, startKube, DELETION_COST_ANNOTATION, type KubeIntegration, type KubeOptions } from '../../src/kube';
import { detectCluster } from '../../src/kube/in-cluster';
import { FakeApiServer, POD_UID } from './fake-api-server';

const MINUTE = 60_000;

function capturingLogger() {
  const lines: Array<{ level: string; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = pino({ level: 'trace', formatters: { level: (label) => ({ level: label }) } }, stream);
  return { log, lines };
}

describe('kube: pod deletion cost and drain Events (API server: a local stand-in)', () => {
  let api: FakeApiServer;
  let saDir: string;
  let clock: ManualClock;
  let kube: KubeIntegration | undefined;

  beforeEach(async () => {
    api = await FakeApiServer.start();
    saDir = mkdtempSync(path.join(tmpdir(), 'hiqty-sa-'));
    writeFileSync(path.join(saDir, 'token'), 'test-token');
    writeFileSync(path.join(saDir, 'namespace'), 'music\n');
    clock = new ManualClock();
  });
  afterEach(async () => {
    await kube?.stop();
    kube = undefined;
    await api.close();
    rmSync(saDir, { recursive: true, force: true });
  });

  async function start(overrides: Partial<KubeOptions> = {}) {
    const { log, lines } = capturingLogger();
    kube = await startKube({ mode: 'auto', podName: 'hiqty-7d9f-abcde', log, clock, serviceAccountDir: saDir, kubeConfig: api.kubeConfig(), ...overrides });
    return { kube, lines };
  }

  const patches = () => api.requests.filter((r) => r.method === 'PATCH');
  const costs = () => patches().map((r) => JSON.stringify(r.body));
  const costBody = (cost: string) => JSON.stringify({ metadata: { annotations: { [DELETION_COST_ANNOTATION]: cost } } });

  it('maps guild counts to coarse bands', () => {
    const table: Array<[number, number]> = [[0, 0], [1, 1], [9, 1], [10, 10], [99, 10], [100, 100], [999, 100], [1000, 1000], [250_000, 1000]];
    for (const [guilds, cost] of table) assert.equal(deletionCostBand(guilds), cost, `${guilds} guilds`);
  });

  it('sends the exact merge PATCH of its own pod', async () => {
    const { kube } = await start();
    assert.equal(kube.active, true);
    kube.guilds(3);
    await api.received(1);
    const [patch] = patches();
    assert.deepEqual(patch, {
      method: 'PATCH',
      path: '/api/v1/namespaces/music/pods/hiqty-7d9f-abcde',
      contentType: 'application/merge-patch+json',
      authorization: 'Bearer test-token',
      body: { metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '1' } } },
    });
  });

  it('writes at most once a minute, and only when the band changes', async () => {
    const { kube } = await start();
    kube.guilds(0);
    await api.received(1);
    assert.deepEqual(costs(), [costBody('0')], 'the first report is written at once, overwriting a stale value');

    kube.guilds(4);
    await clock.advance(MINUTE - 1);
    await kube.settled();
    assert.equal(patches().length, 1, 'a second write inside the minute');
    await clock.advance(1);
    await api.received(2);
    assert.deepEqual(costs(), [costBody('0'), costBody('1')]);

    // Same band: nothing, however long.
    for (const n of [5, 9, 2, 1]) kube.guilds(n);
    await clock.advance(10 * MINUTE);
    await kube.settled();
    assert.equal(patches().length, 2);

    // Over a minute since the last write: a new band is written at once.
    kube.guilds(150);
    await api.received(3);
    // A change and a change back inside the next minute: at the deadline the band equals the written one.
    kube.guilds(7);
    await clock.advance(MINUTE / 2);
    kube.guilds(100);
    await clock.advance(MINUTE);
    await kube.settled();
    assert.equal(patches().length, 3);

    // Several changes: one at once, the rest inside the minute make one write, of the latest band.
    kube.guilds(20);
    await api.received(4);
    kube.guilds(500);
    kube.guilds(1500);
    await clock.advance(MINUTE - 1);
    await kube.settled();
    assert.equal(patches().length, 4);
    await clock.advance(1);
    await api.received(5);
    assert.deepEqual(costs().slice(2), [costBody('100'), costBody('10'), costBody('1000')]);
  });

  it('retries a refused write after a minute, not before', async () => {
    api.patchStatus = 403;
    const { kube, lines } = await start();
    kube.guilds(12);
    await api.received(1);
    await clock.advance(MINUTE - 1);
    await kube.settled();
    assert.equal(patches().length, 1);
    assert.ok(lines.some((l) => l.level === 'warn' && /deletion cost/.test(l.msg)));
    api.patchStatus = 200;
    await clock.advance(1);
    await api.received(2);
    assert.deepEqual(costs(), [costBody('10'), costBody('10')]);
  });

  it('records drain Events on its own pod', async () => {
    const { kube } = await start();
    kube.guilds(2);
    await api.received(1);
    await kube.stop(); // let the patch reply, which carries the pod's uid, settle
    await kube.drainStarted(2);
    await kube.drainFinished(true);
    await kube.drainFinished(false);
    await kube.drainFinished(false, 'drain ended with 2 lease(s) lost (Redis unreachable?): their audio stopped at the lease deadline');
    const events = api.requests.filter((r) => r.method === 'POST');
    assert.deepEqual(events.map((e) => [e.path, e.contentType]), Array(4).fill(['/api/v1/namespaces/music/events', 'application/json']));
    const expected = (reason: string, type: string, message: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: 'hiqty-7d9f-abcde.', namespace: 'music' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'hiqty-7d9f-abcde', namespace: 'music', uid: POD_UID },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: new Date(clock.now()).toISOString(),
      lastTimestamp: new Date(clock.now()).toISOString(),
      source: { component: 'hiqty' },
      reportingComponent: 'hiqty',
      reportingInstance: 'hiqty-7d9f-abcde',
    });
    assert.deepEqual(events.map((e) => e.body), [
      expected('DrainStarted', 'Normal', 'Draining: 2 guild(s) play their current track, then move to another pod'),
      expected('DrainFinished', 'Normal', 'Drain finished: every guild was handed over at a track boundary'),
      expected('DrainFinished', 'Warning', 'Drain cut short by its deadline: positions checkpointed and leases released'),
      expected('DrainFinished', 'Warning', 'drain ended with 2 lease(s) lost (Redis unreachable?): their audio stopped at the lease deadline'),
    ]);
  });

  it('does not hold a drain up when the API server does not answer', async () => {
    api.hang = true;
    const { kube, lines } = await start({ eventTimeoutMs: 3000 });
    let done = false;
    const recorded = kube.drainStarted(1).then(() => (done = true));
    await api.received(1);
    await clock.advance(2999);
    assert.equal(done, false);
    await clock.advance(1);
    await recorded;
    assert.ok(lines.some((l) => l.level === 'warn' && /did not answer in time/.test(l.msg)));
  });

  it('outside a cluster does nothing and logs no error', async () => {
    rmSync(path.join(saDir, 'token'));
    const { kube, lines } = await start();
    assert.equal(kube.active, false);
    kube.guilds(50);
    await kube.drainStarted(50);
    await kube.drainFinished(true);
    await clock.advance(10 * MINUTE);
    assert.equal(api.requests.length, 0);
    assert.deepEqual(lines.filter((l) => l.level === 'error' || l.level === 'fatal' || l.level === 'warn'), []);
  });

  it('HIQTY_KUBE=on outside a cluster is a start-up error; off never looks', async () => {
    rmSync(path.join(saDir, 'token'));
    await assert.rejects(start({ mode: 'on' }), /HIQTY_KUBE=on but this is not a Kubernetes pod: no service-account token/);
    writeFileSync(path.join(saDir, 'token'), 'test-token');
    const { kube } = await start({ mode: 'off' });
    assert.equal(kube.active, false);
  });

  it('detects a cluster by the token and namespace files', () => {
    assert.deepEqual(detectCluster(saDir), { kind: 'in-cluster', namespace: 'music', tokenPath: path.join(saDir, 'token') });
    assert.equal(detectCluster(path.join(saDir, 'missing')).kind, 'outside');
    const noNamespace = path.join(saDir, 'only-token');
    mkdirSync(noNamespace);
    writeFileSync(path.join(noNamespace, 'token'), 't');
    assert.equal(detectCluster(noNamespace).kind, 'outside');
  });
});
