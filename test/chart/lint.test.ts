import { strict as assert } from 'node:assert';
import { CHART, PRODUCTION_VALUES, helm } from './helm';

describe('chart: helm lint (the real helm binary)', () => {
  it('passes with the default values', async () => {
    const result = await helm(['lint', CHART]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('passes --strict with the production-like values', async () => {
    const result = await helm(['lint', '--strict', CHART, '--values', PRODUCTION_VALUES]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('fails on values the schema rejects', async () => {
    const result = await helm(['lint', CHART, '--set', 'replicaCount=three']);
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /replicaCount/);
  });
});
