// The Slurm executor's pure decisions, as tables: state → outcome, the WorkerExit of an end, the
// controller backoff, names, resources and sbatch flags.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig } from '../../src/config/schema.js';
import { sbatchArgv, signalLeadSeconds } from '../../src/executors/slurm/argv.js';
import { nextPollMs, stoppingPollMs } from '../../src/executors/slurm/backoff.js';
import { workerExitFor, type EndFacts } from '../../src/executors/slurm/conclude.js';
import { SlurmError } from '../../src/executors/slurm/errors.js';
import { jobName, parseJobName, runPrefix } from '../../src/executors/slurm/names.js';
import { extraArgs, splitWords, taskResources } from '../../src/executors/slurm/resources.js';
import { endingOf, phaseOf } from '../../src/executors/slurm/states.js';
import { executorFor } from '../../src/executors/types.js';

describe('job states', () => {
  const phases: Array<[string, string]> = [
    ['PENDING', 'queued'],
    ['CONFIGURING', 'queued'],
    ['REQUEUE_HOLD', 'queued'],
    ['RUNNING', 'running'],
    ['COMPLETING', 'running'],
    ['SUSPENDED', 'running'],
    ['SOMETHING_NEW', 'running'],
    ['COMPLETED', 'final'],
    ['OUT_OF_MEMORY', 'final'],
    ['NODE_FAIL', 'final'],
  ];
  for (const [state, phase] of phases) test(`${state} is ${phase}`, () => assert.equal(phaseOf(state), phase));

  const endings: Array<[string, Parameters<typeof endingOf>[1], string]> = [
    ['COMPLETED', {}, 'exited'],
    ['FAILED', { reason: 'NonZeroExitCode' }, 'exited'],
    ['FAILED', { reason: 'JobLaunchFailure', memoryKill: true }, 'oom'],
    ['OUT_OF_MEMORY', {}, 'oom'],
    ['TIMEOUT', {}, 'timeout'],
    ['DEADLINE', {}, 'timeout'],
    ['NODE_FAIL', {}, 'lost'],
    ['PREEMPTED', {}, 'lost'],
    ['BOOT_FAIL', {}, 'lost'],
    ['CANCELLED', { cancelledBy: '1000' }, 'cancelled'],
    ['SPECIAL_EXIT', {}, 'exited'],
  ];
  for (const [state, o, kind] of endings) test(`${state} ${JSON.stringify(o)} ends as ${kind}`, () => assert.equal(endingOf(state, o).kind, kind));
});

