import { readFileSync, writeFileSync } from 'node:fs';

const [src, out] = process.argv.slice(2);
const counts = {};
for (const w of readFileSync(src, 'utf8').split(/\s+/).filter(Boolean)) counts[w] = (counts[w] ?? 0) + 1;
writeFileSync(out, JSON.stringify(counts, null, 2) + '\n');
console.log(`counted ${Object.keys(counts).length} distinct words`);
