/**
 * WorkerEngineHost's handling of a worker that misbehaves, with a stand-in worker (worker-fixture.ts)
 * instead of the engine: messages that do not decode are dropped and logged once per kind, a death is
 * logged, counted and followed by a respawn and the onRestart listeners, commands while restarting
 * are dropped, counters add up over lives, and close() ends the worker.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'discord.js';
import pino from 'pino';
import { ManualClock } from '../../src/clock';
import { WorkerEngineHost } from '../../src/voice/worker';
import type { EngineEvent } from '../../src/voice/engine/contract';
import { waitFor } from '../support/wait';

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

function capturingLogger(): { log: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n')) if (text.trim() !== '') lines.push(JSON.parse(text));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

describe('voice worker host: faults of the worker', function () {
  this.timeout(30_000);
  let client: Client;
  let host: WorkerEngineHost | undefined;

  before(() => {
    client = new Client({ intents: [] });
  });

  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  after(async () => {
    await client.destroy();
  });

  const start = (log: pino.Logger, clock?: ManualClock, when: 'now' | 'on-first-command' = 'now'): WorkerEngineHost =>
    new WorkerEngineHost({
      ...(clock === undefined ? {} : { clock }),
      start: when,
      index: 7,
      client,
      log,
      logLevel: 'silent',
      sinks: 'library',
      media: { allow: [], serviceOrigins: [], ffmpegPath: 'ffmpeg', maxOpening: 1 },
      restart: { firstDelayMs: 50, maxDelayMs: 400, stableLifeMs: 60_000 },
      entry: path.join(__dirname, 'worker-fixture.ts'),
    });

  it('started on first command: no worker runs until a command comes, then it gets that command', async () => {
    const { log } = capturingLogger();
    host = start(log, undefined, 'on-first-command');
    const h = host;
    const events: EngineEvent[] = [];
    h.onEvent((e) => events.push(e));
    assert.equal(h.started(), false, 'no worker before any command');
    assert.equal(h.stats().framesSent, 0);
    h.send({ type: 'join', guild: '1', join: 1, channelId: '2' });
    assert.equal(h.started(), true);
    await waitFor('the join echoed', () => events.find((e) => e.type === 'link'));
    assert.equal(h.commandsDropped(), 0, 'the first command reached the worker it started');
    await waitFor('the new worker\'s stats', () => h.stats().framesSent === 10);
  });

  it('drops messages that do not decode, logging each kind once, and keeps the valid ones', async () => {
    const { log, lines } = capturingLogger();
    host = start(log);
    const events: EngineEvent[] = [];
    host.onEvent((e) => events.push(e));
    await waitFor('the stats event', () => events.find((e) => e.type === 'stats'));
    assert.equal(host.messagesDropped(), 2);
    assert.equal(host.name, 'worker-7');
    assert.equal(host.stats().framesSent, 10);
    const drops = lines.filter((l) => l.msg.startsWith('dropped a voice worker message'));
    assert.deepEqual(drops.map((l) => l.kind).sort(), ['positions', 'untyped']);
    const positions = drops.find((l) => l.kind === 'positions');
    assert.ok(positions && Array.isArray(positions.problems) && String(positions.problems[0]).startsWith('entries:'), JSON.stringify(positions));
    assert.equal(positions.from, 'worker-7');
  });

  it('a worker that dies is logged, counted and respawned, then onRestart is called; counters add up', async () => {
    const { log, lines } = capturingLogger();
    // The respawn waits for this clock: commands sent meanwhile are dropped, whatever the machine's speed.
    const clock = new ManualClock();
    host = start(log, clock);
    const h = host;
    let restarted = 0;
    h.onRestart(() => (restarted += 1));
    const events: EngineEvent[] = [];
    h.onEvent((e) => events.push(e));
    await waitFor('the first stats', () => h.stats().framesSent === 10);

    h.send({ type: 'drop', guild: 'crash' });
    await waitFor('the death counted', () => h.restarts() === 1);
    h.send({ type: 'join', guild: '1', join: 1, channelId: '2' });
    assert.equal(h.commandsDropped(), 1, 'a command while restarting is dropped');
    const death = lines.find((l) => l.msg.startsWith('a voice worker died'));
    assert.ok(death, 'one warn line');
    assert.equal(death.level, 40);
    assert.equal(death.code, 1);
    assert.match(String((death.err as { message?: string } | undefined)?.message), /crashes as asked/);
    assert.equal(h.stats().guilds, 0, 'gauges of the dead worker are gone');

    assert.equal(restarted, 0, 'not before the backoff');
    await clock.advance(50);
    await waitFor('onRestart', () => restarted === 1);
    assert.equal(lines.filter((l) => l.msg.startsWith('a voice worker died')).length, 1);
    await waitFor('the second life reported', () => h.stats().framesSent === 20);
    assert.equal(h.stats().guilds, 1);
    h.send({ type: 'join', guild: '1', join: 2, channelId: '2' });
    await waitFor('the new worker answers', () => events.find((e) => e.type === 'link' && e.join === 2));
    assert.equal(events.filter((e) => e.type === 'link' && e.join === 1).length, 0);
  });

  it('kill() terminates the worker like a crash, with a backoff that doubles while it keeps dying', async () => {
    const { log, lines } = capturingLogger();
    host = start(log);
    const h = host;
    let restarted = 0;
    h.onRestart(() => (restarted += 1));
    for (let i = 1; i <= 3; i++) {
      await h.kill();
      assert.equal(h.restarts(), i);
      await waitFor(`restart ${i}`, () => restarted === i);
    }
    const delays = lines.filter((l) => l.msg.startsWith('a voice worker died')).map((l) => l.restartInMs);
    assert.deepEqual(delays, [50, 100, 200]);
  });

  it('close() ends the worker: nothing restarts, later commands are dropped', async () => {
    const { log } = capturingLogger();
    host = start(log);
    const h = host;
    let restarted = 0;
    h.onRestart(() => (restarted += 1));
    await waitFor('the worker running', () => h.stats().framesSent === 10);
    await h.close();
    assert.equal(h.restarts(), 0);
    h.send({ type: 'leave', guild: '1' });
    assert.equal(h.commandsDropped(), 1);
    await h.kill();
    assert.equal(restarted, 0);
  });
});
