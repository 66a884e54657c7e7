// The Slurm output parsers against output captured from a real Slurm 22.05 (test/slurm/samples), and
// against the shapes they must refuse.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SlurmError } from '../../src/executors/slurm/errors.js';
import {
  parseExitCode,
  parseMemoryKill,
  parseSacct,
  parseSbatch,
  parseScontrolJobs,
  parseScontrolLine,
  parseSqueue,
  parseSstat,
} from '../../src/executors/slurm/parse.js';
import { memMegabytes, parseDuration, parseMemSetting, parseSize, parseSlurmTime, timeMinutes } from '../../src/executors/slurm/units.js';

const SAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples');
const sample = (f: string) => readFileSync(path.join(SAMPLES, f), 'utf8');

function refuses(fn: () => unknown, what: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof SlurmError && err.code === 'SLURM_UNPARSABLE' && what.test(err.message) && !!err.hint);
}

describe('units', () => {
  const durations: Array<[string, number | null]> = [
    ['00:00:05', 5],
    ['1:00', 60],
    ['30:00', 1800],
    ['365-00:00:00', 365 * 86400],
    ['1-02:03:04', 86400 + 7384],
    ['02:03.456', 123.456],
    ['12', 12],
    ['UNLIMITED', null],
    ['INVALID', null],
    ['N/A', null],
    ['', null],
  ];
  for (const [raw, want] of durations) test(`duration ${JSON.stringify(raw)} → ${want}`, () => assert.equal(parseDuration(raw), want));

  const sizes: Array<[string, 'B' | 'K' | 'M', number | null]> = [
    ['4208K', 'B', 4208 * 1024],
    ['100M', 'B', 100 * 2 ** 20],
    ['1.50G', 'B', 1.5 * 2 ** 30],
    ['256Mc', 'B', 256 * 2 ** 20],
    ['1024Mn', 'B', 1024 * 2 ** 20],
    ['0', 'B', 0],
    ['512', 'M', 512 * 2 ** 20],
    ['', 'B', null],
    ['lots', 'B', null],
  ];
  for (const [raw, unit, want] of sizes) test(`size ${JSON.stringify(raw)} (bare ${unit}) → ${want}`, () => assert.equal(parseSize(raw, unit), want));

  const mems: Array<[string, number | null]> = [
    ['2G', 2 * 2 ** 30],
    ['512M', 512 * 2 ** 20],
    ['1.5GB', 1.5 * 2 ** 30],
    ['300MB', 300 * 2 ** 20],
    ['2 GiB', 2 * 2 ** 30],
    ['4', 4 * 2 ** 30],
    ['0', null],
    ['two gigs', null],
    ['-1G', null],
  ];
  for (const [raw, want] of mems) test(`task mem: ${JSON.stringify(raw)} → ${want}`, () => assert.equal(parseMemSetting(raw), want));

  test('--time rounds up to whole minutes, at least one; --mem rounds up to whole MB', () => {
    assert.deepEqual([1000, 60_000, 60_001, 90_000, 7_200_000].map(timeMinutes), [1, 1, 2, 2, 120]);
    assert.deepEqual([1, 2 ** 20, 2 ** 20 + 1, 0.2 * 2 ** 30].map(memMegabytes), [1, 1, 2, 205]);
  });

  test('Slurm timestamps are local time without a zone; anything else is null', () => {
    assert.equal(parseSlurmTime('2026-12-04T11:44:16'), new Date(2026, 11, 4, 11, 44, 16).getTime());
    for (const raw of ['N/A', 'Unknown', 'NONE', 'None', '']) assert.equal(parseSlurmTime(raw), null);
  });
});

describe('sbatch --parsable', () => {
  test('a job id, with or without a cluster, on the last line', () => {
    assert.deepEqual(parseSbatch('7\n'), { jobId: '7', cluster: null });
    assert.deepEqual(parseSbatch('123;cluster-a\n'), { jobId: '123', cluster: 'cluster-a' });
    assert.deepEqual(parseSbatch('note from a site wrapper\n42\n'), { jobId: '42', cluster: null });
  });
  test('anything else is refused with the command named', () => {
    refuses(() => parseSbatch('Submitted batch job 7\n'), /sbatch --parsable.*expected a job id/);
    refuses(() => parseSbatch(''), /sbatch/);
  });
});

