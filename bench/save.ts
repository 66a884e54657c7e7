// 2. task.md save → cycle start, with a sleeping daemon (interval 3600, all tasks done).
//
// Each trial adds a harmless HTML comment line at the end of task.md (no task changes), either
// written in place (append) or editor-style (write a temp file, rename it over task.md), and
// measures from just before the write to the `ts` of the next journal 'wake' entry whose msg
// includes 'task file saved'. After each trial the bench waits out the debounce and chokidar's
// atomic window and counts any further 'task file saved' wakes (a save seen twice).
// A third series repeats the in-place append on a daemon with AURA_TASKFILE_DEBOUNCE_MS=0, to show
// how much of the figure is the debounce.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DONE_TASK_FILE, sleep, sleepingDaemon, type BenchOptions, type RunningDaemon } from './harness.js';
import { dist, type Section } from './report.js';

type Mode = 'append' | 'rename';

const SETTLE_MS = 400; // > debounce (100 ms) + chokidar's atomic window (100 ms), with margin

async function trial(d: RunningDaemon, mode: Mode, i: number): Promise<{ ms: number; extra: number }> {
  const file = d.project.file('task.md');
  d.journal.poll();
  const after = d.journal.lastSeq;
  const line = `<!-- bench ${mode} ${i} -->\n`;
  const t0 = Date.now();
  if (mode === 'append') {
    appendFileSync(file, line);
  } else {
    const tmp = `${file}.bench-tmp`;
    writeFileSync(tmp, readFileSync(file, 'utf8') + line);
    renameSync(tmp, file);
  }
  const saved = (e: { seq: number; kind: string; msg: string }) => e.seq > after && e.kind === 'wake' && e.msg.includes('task file saved');
  const e = await d.journal.waitFor(`'task file saved' wake after ${mode} save ${i}`, saved, 10_000);
  await sleep(SETTLE_MS);
  d.journal.poll();
  const extra = d.journal.entries.filter((x) => x.seq > e.seq && saved(x)).length;
  return { ms: Date.parse(e.ts) - t0, extra };
}

async function series(d: RunningDaemon, modes: Mode[], trials: number): Promise<{ ms: Record<Mode, number[]>; extra: Record<Mode, number> }> {
  const ms: Record<Mode, number[]> = { append: [], rename: [] };
  const extra: Record<Mode, number> = { append: 0, rename: 0 };
  for (const m of modes) await trial(d, m, -1); // warm-up
  for (let i = 0; i < trials; i++) {
    for (const m of modes) {
      const r = await trial(d, m, i);
      ms[m].push(r.ms);
      extra[m] += r.extra;
    }
  }
  return { ms, extra };
}

/** Status changes since the daemon went to sleep: an edit that changes no task must cause none. */
function statusChanges(d: RunningDaemon, fromSeq: number): number {
  d.journal.poll();
  return d.journal.entries.filter((e) => e.seq > fromSeq && e.kind === 'status').length;
}

export async function benchSave(o: BenchOptions): Promise<Section> {
  const notes: string[] = [];
  const d = await sleepingDaemon(DONE_TASK_FILE);
  let main;
  try {
    const seq0 = d.journal.lastSeq;
    main = await series(d, ['append', 'rename'], o.trials);
    const changes = statusChanges(d, seq0);
    if (changes) notes.push(`unexpected: ${changes} task status change(s) after comment-only saves`);
  } finally {
    await d.stop();
  }
  const d0 = await sleepingDaemon(DONE_TASK_FILE, { AURA_TASKFILE_DEBOUNCE_MS: '0' });
  let nodebounce;
  try {
    nodebounce = await series(d0, ['append'], o.trials);
  } finally {
    await d0.stop();
  }
  for (const [what, n] of [
    ['in-place append', main.extra.append],
    ['rename save', main.extra.rename],
    ['in-place append with debounce 0', nodebounce.extra.append],
  ] as const) {
    if (n) notes.push(`${what}: ${n} extra 'task file saved' wake(s) over ${o.trials} saves (one save seen twice)`);
  }
  notes.push("the ts of the 'wake' entry is the cycle's commit, a few ms after the cycle starts (it reads and hashes task.md first).");
  return {
    title: '2. task.md save → cycle start',
    rows: [
      dist('save: in-place append → wake ts', main.ms.append, 'p95 < 500'),
      dist('save: rename (tmp + rename) → wake ts', main.ms.rename, 'p95 < 500'),
      dist('save: in-place append, debounce 0 → wake ts', nodebounce.ms.append),
    ],
    notes,
  };
}