describe('the WorkerExit of an end', () => {
  const base: EndFacts = {
    task: 't',
    attempt: 2,
    adopted: false,
    state: 'COMPLETED',
    reason: 'None',
    cancelledBy: null,
    record: null,
    slurmExit: null,
    stopReason: null,
    memory: { usedBytes: null, limitBytes: null, killedByStepd: false },
  };
  const cases: Array<[string, Partial<EndFacts>, (e: ReturnType<typeof workerExitFor>) => void]> = [
    ['the exit record wins over Slurm\'s ExitCode', { state: 'FAILED', record: { code: 3, signal: null }, slurmExit: { code: 1, signal: 0 } }, (e) => {
      assert.deepEqual(e.exit, { code: 3, signal: null });
      assert.equal(e.stopReason, null);
      assert.equal(e.remote?.outcome, undefined);
    }],
    ['without a record, Slurm\'s ExitCode (a signal becomes its name)', { state: 'FAILED', slurmExit: { code: 0, signal: 9 } }, (e) => assert.deepEqual(e.exit, { code: null, signal: 'SIGKILL' })],
    ['no record and no ExitCode: no exit (the daemon calls it lost)', {}, (e) => assert.equal(e.exit, null)],
    ['TIMEOUT is the budget', { state: 'TIMEOUT', record: { code: null, signal: 'SIGTERM' } }, (e) => assert.equal(e.stopReason, 'timeout')],
    ['OUT_OF_MEMORY is a watchdog verdict with the figures', { state: 'OUT_OF_MEMORY', memory: { usedBytes: 120 * 2 ** 20, limitBytes: 100 * 2 ** 20, killedByStepd: false } }, (e) => {
      assert.match(e.stopReason ?? '', /^watchdog: Slurm ended the job OUT_OF_MEMORY at 120 MB against its 100 MB --mem$/);
      assert.deepEqual([e.remote?.stopData?.limit, e.remote?.stopData?.limitValue, e.remote?.stopData?.slurmState], ['memBytes', 100 * 2 ** 20, 'OUT_OF_MEMORY']);
    }],
    ['FAILED after slurmstepd\'s memory kill is the same verdict', { state: 'FAILED', reason: 'JobLaunchFailure', memory: { usedBytes: 113414144, limitBytes: 104857600, killedByStepd: true } }, (e) => {
      assert.match(e.stopReason ?? '', /^watchdog: Slurm ended the job for exceeding its memory limit at 108.2 MB against its 100 MB --mem$/);
    }],
    ['NODE_FAIL is lost, not counted, and says why', { state: 'NODE_FAIL' }, (e) => {
      assert.equal(e.remote?.outcome, 'lost');
      assert.match(e.stopReason ?? '', /NODE_FAIL: its node failed; retried without counting/);
    }],
    ['PREEMPTED is lost too', { state: 'PREEMPTED' }, (e) => assert.equal(e.remote?.outcome, 'lost')],
    ['CANCELLED by someone else is said so', { state: 'CANCELLED', cancelledBy: '1000', record: { code: null, signal: 'SIGTERM' } }, (e) => {
      assert.equal(e.remote?.outcome, 'killed');
      assert.match(e.stopReason ?? '', /^cancelled outside aura \(uid 1000\)/);
    }],
    ['aura\'s own stop wins over what Slurm calls it', { state: 'CANCELLED', stopReason: 'killed by the user (aura kill)' }, (e) => {
      assert.equal(e.stopReason, 'killed by the user (aura kill)');
      assert.equal(e.remote?.outcome, undefined);
    }],
    ['gone from every listing, with a record: judged by the record', { state: null, record: { code: 0, signal: null } }, (e) => {
      assert.deepEqual(e.exit, { code: 0, signal: null });
      assert.match(e.remote?.detail ?? '', /exit record says/);
    }],
    ['gone from every listing without a record: no exit (lost)', { state: null }, (e) => assert.equal(e.exit, null)],
  ];
  for (const [name, patch, check] of cases) test(name, () => check(workerExitFor({ ...base, ...patch })));
});

describe('controller backoff', () => {
  const pace = { baseMs: 10_000, maxMs: 300_000 };
  const rows: Array<[string, { failures: number; durationMs: number }, number, number]> = [
    ['healthy', { failures: 0, durationMs: 40 }, 10_000, 2000],
    ['one failure doubles', { failures: 1, durationMs: 0 }, 20_000, 20_000],
    ['three failures', { failures: 3, durationMs: 0 }, 80_000, 80_000],
    ['many failures stop at the cap', { failures: 30, durationMs: 0 }, 300_000, 300_000],
    ['a slow answer stretches the interval', { failures: 0, durationMs: 6000 }, 24_000, 24_000],
    ['a very slow one up to the cap', { failures: 0, durationMs: 200_000 }, 300_000, 300_000],
  ];
  for (const [name, last, normal, stopping] of rows) {
    test(`${name}: ${normal} ms (${stopping} ms while stopping)`, () => {
      assert.equal(nextPollMs(pace, last), normal);
      assert.equal(stoppingPollMs(pace, last), stopping);
    });
  }
});

describe('job names', () => {
  test('carry the run, the task and the attempt, and read back only for this run', () => {
    const run = '0258990b-3c1e-4f00-9a2b-1234567890ab';
    assert.equal(jobName(run, 'train.v2-x', 3), 'aura-0258990b-train.v2-x-3');
    assert.equal(runPrefix(run), 'aura-0258990b-');
    assert.deepEqual(parseJobName('aura-0258990b-train.v2-x-3', run), { task: 'train.v2-x', attempt: 3 });
    assert.equal(parseJobName('aura-ffffffff-train-3', run), null);
    assert.equal(parseJobName('aura-0258990b-train', run), null);
    assert.equal(parseJobName('t.sh', run), null);
  });
});

