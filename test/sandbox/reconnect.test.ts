/**
 * A real discord.js client whose gateway connection the sandbox cuts: it tries to resume, is told
 * the session is invalid, and identifies again with a new session.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { startMiniBot, type MiniBot } from './mini-bot';
import { waitFor } from '../support/wait';

describe('sandbox gateway drop with a real discord.js client', function () {
  this.timeout(20_000);
  let sb: Sandbox;
  let bot: MiniBot;

  before(async () => {
    sb = await startSandbox();
    bot = await startMiniBot(sb, { file: () => '' });
  });
  after(async () => {
    await bot?.destroy();
    await sb?.stop();
  });

  it('refuses the resume and lets the client identify anew', async () => {
    const [first] = sb.sessions();
    assert.ok(first);
    const resumed = once(sb.events, 'resume');
    assert.equal(sb.dropGateway(first.id), true);
    assert.deepEqual(await resumed, [{ sessionId: first.id }]);
    const next = await waitFor('a new session', () => sb.sessions().find((s) => s.id !== first.id), { timeoutMs: 15_000 });
    assert.deepEqual(next.shard, [0, 1]);
    assert.equal(sb.sessions().length, 1);
    await waitFor('the client ready again', () => bot.client.ws.status === 0);
  });
});
