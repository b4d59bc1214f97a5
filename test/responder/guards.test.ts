/**
 * The guards in front of every handler, end to end (sandbox, real discord.js in a hiqty child process,
 * real Redis) with the default rate limit: a token bucket of 10, refilled 1 every 2 s.
 */
import { strict as assert } from 'node:assert';
import type { UserView } from '../../src/sandbox';
import { guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { assertEphemeralError, assertPublic, buttonIds, responderGuild } from './support';

const SLOW_DOWN = /^Slow down: you can run 10 commands in a row, then 1 every 2 seconds\. Try again in [12] seconds?\.$/;
const limited = (v: UserView): boolean => v.ephemeral && /^Slow down/.test(v.content);

describe('responder: the rate limit fits people, and unknown command names are refused kindly', function () {
  this.timeout(90_000);
  const redis = useRedis();
  const g = responderGuild(5);
  let stage: Stage;
  let long: string;
  const cmd = (user: string, name: string, options: Record<string, string | number | boolean> = {}) => stage.sandbox.command(g.spec.id, user, name, options);

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    // HIQTY_RATE_LIMIT unset: the default bucket.
    await stage.startBot();
    long = await stage.tone(330, 60_000);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('5 plays, then skip, pause and resume right after: all accepted', async () => {
    const answers: UserView[] = [];
    for (let i = 0; i < 5; i++) answers.push(await cmd(g.alice, 'play', { query: `${long}?n=${i}` }));
    answers.push(await cmd(g.alice, 'skip'), await cmd(g.alice, 'pause'), await cmd(g.alice, 'resume'));
    assert.deepEqual(answers.filter(limited).map((v) => v.content), [], 'nothing was refused');
    answers.slice(0, 5).forEach((v) => assertPublic(v, /Playing|Queued/));
    assertPublic(answers[5] ?? assert.fail(), /⏭️ Skipped/);
    assertPublic(answers[6] ?? assert.fail(), /⏸️ Paused/);
    assertPublic(answers[7] ?? assert.fail(), /▶️ Resumed/);
    assert.equal(await stage.db.llen(guildKeys(g.spec.id).playlist), 4);
  });

  it('a burst of 30 at once: about 10 are answered, the rest are refused privately with the wait named', async () => {
    // bob is not in voice: each /pause is a denial, but it is a control and costs a token all the same.
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 30 }, () => cmd(g.bob, 'pause')));
    // Tokens come back while the burst is answered (1 per 2 s): a busy machine may take longer and refill more.
    const refills = Math.ceil((Date.now() - started) / 2000);
    const refused = answers.filter(limited);
    const answered = answers.length - refused.length;
    assert.ok(answered >= 10 && answered <= 10 + refills, `${answered} answered in ${Date.now() - started} ms, expected the burst of 10 and at most ${refills} refilled`);
    assert.ok(refused.length > 0, 'the burst was limited');
    for (const v of refused) assertEphemeralError(v, SLOW_DOWN);
    for (const v of answers.filter((a) => !limited(a))) assertEphemeralError(v, /voice channel/);
  });

  it('read-only commands (/queue, /nowplaying, queue page buttons) are never counted, also with an empty bucket', async () => {
    await stage.play(Array.from({ length: 12 }, (_, i) => `${long}?q=${i}`), g.spec);
    for (let i = 0; i < 5; i++) {
      const queue = await cmd(g.carol, 'queue');
      assertPublic(queue, /Page 1\/\d+/);
      assert.ok(buttonIds(queue.components).includes('queue:page:2'));
      const turned = await stage.sandbox.press(g.spec.id, g.carol, queue.messageId ?? assert.fail('no message'), 'queue:page:2');
      assert.match(turned.content, /Page 2\//);
      assertPublic(await cmd(g.carol, 'nowplaying'), /Requested by/);
    }
    // 15 read-only interactions so far: the whole burst is still there.
    const controls = [];
    for (let i = 0; i < 10; i++) controls.push(await cmd(g.carol, 'skip'));
    assert.deepEqual(controls.filter(limited).map((v) => v.content), [], 'the 10 controls after 15 read-only commands were all answered');
    assertEphemeralError(await cmd(g.carol, 'skip'), SLOW_DOWN);
    assertPublic(await cmd(g.carol, 'queue'), /Page 1\//);
    assertPublic(await cmd(g.carol, 'nowplaying'), /Requested by/);
  });

  it('command names that are Object.prototype keys get the friendly answer, and the bot carries on', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      assertEphemeralError(await cmd(g.dave, name), /I do not know that command or button any more/);
    }
    assertPublic(await cmd(g.dave, 'queue'), /Page 1\//);
    assert.equal(stage.bots[0]?.proc.lines.filter((l) => l.msg === 'handler failed' || l.msg === 'could not answer an interaction').length, 0);
  });
});
