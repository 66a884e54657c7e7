import { readFileSync, writeFileSync } from 'node:fs';

const [src, out] = process.argv.slice(2);
const lines = readFileSync(src, 'utf8').split('\n').filter(Boolean);
const words = lines.flatMap((l) => l.split(' '));
const stats = {
  lines: lines.length,
  words: words.length,
  distinct: new Set(words).size,
  meanWordsPerLine: Number((words.length / lines.length).toFixed(2)),
};
writeFileSync(out, JSON.stringify(stats, null, 2) + '\n');
console.log(JSON.stringify(stats));
