// The resource watchdog through the whole daemon: real memory hogs, real CPU sets.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { projectsForThisFile, runAura, testEnv } from '../helpers/aura.js';

const makeProject = projectsForThisFile();

// Allocates the MB written in mem.txt (default 400), touches it so it is resident, holds it, then
// writes out.txt.
const HOG = `
const fs = require('fs');
const mb = fs.existsSync('mem.txt') ? Number(fs.readFileSync('mem.txt', 'utf8')) : 400;
const keep = [];
for (let i = 0; i < mb; i++) keep.push(Buffer.alloc(1024 * 1024, 1));
// A hog holds long enough for the watchdog to act even on a loaded machine; a small one finishes fast.
setTimeout(() => { fs.writeFileSync('out.txt', 'held ' + mb + ' MB\\n'); process.exit(0); }, mb > 100 ? 30000 : 500);
`;

// The "agent" that does the resource-fix subtask: it lowers the hog's memory, as a person would.
const FIXER = `require('fs').writeFileSync('mem.txt', '40'); console.log('lowered the memory to 40 MB');`;

const LIMITS = {
  AURA_WORKER_MAX_SYSTEM_MEMORY_GB: '0.2',
  AURA_WORKER_RESOURCE_POLL_SECONDS: '0.2',
  AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: '0.4',
  AURA_WORKER_RESOURCE_VIOLATION_STRIKES: '2',
  AURA_MAX_ATTEMPTS: '5',
};

describe('the watchdog under the daemon', () => {
  test('escalation end to end: kill → retry with guidance → kill → blocked + fix subtask → its outcome', async () => {
    const p = makeProject({
      'hog.js': HOG,
      'fixer.js': FIXER,
      'task.md': '# Hog\n\n- [ ] Hold memory\n  - id: hog\n  - run: `node hog.js`\n  - produces: `out.txt`\n',
    });
    const env = testEnv({
      ...LIMITS,
      AURA_LAYER2_BACKEND: 'custom',
      AURA_CUSTOM_WORKER_COMMAND: `${process.execPath} ${path.join(p.dir, 'fixer.js')}`,
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    const hog = st.tasks.hog!;
    assert.equal(hog.status, 'done');
    assert.equal(hog.attempts.length, 3);
    const [a1, a2, a3] = hog.attempts;
    for (const a of [a1, a2]) {
      assert.match(a?.stopReason ?? '', /^watchdog: /);
      assert.equal((a?.stopData as { limit?: string } | null)?.limit, 'memBytes');
    }
    assert.match(p.read(path.join('.aura', a2!.dir, 'task.md')), /stopped by the watchdog/, 'the retry is briefed with the figures');
    assert.equal(a3?.evidence?.passed, true);
    const fix = st.tasks['hog-fit-resources']!;
    assert.equal(fix.parent, 'hog');
    assert.equal(fix.status, 'done');
    assert.equal(fix.origin, 'aura');
    assert.match(fix.notes, /stopped by the resource watchdog twice/);
    const j = p.journal();
    const moves = j.filter((e) => e.task === 'hog' && e.kind === 'status').map((e) => e.to);
    assert.deepEqual(moves.filter((m) => m === 'blocked' || m === 'done'), ['blocked', 'done']);
    assert.ok(j.some((e) => e.kind === 'decision' && /watchdog: RSS averaged [\d.]+ MB over [\d.]+ s against a [\d.]+ MB limit; stopping hog/.test(e.msg)), 'the figures are journaled');
  });

  test('a third kill fails the task as infeasible; a worker under its limits beside it is never touched', async () => {
    const p = makeProject({
      'hog.js': HOG,
      'task.md': [
        '# Hogs (parallel)',
        '',
        '## Work (parallel)',
        '',
        '- [ ] Hold memory',
        '  - id: hog',
        '  - run: `node hog.js`',
        '',
        '- [ ] Stay small',
        '  - id: small',
        '  - run: `node -e "setTimeout(()=>require(\'fs\').writeFileSync(\'small.txt\',\'ok\'), 2000)"`',
        '  - produces: `small.txt`',
        '',
      ].join('\n'),
    });
    // A "fix" that changes nothing: the third run is killed too.
    const env = testEnv({ ...LIMITS, AURA_LAYER2_BACKEND: 'custom', AURA_CUSTOM_WORKER_COMMAND: `${process.execPath} -e 0` });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const st = p.state();
    assert.equal(st.tasks.small?.status, 'done');
    assert.equal(st.tasks.small?.attempts.length, 1);
    assert.equal(st.tasks.small?.attempts[0]?.stopReason, null, 'never stopped');
    assert.equal(st.tasks.hog?.status, 'failed');
    assert.equal(st.tasks.hog?.attempts.length, 3);
    assert.match(st.tasks.hog?.reason ?? '', /infeasible as specified: stopped by the watchdog 3 times/);
  });

  test('without a worker for the fix subtask, the task stays blocked and the subtask says why', async () => {
    const p = makeProject({ 'hog.js': HOG, 'task.md': '# Hog\n\n- [ ] Hold memory\n  - id: hog\n  - run: `node hog.js`\n' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ ...LIMITS, AURA_LAYER2_BACKEND: 'shell' }), timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const st = p.state();
    assert.equal(st.tasks.hog?.status, 'blocked');
    assert.equal(st.tasks.hog?.blockedBy, 'watchdog');
    assert.equal(st.tasks['hog-fit-resources']?.status, 'blocked');
    assert.match(st.tasks['hog-fit-resources']?.reason ?? '', /run:/);
  });

  test('two concurrent workers under a CPU ceiling get disjoint CPU sets', async () => {
    const show = (name: string) => `  - run: \`sleep 1; grep Cpus_allowed_list /proc/self/status > ${name}.cpus\`\n  - produces: \`${name}.cpus\`\n`;
    const p = makeProject({
      'task.md': `# Cores\n\n## Both (parallel)\n\n- [ ] A\n  - id: a\n${show('a')}\n- [ ] B\n  - id: b\n${show('b')}`,
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_WORKER_MAX_CPU_PERCENT: '50' }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const cpus = (f: string) => p.read(f).split(':')[1]!.trim();
    const a = cpus('a.cpus');
    const b = cpus('b.cpus');
    assert.notEqual(a, b, `a got ${a}, b got ${b}`);
    const expand = (list: string) =>
      list.split(',').flatMap((part) => {
        const [lo, hi] = part.split('-').map(Number);
        return Array.from({ length: (hi ?? lo!) - lo! + 1 }, (_, i) => lo! + i);
      });
    const overlap = expand(a).filter((c) => expand(b).includes(c));
    assert.deepEqual(overlap, [], 'disjoint');
  });

  test('cgroup scopes asked for where the machine has none: aura says why once and runs on sampling', async (t) => {
    const { detectCgroup } = await import('../../src/watchdog/index.js');
    if ((await detectCgroup()).available) return t.skip('this machine has cgroup v2 user scopes');
    const p = makeProject({ 'task.md': '# Scope\n\n- [ ] Run\n  - run: `echo ok > ok.txt`\n  - produces: `ok.txt`\n' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_WORKER_CGROUP_SCOPES: 'true', AURA_WORKER_MAX_SYSTEM_MEMORY_GB: '1' }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.match(/AURA_WORKER_CGROUP_SCOPES is on but unavailable here/g)?.length, 1);
    assert.ok(p.journal().some((e) => e.kind === 'daemon' && /unavailable here/.test(e.msg)));
  });
});
