import { strict as assert } from 'node:assert';
import { playerHint } from '../../controllers/player/hints';

describe('player: which keyspace notifications wake it', () => {
  const g = '123456789012345678';
  it('wakes on changes to desired state', () => {
    for (const kind of ['playlist', 'state', 'channel', 'settings', 'text_channel']) {
      assert.equal(playerHint(`hiqty:server:${g}:${kind}`, 'set'), g, kind);
    }
  });
  it('wakes when a lock goes away or is set (claimed or overwritten), not when it is renewed', () => {
    assert.equal(playerHint(`hiqty:server:${g}:player_lock`, 'del'), g);
    assert.equal(playerHint(`hiqty:server:${g}:player_lock`, 'expired'), g);
    assert.equal(playerHint(`hiqty:server:${g}:player_lock`, 'set'), g);
    assert.equal(playerHint(`hiqty:server:${g}:player_lock`, 'expire'), undefined);
    assert.equal(playerHint(`hiqty:server:${g}:player_lock`, 'pexpire'), undefined);
  });
  it("ignores the owner's own routine writes and foreign keys", () => {
    assert.equal(playerHint(`hiqty:server:${g}:status`, 'set'), undefined);
    assert.equal(playerHint(`hiqty:server:${g}:epoch`, 'incrby'), undefined);
    assert.equal(playerHint(`hiqty:server:${g}:quarantine`, 'rpush'), undefined);
    assert.equal(playerHint('hiqty:guilds', 'sadd'), undefined);
    assert.equal(playerHint('other:key', 'set'), undefined);
  });
});
