import { readFileSync, writeFileSync } from 'node:fs';

const [src, out] = process.argv.slice(2);
const counts = JSON.parse(readFileSync(src, 'utf8'));
const top = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 20);
const rows = top.map(([w, n], i) => `| ${i + 1} | ${w} | ${n} |`);
writeFileSync(out, ['| # | word | count |', '|---|---|---|', ...rows].join('\n') + '\n');
console.log(`top word: ${top[0]?.[0]}`);
