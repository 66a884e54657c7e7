// Keeps the README's configuration table generated from SETTINGS, between two markers.
// Usage: node --import tsx src/config/reference-cli.ts [--check] [README.md]
//   without --check: rewrites the section in place; with --check: exits 1 if it is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AuraError } from '../util/errors.js';
import path from 'node:path';
import { renderConfigReference, renderEnvExample } from './show.js';

export const CONFIG_START = '<!-- config:start -->';
export const CONFIG_END = '<!-- config:end -->';

export function hasConfigMarkers(readme: string): boolean {
  const start = readme.indexOf(CONFIG_START);
  return start !== -1 && readme.indexOf(CONFIG_END, start) !== -1;
}

/** The README with everything between the markers replaced by the generated reference. */
export function updateReadmeConfigSection(readme: string): string {
  const start = readme.indexOf(CONFIG_START);
  const end = start === -1 ? -1 : readme.indexOf(CONFIG_END, start);
  if (start === -1 || end === -1) {
    throw new AuraError('INTERNAL', `README has no ${CONFIG_START} … ${CONFIG_END} section`, 'add both markers where the table belongs');
  }
  const generated = `\n<!-- generated from src/config/schema.ts by src/config/reference-cli.ts; do not edit by hand -->\n\n${renderConfigReference()}\n\n`;
  return readme.slice(0, start + CONFIG_START.length) + generated + readme.slice(end);
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const file = argv.find((a) => !a.startsWith('--')) ?? 'README.md';
  const envFile = path.join(path.dirname(file), '.env.example');
  const env = renderEnvExample();
  if (!check && readFileSync(envFile, 'utf8') !== env) {
    writeFileSync(envFile, env);
    console.log(`${envFile}: updated`);
  }
  const before = readFileSync(file, 'utf8');
  const after = updateReadmeConfigSection(before);
  if (after === before) return 0;
  if (check) {
    console.error(`${file}: configuration section is out of date; run: node --import tsx src/config/reference-cli.ts`);
    return 1;
  }
  writeFileSync(file, after);
  console.log(`${file}: configuration section updated`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