describe('resources and sbatch flags', () => {
  const c = { ...defaultConfig(), AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 2 };
  test('task keys win; the worker memory limit is the default --mem', () => {
    assert.deepEqual(taskResources({}, c), { memBytes: 2 * 2 ** 30, cpus: null, gpus: null });
    assert.deepEqual(taskResources({ mem: '512M', cpus: '4', gpus: '1' }, c), { memBytes: 512 * 2 ** 20, cpus: 4, gpus: 1 });
    assert.deepEqual(taskResources({}, defaultConfig()), { memBytes: null, cpus: null, gpus: null });
  });
  test('unreadable task keys are refused with what to write', () => {
    for (const extra of [{ mem: 'lots' }, { cpus: '0' }, { cpus: 'two' }, { gpus: '-1' }] as Array<Record<string, string>>) {
      assert.throws(() => taskResources(extra, c), (e: unknown) => e instanceof SlurmError && e.code === 'SLURM_BAD_SETTING' && !!e.hint);
    }
  });
  test('extra flags split like a shell; flags aura owns are refused with where to set them', () => {
    assert.deepEqual(splitWords(`--qos=long  --comment="two words" --x='a b' a\\ b`), ['--qos=long', '--comment=two words', '--x=a b', 'a b']);
    assert.deepEqual(extraArgs('--qos=long --constraint=a100'), ['--qos=long', '--constraint=a100']);
    assert.deepEqual(extraArgs(undefined), []);
    const refused: Array<[string, RegExp]> = [
      ['--time=10', /budget:/],
      ['-t 10', /budget:/],
      ['--mem=4G', /mem:/],
      ['-c 4', /cpus:/],
      ['--gres=gpu:2', /gpus:/],
      ['-p gpu', /AURA_SLURM_PARTITION/],
      ['--job-name=x', /names every job/],
      ['--export=ALL', /allowlisted/],
      ['--array=1-3', /one plain batch job/],
    ];
    for (const [raw, hint] of refused) {
      assert.throws(() => extraArgs(raw), (e: unknown) => e instanceof SlurmError && e.code === 'SLURM_BAD_SETTING' && hint.test(e.hint ?? ''), raw);
    }
    assert.throws(() => splitWords('--comment="open'), /unclosed/);
  });
  test('the sbatch argv: name, directory, output, no requeue, time, signal, resources, the site\'s flags, the script last', () => {
    const argv = sbatchArgv({
      name: 'aura-0258990b-t-1',
      chdir: '/p',
      output: '/p/.aura/a/slurm.out',
      script: '/p/.aura/a/job.sh',
      timeMinutes: 30,
      signalSeconds: 60,
      memMegabytes: 2048,
      cpus: 4,
      gpus: 1,
      partition: 'gpu',
      account: 'lab',
      extra: ['--qos=long'],
    });
    assert.deepEqual(argv, [
      'sbatch',
      '--parsable',
      '--job-name=aura-0258990b-t-1',
      '--chdir=/p',
      '--output=/p/.aura/a/slurm.out',
      '--open-mode=append',
      '--no-requeue',
      '--time=30',
      '--signal=B:USR2@60',
      '--export=ALL',
      '--mem=2048M',
      '--cpus-per-task=4',
      '--gres=gpu:1',
      '--partition=gpu',
      '--account=lab',
      '--qos=long',
      '/p/.aura/a/job.sh',
    ]);
  });
  test('the time-limit warning: a quarter of the limit, 10 to 60 s', () => {
    assert.deepEqual([1, 2, 4, 120].map(signalLeadSeconds), [15, 30, 60, 60]);
  });
  test('a task\'s executor: key wins over AURA_EXECUTOR', () => {
    assert.equal(executorFor({ extra: {} }, { AURA_EXECUTOR: 'slurm' }), 'slurm');
    assert.equal(executorFor({ extra: { executor: 'local' } }, { AURA_EXECUTOR: 'slurm' }), 'local');
    assert.equal(executorFor({ extra: { executor: 'slurm' } }, { AURA_EXECUTOR: 'local' }), 'slurm');
  });
});
