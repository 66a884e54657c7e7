#!/usr/bin/env node
// The example agent mission's verify commands: aura runs them after the agent says it finished.
// `node check.mjs module <file>`: the module counts words as task.md asks.
// `node check.mjs tests <file>`: the test file uses node:test and has at least four tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, file] = process.argv.slice(2);
const fail = (msg) => {
  console.error(`check ${mode}: ${msg}`);
  process.exit(1);
};
if (!file) fail('usage: node check.mjs module|tests <file>');

if (mode === 'module') {
  const { countWords } = await import(pathToFileURL(path.resolve(file)).href);
  if (typeof countWords !== 'function') fail(`${file} does not export countWords`);
  const cases = [
    ['', {}],
    ['The the THE', { the: 3 }],
    ["It's a dog's life, isn't it?", { "it's": 1, a: 1, "dog's": 1, life: 1, "isn't": 1, it: 1 }],
    ['a1 b2--a1\n\tC3', { a1: 2, b2: 1, c3: 1 }],
    ['Über über straße', { über: 2, straße: 1 }],
  ];
  for (const [text, want] of cases) {
    const got = countWords(text);
    if (!(got instanceof Map)) fail(`countWords(${JSON.stringify(text)}) did not return a Map`);
    const g = JSON.stringify(Object.fromEntries([...got].sort()));
    const w = JSON.stringify(Object.fromEntries(Object.entries(want).sort()));
    if (g !== w) fail(`countWords(${JSON.stringify(text)}) = ${g}, expected ${w}`);
  }
  console.log(`check module: ${cases.length} cases pass`);
} else if (mode === 'tests') {
  const text = readFileSync(file, 'utf8');
  if (!/node:test/.test(text)) fail(`${file} does not use node:test`);
  if (!/wordcount\.mjs/.test(text)) fail(`${file} does not import wordcount.mjs`);
  const n = (text.match(/\b(?:test|it)\s*\(/g) ?? []).length;
  if (n < 4) fail(`${file} has ${n} tests; the task asks for at least four`);
  console.log(`check tests: ${n} tests`);
} else {
  fail(`unknown mode ${mode}`);
}
