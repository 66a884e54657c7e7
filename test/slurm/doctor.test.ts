// `aura doctor` with AURA_EXECUTOR=slurm: the verdicts as tables, and the real probes (the commands,
// the controller, a job writing into the project directory) against the test cluster.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { DoctorJson } from '../../src/doctor/report.js';
import { commandsVerdict, controllerVerdict, sharedVerdict } from '../../src/executors/slurm/doctor-checks.js';
import { projectsForThisFile, runAura, testEnv } from '../helpers/aura.js';
import { NO_SLURM } from './helpers.js';

const project = projectsForThisFile();

describe('Slurm doctor verdicts', () => {
  const all = { sbatch: '/usr/bin/sbatch', squeue: '/usr/bin/squeue', scancel: '/usr/bin/scancel', scontrol: '/usr/bin/scontrol', sstat: '/usr/bin/sstat', sacct: null };
  const rows: Array<[string, ReturnType<typeof commandsVerdict>, 'ok' | 'warn' | 'fail', RegExp]> = [
    ['all commands', commandsVerdict({ found: all, version: 'slurm-wlm 22.05.8' }), 'ok', /22\.05\.8; .* in \/usr\/bin; no sacct/],
    ['sbatch missing', commandsVerdict({ found: { ...all, sbatch: null }, version: null }), 'fail', /sbatch not found/],
    ['controller up, accounting off', controllerVerdict({ kind: 'answered', ping: 'Slurmctld(primary) at vm is UP', accounting: 'accounting_storage/none', minJobAgeS: 300, pollSeconds: 10 }), 'ok', /UP; no accounting/],
    ['finished jobs forgotten between two polls', controllerVerdict({ kind: 'answered', ping: 'x is UP', accounting: 'accounting_storage/none', minJobAgeS: 5, pollSeconds: 10 }), 'warn', /MinJobAge 5 s/],
    ['accounting on, short MinJobAge is fine', controllerVerdict({ kind: 'answered', ping: 'x is UP', accounting: 'accounting_storage/slurmdbd', minJobAgeS: 5, pollSeconds: 10 }), 'ok', /slurmdbd/],
    ['controller down', controllerVerdict({ kind: 'down', said: 'Slurmctld(primary) at vm is DOWN' }), 'fail', /does not answer: Slurmctld\(primary\) at vm is DOWN/],
    ['probe written', sharedVerdict({ kind: 'wrote', node: 'n1', dir: '/p', seconds: 2 }), 'ok', /a job on n1 wrote to \/p/],
    ['probe never seen', sharedVerdict({ kind: 'not-seen', dir: '/p', node: null, output: '/bin/sh: node: not found' }), 'fail', /never appeared in \/p: \/bin\/sh: node: not found/],
    ['probe refused', sharedVerdict({ kind: 'refused', said: 'sbatch: error: invalid partition' }), 'fail', /invalid partition/],
    ['probe still queued', sharedVerdict({ kind: 'timeout', seconds: 120, dir: '/p' }), 'warn', /did not run within 120 s/],
  ];
  for (const [name, check, status, detail] of rows) {
    test(`${name}: ${status}`, () => {
      assert.equal(check.status, status);
      assert.match(check.detail, detail);
      assert.equal(check.fix !== undefined, status !== 'ok', 'a fix exactly when not ok');
    });
  }
});

async function doctor(env: NodeJS.ProcessEnv): Promise<DoctorJson> {
  const p = project();
  const r = await runAura(['doctor', '--json'], { cwd: p.dir, env, timeoutMs: 180_000 });
  return JSON.parse(r.stdout) as DoctorJson;
}

describe('aura doctor with AURA_EXECUTOR=slurm', { skip: NO_SLURM }, () => {
  test('checks the commands, the controller, and that a job can write into the project directory', async () => {
    const j = await doctor(testEnv({ AURA_EXECUTOR: 'slurm' }));
    const by = (id: string) => j.checks.find((c) => c.id === id);
    assert.equal(by('slurm.commands')?.status, 'ok', JSON.stringify(j.checks));
    assert.match(by('slurm.controller')?.detail ?? '', /is UP/);
    assert.equal(by('slurm.shared')?.status, 'ok');
    assert.match(by('slurm.shared')?.detail ?? '', new RegExp(`a job on \\S+ wrote to ${j.project}`));
  });

  test('a controller that does not answer fails the check with what to do', async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'aura-scontrol-'));
    after(() => rmSync(bin, { recursive: true, force: true }));
    writeFileSync(path.join(bin, 'scontrol'), '#!/bin/sh\necho "Slurmctld(primary) at vm is DOWN"\nexit 1\n');
    chmodSync(path.join(bin, 'scontrol'), 0o755);
    const env = testEnv({ AURA_EXECUTOR: 'slurm' });
    env.PATH = `${bin}:${env.PATH}`;
    const j = await doctor(env);
    const c = j.checks.find((x) => x.id === 'slurm.controller');
    assert.equal(c?.status, 'fail');
    assert.match(c?.fix ?? '', /scontrol ping/);
    assert.equal(j.checks.find((x) => x.id === 'slurm.shared')?.status, 'warn');
    assert.equal(j.ok, false);
  });
});

describe('aura doctor with AURA_EXECUTOR=slurm where Slurm is not installed', () => {
  test('fails the commands check and names the package', async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'aura-bin-'));
    after(() => rmSync(bin, { recursive: true, force: true }));
    const j = await doctor(testEnv({ AURA_EXECUTOR: 'slurm', PATH: bin }));
    const c = j.checks.find((x) => x.id === 'slurm.commands');
    assert.equal(c?.status, 'fail');
    assert.match(c?.detail ?? '', /sbatch, squeue, scancel, scontrol, sstat not found on PATH/);
    assert.match(c?.fix ?? '', /slurm-client/);
  });
});
