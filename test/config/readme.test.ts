// The README's configuration section must be what src/config/reference-cli.ts generates.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFIG_END, CONFIG_START, hasConfigMarkers, updateReadmeConfigSection } from '../../src/config/reference-cli.js';

const README = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');

test('README.md configuration section is in sync with src/config/schema.ts', () => {
  const text = readFileSync(README, 'utf8');
  assert.ok(hasConfigMarkers(text), `README.md must keep its ${CONFIG_START} … ${CONFIG_END} markers`);
  assert.equal(text, updateReadmeConfigSection(text), 'README.md is out of date; run: node --import tsx src/config/reference-cli.ts');
});

test('updateReadmeConfigSection replaces only what is between the markers and is idempotent', () => {
  const before = `# aura\n\nintro\n\n${CONFIG_START}\nstale table\n${CONFIG_END}\n\n## After\n`;
  const once = updateReadmeConfigSection(before);
  assert.ok(once.startsWith(`# aura\n\nintro\n\n${CONFIG_START}\n`));
  assert.ok(once.endsWith(`${CONFIG_END}\n\n## After\n`));
  assert.ok(!once.includes('stale table'));
  assert.ok(once.includes('| `AURA_CYCLE_INTERVAL` | `300` |'));
  assert.equal(updateReadmeConfigSection(once), once);
});

test('updateReadmeConfigSection refuses a README without both markers', () => {
  assert.throws(() => updateReadmeConfigSection('# aura\n'), /no <!-- config:start -->/);
  assert.throws(() => updateReadmeConfigSection(`${CONFIG_END}\n${CONFIG_START}\n`), /no <!-- config:start -->/);
});