describe('squeue -h -o', () => {
  test('finished jobs of a real run, with their states, times and names', () => {
    const rows = parseSqueue(sample('squeue.txt'));
    assert.equal(rows.length, 13);
    const first = rows[0]!;
    assert.equal(first.jobId, '7');
    assert.equal(first.state, 'COMPLETED');
    assert.equal(first.name, 'aura-02589902-corpus-1');
    assert.equal(first.timeLimitS, 60);
    assert.equal(first.cpus, 1);
    assert.equal(first.nodes, 'vm');
    assert.equal(first.endMs! - first.startMs!, 4000);
    assert.equal(rows.find((r) => r.jobId === '14')?.timeLimitS, null, 'UNLIMITED');
  });
  test('every state a run meets: pending without nodes, running, OOM, failed, cancelled', () => {
    const rows = parseSqueue(sample('squeue-mixed.txt'));
    const by = (name: string) => rows.find((r) => r.name === name)!;
    assert.deepEqual([by('s-oom').state, by('s-oom').reason], ['OUT_OF_MEMORY', 'OutOfMemory']);
    assert.deepEqual([by('s-fail').state, by('s-fail').reason], ['FAILED', 'NonZeroExitCode']);
    assert.equal(by('s-cancel').state, 'CANCELLED');
    assert.deepEqual([by('s-pend').state, by('s-pend').reason, by('s-pend').nodes, by('s-pend').endMs], ['PENDING', 'Resources', '', null]);
    assert.deepEqual([by('s-run').state, by('s-run').cpus], ['RUNNING', 2]);
  });
  test('a name holding the separator is rejoined', () => {
    assert.equal(parseSqueue('5|RUNNING|None|N/A|N/A|1|vm|1:00|a|b|c\n')[0]?.name, 'a|b|c');
  });
  test('short or malformed lines are refused, not guessed', () => {
    refuses(() => parseSqueue('5|RUNNING|None\n'), /squeue.*9 \|-separated fields/);
    refuses(() => parseSqueue('JOBID|STATE|R|S|E|C|N|L|NAME\n'), /job id and a state/);
  });
});

describe('sacct -P -n (accounting clusters)', () => {
  const recs = parseSacct(sample('sacct.txt'));
  const by = (id: string) => recs.find((r) => r.jobId === id)!;
  test('one record per job, MaxRSS from its steps', () => {
    assert.deepEqual(recs.map((r) => r.jobId), ['31', '32', '33', '34']);
    assert.equal(by('31').maxRssBytes, 5120 * 1024);
    assert.equal(by('31').reqMemBytes, 1024 * 2 ** 20);
    assert.equal(by('34').maxRssBytes, null, 'no step, no figure');
  });
  test('who cancelled, the exit code and signal, OOM', () => {
    assert.deepEqual([by('32').state, by('32').cancelledBy, by('32').signal], ['CANCELLED', '1000', 15]);
    assert.deepEqual([by('33').state, by('33').exitCode, by('33').signal, by('33').name], ['OUT_OF_MEMORY', 0, 125, 'aura-0d7e743a-hog|1']);
    assert.equal(by('34').state, 'NODE_FAIL');
  });
  test('garbage is refused', () => refuses(() => parseSacct('x|y\n'), /sacct/));
});

describe('scontrol -o show job (clusters without accounting)', () => {
  test('key=value pairs, values with spaces kept whole', () => {
    const kv = parseScontrolLine('JobId=5 JobName=my job Command=/bin/sh -c "x=1" WorkDir=/tmp ExitCode=2:0');
    assert.equal(kv.JobName, 'my job');
    assert.equal(kv.Command, '/bin/sh -c "x=1"');
    assert.equal(kv.ExitCode, '2:0');
  });
  test('records of real finished jobs: state, exit code, requested memory', () => {
    const recs = parseScontrolJobs(sample('scontrol-mixed.txt'));
    const by = (name: string) => recs.find((r) => r.name === name)!;
    assert.deepEqual([by('s-oom').state, by('s-oom').reqMemBytes], ['OUT_OF_MEMORY', 100 * 2 ** 20]);
    assert.deepEqual([by('s-fail').exitCode, by('s-fail').signal], [3, 0]);
    assert.equal(by('s-cancel').signal, 15);
    assert.equal(by('s-cancel').cancelledBy, null, 'scontrol does not say who');
    assert.equal(parseScontrolJobs(sample('scontrol-jobs.txt')).length, 13);
    assert.deepEqual(parseScontrolJobs('No jobs in the system\n'), []);
  });
  test('exit codes', () => {
    assert.deepEqual(parseExitCode('0:9'), { code: 0, signal: 9 });
    assert.equal(parseExitCode('n/a'), null);
  });
  test('a line without JobId= is refused', () => refuses(() => parseScontrolJobs('Name=x State=y\n'), /scontrol/));
});

describe('sstat -a -P -n', () => {
  test('CPU time and memory from TRESUsageInTot, the peak from MaxRSS, steps summed per job', () => {
    const u = parseSstat(sample('sstat.txt'));
    assert.deepEqual(u.get('23'), { cpuSeconds: 0, rssBytes: 3212 * 1024, maxRssBytes: 3212 * 1024 });
    const two = parseSstat('9.batch|cpu=00:01:05,mem=100M|120M\n9.0|cpu=00:00:30,mem=50M|60M\n');
    assert.deepEqual(two.get('9'), { cpuSeconds: 95, rssBytes: 150 * 2 ** 20, maxRssBytes: 180 * 2 ** 20 });
  });
  test('garbage is refused', () => refuses(() => parseSstat('sstat: error: something\n'), /sstat/));
});

describe("slurmstepd's memory kill", () => {
  test('the figures of an OverMemoryKill end; nothing for a cgroup OOM or a clean run', () => {
    assert.deepEqual(parseMemoryKill(sample('stepd-memkill.out')), { usedBytes: 113414144, limitBytes: 104857600 });
    assert.equal(parseMemoryKill(sample('cgroup-oom.out')), null);
    assert.equal(parseMemoryKill('hello\n'), null);
  });
});
