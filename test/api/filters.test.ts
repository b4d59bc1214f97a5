/**
 * The REST API's filters routes against a hiqty child process and a real Redis: the same op as /filter,
 * the settings field written, refusals as 400 with what is allowed.
 */
import { strict as assert } from 'node:assert';
import { guildKeys } from '../../src/state';
import { useRedis } from '../support/redis';
import { Stage } from '../support/stage';
import { responderGuild } from '../responder/support';
import { apiClient, field, TOKEN, type Answer } from './support';

describe('REST API: filters', function () {
  this.timeout(60_000);
  const redis = useRedis();
  const g = responderGuild(8);
  const guild = g.spec.id;
  const keys = guildKeys(guild);
  let stage: Stage;
  let api: ReturnType<typeof apiClient>;

  const expect = (answer: Answer, status: number): Answer => {
    assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  };

  before(async () => {
    stage = await Stage.start(redis.current, { sandbox: { guilds: [g.spec] } });
    const bot = await stage.startBot({ HIQTY_API_TOKEN: TOKEN, HIQTY_API_RATE_LIMIT: '1000/10s' });
    api = apiClient(bot.httpPort);
  });
  after(() => stage.stop());
  Stage.dumpOnFailure(() => stage);

  it('PATCH applies one change through the op and writes the settings field; GET reads it back', async () => {
    const set = expect(await api('PATCH', `/guilds/${guild}/filters`, { body: { kind: 'preset', name: 'nightcore' } }), 200);
    assert.deepEqual(field(set.body, 'filters'), { nightcore: true });
    assert.equal(field(set.body, 'changed'), true);
    expect(await api('PATCH', `/guilds/${guild}/filters`, { body: { kind: 'band', band: 2, gain: -3 } }), 200);
    assert.equal(await stage.db.hget(keys.settings, 'filters'), '{"nightcore":true,"equalizer":[0,-3,0,0,0,0,0,0,0,0]}');
    const read = expect(await api('GET', `/guilds/${guild}/filters`), 200);
    assert.deepEqual(field(read.body, 'filters'), { nightcore: true, equalizer: [0, -3, 0, 0, 0, 0, 0, 0, 0, 0] });
    expect(await api('PATCH', `/guilds/${guild}/filters`, { body: { kind: 'off' } }), 200);
    assert.equal(await stage.db.hexists(keys.settings, 'filters'), 0);
  });

  it('refuses out-of-range values and unknown shapes with 400, in words, and writes nothing', async () => {
    const speed = expect(await api('PATCH', `/guilds/${guild}/filters`, { body: { kind: 'factor', which: 'speed', value: 4 } }), 400);
    assert.equal(field(speed.body, 'error'), 'filter-out-of-range');
    assert.equal(field(speed.body, 'detail'), 'The speed must be from 0.5 to 2 (1 is normal), not 4.');
    const bands = expect(await api('PATCH', `/guilds/${guild}/filters`, { body: { kind: 'bands', gains: '1 2 x' } }), 400);
    assert.equal(field(bands.body, 'error'), 'filter-bands-not-numbers');
    const shape = expect(await api('PATCH', `/guilds/${guild}/filters`, { body: { kind: 'preset', name: 'chipmunk' } }), 400);
    assert.equal(field(shape.body, 'error'), 'invalid-body');
    assert.equal(await stage.db.hexists(keys.settings, 'filters'), 0);
  });
});
