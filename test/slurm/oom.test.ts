// Resource ends of Slurm jobs through the whole daemon: a job over its --mem ends OUT_OF_MEMORY (or,
// on a cluster without cgroups, is killed by slurmstepd) and follows the watchdog's escalation; a job
// over the CPU limit is stopped by aura's own sstat watchdog and escalated the same way.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { projectsForThisFile, runAura, type Project } from '../helpers/aura.js';
import { cancelRun, jobsOfRun, NO_SLURM, slurmEnv } from './helpers.js';

const project = projectsForThisFile();
let current: Project | null = null;
afterEach(() => {
  if (current?.exists('.aura/state/state.json')) cancelRun(current.state().runId);
  current = null;
});

// Grows to the MB in mem.txt (default 400) in 20 MB steps, holds it, then writes out.txt.
const HOG = `
const fs = require('fs');
const mb = fs.existsSync('mem.txt') ? Number(fs.readFileSync('mem.txt', 'utf8')) : 400;
const keep = [];
const grow = setInterval(() => {
  if (keep.length * 20 >= mb) {
    clearInterval(grow);
    setTimeout(() => { fs.writeFileSync('out.txt', 'held ' + mb + ' MB\\n'); process.exit(0); }, 1000);
    return;
  }
  keep.push(Buffer.alloc(20 * 1024 * 1024, 1));
}, 100);
`;
// The "agent" that does the resource-fix subtask (in a Slurm job too): it lowers the hog's memory.
const FIXER = `require('fs').writeFileSync('mem.txt', '20'); console.log('lowered the memory to 20 MB');`;

describe('a Slurm job over its memory', { skip: NO_SLURM }, () => {
  test('ends OUT_OF_MEMORY and follows the watchdog escalation: retry with guidance → blocked + fix subtask → done', async () => {
    const p = (current = project({
      'hog.js': HOG,
      'fixer.js': FIXER,
      'task.md': '# Hog\n\n- [ ] Hold memory\n  - id: hog\n  - run: `node hog.js`\n  - mem: 150M\n  - produces: `out.txt`\n',
    }));
    const env = slurmEnv({ AURA_MAX_ATTEMPTS: '5', AURA_LAYER2_BACKEND: 'custom', AURA_CUSTOM_WORKER_COMMAND: `${process.execPath} ${path.join(p.dir, 'fixer.js')}` });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    const hog = st.tasks.hog!;
    assert.equal(hog.status, 'done');
    assert.equal(hog.attempts.length, 3);
    const [a1, a2, a3] = hog.attempts;
    for (const a of [a1!, a2!]) {
      const v = a.stopData as { limit?: string; limitValue?: number; slurmState?: string } | null;
      assert.equal(a.outcome, 'killed');
      assert.match(a.stopReason ?? '', /^watchdog: Slurm ended the job (OUT_OF_MEMORY|for exceeding its memory limit) .*against its 150 MB --mem$/);
      assert.equal(v?.limit, 'memBytes');
      assert.equal(v?.limitValue, 150 * 2 ** 20);
      // cgroups (where the machine allows them) say OUT_OF_MEMORY; jobacct_gather's kill says FAILED.
      assert.ok(v?.slurmState === 'OUT_OF_MEMORY' || v?.slurmState === 'FAILED', String(v?.slurmState));
    }
    assert.match(p.read(path.join('.aura', a2!.dir, 'task.md')), /stopped by the watchdog: Slurm ended the job/, 'the retry is briefed with the figure');
    assert.equal(a3?.evidence?.passed, true);
    const fix = st.tasks['hog-fit-resources']!;
    assert.equal(fix.status, 'done');
    assert.ok(fix.attempts[0]?.job?.id, 'the fix subtask ran as a Slurm job too');
    const moves = p.journal().filter((e) => e.task === 'hog' && e.kind === 'status').map((e) => e.to);
    assert.deepEqual(moves.filter((m) => m === 'blocked' || m === 'done'), ['blocked', 'done']);
    const states = jobsOfRun(st.runId).filter((j) => /-hog-\d+$/.test(j.name)).map((j) => j.state);
    assert.equal(states.length, 3);
    assert.equal(states.filter((s) => s === 'COMPLETED').length, 1);
  });
});

// Busy for a minute on the first attempt; on the retry (marker file present) it finishes at once.
const SPIN = `if [ -f tried ]; then echo ok > out.txt; else touch tried; node -e "const t=Date.now(); while (Date.now()-t < 60000);"; fi`;

describe("a Slurm job over the CPU limit (aura's sstat watchdog)", { skip: NO_SLURM }, () => {
  test('is cancelled on the sstat figures and retried with guidance, like a local worker', async () => {
    const p = (current = project({ 'task.md': `# Spin\n\n- [ ] Spin\n  - id: spin\n  - cpus: 1\n  - run: \`${SPIN}\`\n  - produces: \`out.txt\`\n` }));
    const env = slurmEnv({
      AURA_WORKER_MAX_CPU_PERCENT: '50',
      AURA_WORKER_RESOURCE_POLL_SECONDS: '1',
      AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: '3',
      AURA_WORKER_RESOURCE_VIOLATION_STRIKES: '2',
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const spin = p.state().tasks.spin!;
    assert.equal(spin.status, 'done');
    assert.equal(spin.attempts.length, 2);
    const a1 = spin.attempts[0]!;
    assert.match(a1.stopReason ?? '', /^watchdog: CPU averaged [\d.]+% of its 1 allocated CPU over 3 s against a 50% limit \(sstat of job \d+\)$/);
    assert.equal((a1.stopData as { limit?: string } | null)?.limit, 'cpuPercent');
    assert.match(p.read(path.join('.aura', spin.attempts[1]!.dir, 'task.md')), /stopped by the watchdog: CPU averaged/);
    const states = jobsOfRun(p.state().runId).map((j) => j.state);
    assert.deepEqual(states.sort(), ['CANCELLED', 'COMPLETED'], 'the first was cancelled by aura (scancel)');
  });
});
