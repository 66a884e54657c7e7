// Writes a deterministic pseudo-random corpus (no network, no dependencies).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const out = process.argv[2];
const words = 'river stone light cedar orbit quiet signal harbor ember meadow lantern copper thread summit willow echo'.split(' ');
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const lines = [];
for (let i = 0; i < 400; i++) {
  const n = 5 + Math.floor(rand() * 10);
  lines.push(Array.from({ length: n }, () => words[Math.floor(rand() ** 1.7 * words.length)]).join(' '));
}
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${lines.length} lines to ${out}`);
