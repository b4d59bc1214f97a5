import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { HIQTY_NODE_OPTIONS } from '../app/node-options';
import { CONFIG_DOCS } from '../src/config';

const ROOT = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const envExample = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
const documented = Object.entries(CONFIG_DOCS);

describe('documentation stays true to the code', () => {
  it('.env.example lists every variable, and only those', () => {
    const listed = [...envExample.matchAll(/^# ([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    assert.deepEqual([...listed].sort(), documented.map(([name]) => name).sort());
  });

  it('the README configuration table has every variable with its default', () => {
    for (const [name, doc] of documented) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      assert.ok(row, `README has no configuration row for ${name}`);
      assert.ok(row.includes(doc.default), `README row for ${name} does not state its default ${doc.default}`);
    }
  });

  it('the image, make run and the bench start the bot with the same node options', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const makefile = readFileSync(path.join(ROOT, 'Makefile'), 'utf8');
    assert.match(dockerfile, new RegExp(`^\\s+NODE_OPTIONS=${HIQTY_NODE_OPTIONS} `, 'm'));
    assert.match(makefile, new RegExp(`^\\tnode ${HIQTY_NODE_OPTIONS} dist/app/bin/hiqty\\.js run$`, 'm'));
  });

  it("every image the README shows is in the repository (the dashboard's screenshots)", () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '').filter((src) => !/^https?:/.test(src));
    for (const src of images) assert.ok(existsSync(path.join(ROOT, src)), `README shows ${src}, which is not in the repository`);
  });

  it('the README shows the two commands', () => {
    assert.match(readme, /make run/);
    assert.match(readme, /make test/);
  });
});
