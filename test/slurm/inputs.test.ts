// Bad input for the Slurm executor gets a clear message that names the thing and says what to do:
// task keys at parse time, settings and a missing sbatch when a task would be submitted. None of
// these needs a Slurm.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultConfig } from '../../src/config/schema.js';
import { executorProblem } from '../../src/executors/problems.js';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { AuraError } from '../../src/util/errors.js';
import { projectsForThisFile, runAura, testEnv } from '../helpers/aura.js';

const project = projectsForThisFile();
const task = (lines: string) => `# G\n\n- [ ] T\n  - id: t\n  - run: \`true\`\n${lines}`;

describe('task keys for Slurm', () => {
  test('executor:, mem:, cpus:, gpus: are known keys, kept for the executor', () => {
    const spec = parseTaskFile(task('  - executor: Slurm\n  - mem: 2G\n  - cpus: 4\n  - gpus: 1\n'));
    assert.deepEqual(spec.tasks[0]?.extra, { executor: 'slurm', mem: '2G', cpus: '4', gpus: '1' });
    assert.deepEqual(spec.warnings, []);
  });
  const bad: Array<[string, RegExp, RegExp]> = [
    ['  - executor: kubernetes\n', /executor "kubernetes" on task "T" is not local or slurm/, /executor: slurm/],
    ['  - mem: lots\n', /mem "lots" on task "T" is not a size/, /512M, 2G/],
    ['  - cpus: 0\n', /cpus "0" on task "T" is not a whole number from 1 to 4096/, /cpus: 2/],
    ['  - gpus: two\n', /gpus "two" on task "T" is not a whole number from 0 to 4096/, /gpus: 2/],
  ];
  for (const [lines, msg, hint] of bad) {
    test(`refused: ${lines.trim()}`, () => {
      assert.throws(() => parseTaskFile(task(lines)), (e: unknown) => e instanceof AuraError && e.code === 'BAD_TASK_FILE' && msg.test(e.message) && hint.test(e.hint ?? ''));
    });
  }
});

describe('what keeps a task from Slurm', () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'aura-nobin-'));
  after(() => rmSync(bin, { recursive: true, force: true }));
  const c = { ...defaultConfig(), AURA_EXECUTOR: 'slurm' as const };
  test('no sbatch on PATH, a bad sbatch flag, a bad key; a local task is never held back', () => {
    assert.match(executorProblem({ id: 't', extra: {} }, c, { PATH: bin }) ?? '', /^sbatch is not installed.*executor: local/);
    // Only found on PATH, never run: an executable file named sbatch is enough here.
    const fake = mkdtempSync(path.join(os.tmpdir(), 'aura-fakebin-'));
    after(() => rmSync(fake, { recursive: true, force: true }));
    writeFileSync(path.join(fake, 'sbatch'), '#!/bin/sh\nexit 1\n');
    chmodSync(path.join(fake, 'sbatch'), 0o755);
    const withSbatch = { PATH: fake };
    assert.equal(executorProblem({ id: 't', extra: {} }, c, withSbatch), null);
    assert.match(executorProblem({ id: 't', extra: {} }, { ...c, AURA_SLURM_SBATCH_ARGS: '--time=5' }, withSbatch) ?? '', /^cannot submit t to Slurm: AURA_SLURM_SBATCH_ARGS sets --time.*budget:/);
    assert.match(executorProblem({ id: 't', extra: { cpus: 'x' } }, c, withSbatch) ?? '', /cpus: "x"/);
    assert.equal(executorProblem({ id: 't', extra: { executor: 'local' } }, c, { PATH: bin }), null);
  });

  test('the daemon blocks such a task with the reason and stops (nothing can run)', async () => {
    const p = project({ 'task.md': task('') });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_EXECUTOR: 'slurm', PATH: bin }) });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks.t!;
    assert.equal(t.status, 'blocked');
    assert.match(t.reason, /sbatch is not installed \(not found on PATH\)/);
  });
});
