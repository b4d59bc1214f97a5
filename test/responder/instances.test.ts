import { strict as assert } from 'node:assert';
import { guildKeys, interactionKey } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { waitFor } from '../support/wait';
import { assertEphemeralError, assertPublic, responderGuild } from './support';

describe('responder: two instances, registration and the rate limit', function () {
  this.timeout(60_000);
  const redis = useRedis();
  const g = responderGuild(1);
  let stage: Stage;
  const registrations: string[] = [];
  const errors: number[] = [];

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec], interactionDelivery: 'all' } });
    stage.sandbox.events.on('registered-commands', ({ scope }) => registrations.push(scope));
    stage.sandbox.events.on('interaction-error', ({ code }) => errors.push(code));
    await stage.startBot({ HIQTY_RATE_LIMIT: '3/60s', HIQTY_COMMANDS_SCOPE: `guild:${g.spec.id}`, HIQTY_LOG_LEVEL: 'debug' });
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('registers the commands for the configured guild at start-up', () => {
    assert.deepEqual(registrations, [g.spec.id]);
    assert.equal(stage.sandbox.registeredCommands(g.spec.id).length, 25, '17 commands of issue #5, /search, and /previous, /history, /skipto, /lyrics, /playlist, /filter, /autoplay of issue #16');
    assert.equal(stage.sandbox.registeredCommands('global').length, 0);
  });

  it('a second instance finds the same definitions and registers nothing (compare before PUT)', async () => {
    await stage.startBot({ HIQTY_RATE_LIMIT: '3/60s', HIQTY_COMMANDS_SCOPE: `guild:${g.spec.id}`, HIQTY_LOG_LEVEL: 'debug' });
    await stage.bots[1]?.proc.waitForLine('unchanged registration', (l) => l.msg === 'slash commands already registered: unchanged');
    assert.deepEqual(registrations, [g.spec.id]);
  });

  it('an interaction delivered to both instances gets exactly one answer and no 40060', async () => {
    const url = await stage.tone(440, 20_000);
    const view = await stage.sandbox.command(g.spec.id, g.alice, 'play', { query: url });
    assertPublic(view, /Playing/);
    assert.equal(view.callbacks.length, 1, 'one acknowledgement');
    assert.deepEqual(view.errors, []);
    // Both instances received it: the one that lost the claim says so.
    const losers = await waitFor('the other instance to lose the claim', () => {
      const found = stage.bots.filter((b) => b.proc.lines.some((l) => l.msg === 'interaction handled by another instance' && l.interaction === view.interactionId));
      return found.length > 0 ? found : undefined;
    });
    assert.equal(losers.length, 1);
    assert.ok(await stage.db.get(interactionKey(view.interactionId)), 'the de-duplication key is set');
    assert.ok((await stage.db.pttl(interactionKey(view.interactionId))) > 800_000);
    assert.equal(await stage.db.llen(guildKeys(g.spec.id).playlist), 1, 'the track was queued once');
    const view2 = await stage.sandbox.command(g.spec.id, g.alice, 'queue');
    assert.equal(view2.callbacks.length, 1);
    assert.deepEqual(errors, [], 'the sandbox recorded no acknowledgement errors');
  });

  it('the rate limit holds across instances and answers privately', async () => {
    // A bucket of 3 refilled 1 per 20 s (3/60s): alice took 1 token with /play above (/queue is free).
    assertPublic(await stage.sandbox.command(g.spec.id, g.alice, 'pause'), /Paused/);
    assertPublic(await stage.sandbox.command(g.spec.id, g.alice, 'resume'), /Resumed/);
    const limited = await stage.sandbox.command(g.spec.id, g.alice, 'pause');
    assertEphemeralError(limited, /^Slow down: you can run 3 commands in a row, then 1 every 20 seconds\. Try again in \d+ seconds?\.$/);
    // Read-only commands stay free for her.
    assertPublic(await stage.sandbox.command(g.spec.id, g.alice, 'queue'), /Queue/);
    assertEphemeralError(await stage.sandbox.command(g.spec.id, g.bob, 'pause'), /not in a voice channel/);
    assert.deepEqual(errors, []);
  });
});
