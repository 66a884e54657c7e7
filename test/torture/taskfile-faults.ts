// The task file: property-based fuzzing of the parser (fast-check, in a worker thread so a hang is
// caught), and pathological files through the real CLI (binary, CRLF, BOM, 50 MB, deep nesting,
// duplicate ids, dependency cycles, UTF-16, a FIFO): always a result or a clear error (exit 2,
// naming the file, nothing written), never a crash or a hang.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { auraRun, crashed, short, type Ctx, type FaultKind, type Project } from './common.js';
import { checkAfterFault } from './invariants.js';

const parserFuzz: FaultKind = {
  name: 'taskfile-fuzz',
  family: 'taskfile',
  what: 'fast-check: random Markdown, graphemes, binary, CRLF/CR, BOM, deep nesting, duplicate ids and cycles into the parser and reader',
  timeoutMs: 120_000,
  async run(ctx) {
    const seed = ctx.rand.int(0, 2 ** 31 - 1);
    const numRuns = 300;
    const worker = new Worker(new URL('./parse-worker.mjs', import.meta.url), { workerData: { seed, numRuns } });
    const limitMs = 90_000;
    const result = await new Promise<{ ok: boolean; runs: number; message?: string } | null>((resolve) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        resolve(null);
      }, limitMs);
      worker.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as { ok: boolean; runs: number; message?: string });
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        resolve({ ok: false, runs: 0, message: `the parse worker crashed: ${err.stack ?? err.message}` });
      });
    });
    await worker.terminate();
    if (result === null) ctx.violate(`the parser hung: no result within ${limitMs} ms (fast-check seed ${seed})`);
    else if (!result.ok) ctx.violate(`parser property failed after ${result.runs} inputs (fast-check seed ${seed}): ${result.message}`);
    else ctx.note(`${result.runs} inputs, fast-check seed ${seed}`);
  },
};

const OK_TASKS = (eol: string) => ['# Fine', '', '- [ ] One', '  - id: one', '  - run: `echo 1 > one.txt`', '  - produces: `one.txt`', ''].join(eol);

interface FileCase {
  name: string;
  /** Writes task.md (or whatever is at that path) into the project. */
  make(p: Project, ctx: Ctx): void;
  /** Expected exit code. */
  expect: number;
}

const CASES: FileCase[] = [
  { name: 'binary', expect: 2, make: (p, ctx) => writeFileSync(p.file('task.md'), Buffer.from(Array.from({ length: ctx.rand.int(1, 5000) }, (_, i) => (i === 3 ? 0 : ctx.rand.int(0, 255))))) },
  { name: 'CRLF', expect: 0, make: (p) => p.write('task.md', OK_TASKS('\r\n')) },
  { name: 'BOM', expect: 0, make: (p) => p.write('task.md', `\uFEFF${OK_TASKS('\n')}`) },
  {
    name: '50 MB',
    expect: 2,
    make: (p, ctx) => {
      // A real 50 MB file of plausible Markdown (sparse would be all NULs and fail as binary first).
      const line = `- [ ] Task ${'x'.repeat(ctx.rand.int(10, 60))}\n`;
      const chunk = Buffer.from(`# Huge\n${line.repeat(Math.ceil((1 << 20) / line.length))}`);
      const fd = openSync(p.file('task.md'), 'w');
      for (let i = 0; i < 50; i++) writeFileSync(fd, chunk);
      closeSync(fd);
    },
  },
  {
    name: 'deep nesting',
    expect: 2,
    make: (p, ctx) => {
      const depth = ctx.rand.int(9, 400);
      p.write('task.md', ['# Deep', ...Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- [ ] level ${i}`)].join('\n'));
    },
  },
  { name: 'duplicate ids', expect: 2, make: (p) => p.write('task.md', ['# Dup', '- [ ] A', '  - id: same', '  - run: `true`', '- [ ] B', '  - id: same', '  - run: `true`'].join('\n')) },
  {
    name: 'dependency cycle',
    expect: 2,
    make: (p, ctx) => {
      const n = ctx.rand.int(1, 6);
      const lines = ['# Cycle'];
      for (let i = 0; i < n; i++) lines.push(`- [ ] T${i}`, `  - id: t${i}`, `  - needs: t${(i + 1) % n}`, '  - run: `true`');
      p.write('task.md', lines.join('\n'));
    },
  },
  { name: 'UTF-16', expect: 2, make: (p) => writeFileSync(p.file('task.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(OK_TASKS('\n'), 'utf16le')])) },
  {
    name: 'FIFO',
    expect: 2,
    make: (p) => execFileSync('mkfifo', [p.file('task.md')]),
  },
  {
    name: 'just over 1 MiB',
    expect: 2,
    make: (p) => {
      const fd = openSync(p.file('task.md'), 'w');
      writeFileSync(fd, '# Big\n- [ ] x\n');
      ftruncateSync(fd, 1024 * 1024 + 1);
      closeSync(fd);
    },
  },
];

const cliFiles: FaultKind = {
  name: 'taskfile-cli',
  family: 'taskfile',
  what: `pathological task files through the real CLI: ${CASES.map((c) => c.name).join(', ')}`,
  timeoutMs: 180_000,
  async run(ctx) {
    for (const c of CASES) {
      const p = ctx.project();
      c.make(p, ctx);
      const t0 = Date.now();
      const r = await auraRun(['task.md', '--exit-when-done'], { cwd: p.dir, env: ctx.env(), timeoutMs: 30_000 });
      ctx.note(`${c.name}: exit ${r.code} in ${Date.now() - t0} ms`);
      if (r.code !== c.expect) ctx.violate(`task file "${c.name}": exit ${r.code ?? 'none (hung)'}, expected ${c.expect}:\n${short(r, 600)}`);
      const trace = crashed(r.stdout + r.stderr);
      if (trace) ctx.violate(`task file "${c.name}": stack trace: ${trace}`);
      if (c.expect === 2) {
        if (!/task\.md/.test(r.stderr + r.stdout)) ctx.violate(`task file "${c.name}": the message does not name the file:\n${short(r, 600)}`);
        if (existsSync(p.file('.aura'))) ctx.violate(`task file "${c.name}": .aura was written for a file that was refused`);
      } else {
        checkAfterFault(ctx, p.dir, null, `task file "${c.name}"`, { clean: true });
      }
    }
  },
};

export const TASKFILE_FAULTS: FaultKind[] = [parserFuzz, cliFiles];
