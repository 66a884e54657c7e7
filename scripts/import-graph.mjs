#!/usr/bin/env node
// Import circles and oversized files in src/: the shape rules the team keeps (no module imports
// itself back through others; a file past ~300 lines is probably two). Prints what it finds and exits
// 1 when a rule is broken. Usage: node scripts/import-graph.mjs [--max-lines N]
// test/docs/shape.test.ts runs the same check; import-graph.d.mts gives it the types.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'src');
export const MAX_LINES = 300;

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Static imports (type-only ones too: they tie modules together just the same for a reader). */
export function importsOf(file, text) {
  const out = new Set();
  const re = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) out.add(path.resolve(path.dirname(file), m[1].replace(/\.js$/, '.ts')));
  return [...out];
}

/** Strongly connected components with more than one module (Tarjan). */
export function circles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Circles (paths relative to `root`) and files over `maxLines` lines ([path, lines]). */
export function check({ root = SRC, maxLines = MAX_LINES } = {}) {
  const files = walk(root);
  const graph = new Map();
  const long = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    graph.set(f, importsOf(f, text));
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > maxLines) long.push([path.relative(root, f), lines]);
  }
  return { circles: circles(graph).map((c) => c.map((f) => path.relative(root, f))), long };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const argMax = process.argv.indexOf('--max-lines');
  const maxLines = argMax > 0 ? Number(process.argv[argMax + 1]) : MAX_LINES;
  const r = check({ maxLines });
  for (const c of r.circles) console.log(`import circle: ${c.join(' ↔ ')}`);
  for (const [f, n] of r.long) console.log(`over ${maxLines} lines: ${f} (${n})`);
  process.exit(r.circles.length || r.long.length ? 1 : 0);
}
