// Preloaded into the endurance measurement's daemon (NODE_OPTIONS=--import, with --expose-gc): every
// BENCH_MEMORY_EVERY_S seconds (default 60) a full GC, then process.memoryUsage() appended to
// BENCH_MEMORY_LOG as one JSON line. heapUsed right after a full GC is what the JS heap really holds:
// a slope there is a leak, while RSS alone also moves with V8's code space warming up and with the
// allocator (glibc arenas, heap pages kept for reuse), which settle rather than grow.
//
// Plain JavaScript on purpose: it runs inside the built daemon, which has no TypeScript loader.
// Only the daemon itself measures; a worker that inherits NODE_OPTIONS (aura's runner) does nothing.
import { appendFileSync } from 'node:fs';
import path from 'node:path';

const log = process.env.BENCH_MEMORY_LOG;
const main = process.argv[1] ?? '';
const everyMs = Number(process.env.BENCH_MEMORY_EVERY_S ?? '60') * 1000;

if (log && typeof globalThis.gc === 'function' && path.basename(main) === 'aura.js' && everyMs > 0) {
  const sample = () => {
    globalThis.gc();
    const m = process.memoryUsage();
    const line = { at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
    appendFileSync(log, `${JSON.stringify(line)}\n`);
  };
  setInterval(sample, everyMs).unref();
}
