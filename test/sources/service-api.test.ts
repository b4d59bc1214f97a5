/** What the metadata sources share (src/sources/service-api): Retry-After, the wait budget, list outcomes, artists. */
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock';
import { capSkipped, joinArtists, listOutcome } from '../../src/sources/service-api/lists';
import { honouringRateLimits, retryAfterMs, WaitBudget } from '../../src/sources/service-api/rate-limit';

describe('service-api: what the metadata sources share', () => {
  it('reads Retry-After as seconds or as an HTTP date, and nothing else', () => {
    const now = Date.parse('2026-05-06T07:08:09Z');
    assert.equal(retryAfterMs('3', now), 3000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
    assert.equal(retryAfterMs('Wed, 06 May 2026 07:08:19 GMT', now), 10_000);
    assert.equal(retryAfterMs('Wed, 06 May 2026 07:08:00 GMT', now), 0, 'a date already past is no wait');
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });

  it('waits as asked while the budget lasts, on the clock it is given, then says it is rate limited', async () => {
    const clock = new ManualClock();
    const answers = [2000, 2000, undefined];
    let sent = 0;
    const done = honouringRateLimits(async () => answers[sent++], (a) => a, { clock, budget: new WaitBudget(5000) });
    await clock.advance(4000);
    assert.equal(await done, undefined, 'the third answer asked no wait');
    assert.equal(sent, 3);

    let asked = 0;
    const limited = await honouringRateLimits(async () => asked++, () => 6000, { clock, budget: new WaitBudget(5000) });
    assert.deepEqual(limited, { kind: 'rate-limited', askedMs: 6000 });
    assert.equal(asked, 1, 'a wait that does not fit is not waited');
  });

  it('stops waiting when the resolution is cancelled', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const done = honouringRateLimits(async () => 'busy', () => 1000, { clock, budget: new WaitBudget(10_000), signal: controller.signal });
    await clock.advance(10);
    controller.abort();
    assert.deepEqual(await done, { kind: 'cancelled' });
  });

  it('makes a list outcome: tracks, an empty list, or a list with nothing playable', () => {
    const playlist = { url: 'https://example.invalid/p', title: 'P' };
    const track = { url: 'https://example.invalid/t', title: 'T', source: 'deezer' as const };
    assert.deepEqual(listOutcome('the playlist "P"', playlist, [track], []), { kind: 'tracks', tracks: [track], playlist });
    assert.deepEqual(listOutcome('the playlist "P"', playlist, [], []), { kind: 'empty', what: 'the playlist "P"' });
    assert.deepEqual(listOutcome('the playlist "P"', playlist, [], [{ title: 'x', reason: 'a podcast episode' }]), { kind: 'unavailable', reason: 'None of the 1 entries of the playlist "P" can be played (a podcast episode)' });
    assert.deepEqual(capSkipped(1, 1000), { title: '1 more track', reason: 'hiqty takes the first 1000 tracks of a playlist' });
  });

  it('joins artists with ", ", once each, leaving out empty names', () => {
    assert.equal(joinArtists(['A', ' B ', 'A', '', null, undefined]), 'A, B');
    assert.equal(joinArtists([]), undefined);
  });
});
