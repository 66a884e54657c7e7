// The verify steps: each exits non-zero, saying why, when the artifact is not right.
import { readFileSync } from 'node:fs';

const [kind, file, arg] = process.argv.slice(2);
const fail = (msg) => {
  console.error(`check ${kind} ${file}: ${msg}`);
  process.exit(1);
};
const text = readFileSync(file, 'utf8');
if (kind === 'lines') {
  const n = text.split('\n').filter(Boolean).length;
  if (n < Number(arg)) fail(`expected at least ${arg} lines, found ${n}`);
} else if (kind === 'counts') {
  const counts = JSON.parse(text);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (Object.keys(counts).length < 5 || total < 1000) fail(`implausible counts: ${Object.keys(counts).length} words, ${total} total`);
} else if (kind === 'stats') {
  const s = JSON.parse(text);
  for (const k of ['lines', 'words', 'distinct', 'meanWordsPerLine']) if (typeof s[k] !== 'number') fail(`missing ${k}`);
} else if (kind === 'report') {
  if (!text.startsWith('# Word-frequency report') || !text.includes('| 1 |')) fail('report lacks its heading or its table');
} else fail(`unknown check kind ${kind}`);
console.log(`check ${kind} ${file}: ok`);
