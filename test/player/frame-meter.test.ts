import { strict as assert } from 'node:assert';
import { FrameMeter } from '../../src/discord/frame-meter';

describe('player: frame meter', () => {
  function setup() {
    let now = 0;
    const seen = { frames: 0, late: 0, first: 0 };
    const meter = new FrameMeter({ onFrame: (late) => ((seen.frames += 1), (seen.late += late ? 1 : 0)), onFirstPacket: () => (seen.first += 1) }, () => now);
    let sends = true;
    const connection = { dispatchAudio: (): boolean | undefined => sends };
    meter.attach(connection);
    const tick = (ms: number): void => {
      now += ms;
      connection.dispatchAudio();
    };
    return { meter, seen, tick, setSends: (v: boolean) => (sends = v) };
  }

  it('counts sent frames, and frames over 40 ms after the previous one as late', () => {
    const { meter, seen, tick } = setup();
    meter.expectFirst();
    for (let i = 0; i < 10; i++) tick(20);
    tick(45);
    tick(20);
    assert.deepEqual(seen, { frames: 12, late: 1, first: 1 });
  });

  it('does not count dispatches that sent nothing, nor a gap after a pause or a new track', () => {
    const { meter, seen, tick, setSends } = setup();
    meter.expectFirst();
    tick(20);
    setSends(false);
    tick(20);
    setSends(true);
    meter.interrupt();
    tick(500);
    meter.expectFirst();
    tick(300);
    assert.deepEqual(seen, { frames: 3, late: 0, first: 2 });
  });
});
