import { readFileSync, writeFileSync } from 'node:fs';

const [top, statsFile, out] = process.argv.slice(2);
const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
const report = [
  '# Word-frequency report',
  '',
  `${stats.lines} lines, ${stats.words} words, ${stats.distinct} distinct (mean ${stats.meanWordsPerLine} words per line).`,
  '',
  '## Top words',
  '',
  readFileSync(top, 'utf8').trim(),
  '',
].join('\n');
writeFileSync(out, report);
console.log(`wrote ${out}`);
