import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseComputeApps, parseField, parseQueryGpu, PmonParser, splitSections, SECTION_MARK, type PmonRow } from '../../src/watchdog/gpu-parse.js';
import { MIB } from '../../src/watchdog/limits.js';

test('parseField: units stripped, every "no value" spelling is null', () => {
  const cases: Array<[string | undefined, number | null]> = [
    ['98', 98],
    ['98 %', 98],
    [' 7234 MiB', 7234],
    ['136 MB', 136],
    ['12.5', 12.5],
    ['[N/A]', null],
    ['[Not Supported]', null],
    ['N/A', null],
    ['[Unknown Error]', null],
    ['-', null],
    ['', null],
    [undefined, null],
  ];
  for (const [raw, want] of cases) assert.equal(parseField(raw), want, String(raw));
});

test('--query-gpu: noheader/nounits, with units, with header, [N/A], MIG', () => {
  const rows: Array<{ name: string; text: string; want: Array<Partial<ReturnType<typeof parseQueryGpu>[number]>> }> = [
    {
      name: 'noheader,nounits',
      text: '0, GPU-c4dd6ed1-a6a9-9421-b6b4-4cdf657c919e, 98, 7234, 15360, Disabled\n',
      want: [{ index: 0, uuid: 'GPU-c4dd6ed1-a6a9-9421-b6b4-4cdf657c919e', utilPercent: 98, memUsedBytes: 7234 * MIB, memTotalBytes: 15360 * MIB, mig: false }],
    },
    {
      name: 'header and units kept',
      text: 'index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB], mig.mode.current\n0, GPU-a, 98 %, 7234 MiB, 15360 MiB, Disabled\n1, GPU-b, 0 %, 678 MiB, 49140 MiB, [N/A]\n',
      want: [
        { index: 0, utilPercent: 98, memUsedBytes: 7234 * MIB, mig: false },
        { index: 1, utilPercent: 0, memTotalBytes: 49140 * MIB, mig: null },
      ],
    },
    {
      name: '[N/A] and [Not Supported]',
      text: '0, GPU-a, [N/A], [Not Supported], 81559, [N/A]',
      want: [{ utilPercent: null, memUsedBytes: null, memTotalBytes: 81559 * MIB, mig: null }],
    },
    {
      name: 'MIG enabled: utilisation null even if printed',
      text: '0, GPU-a, 0, 20000, 81559, Enabled\n',
      want: [{ utilPercent: null, memUsedBytes: 20000 * MIB, mig: true }],
    },
    { name: 'without the mig field (old driver)', text: '2, GPU-z, 5, 10, 100', want: [{ index: 2, utilPercent: 5, mig: null }] },
    { name: 'empty', text: '', want: [] },
    { name: 'error text', text: 'No devices were found\n', want: [] },
  ];
  for (const r of rows) {
    const got = parseQueryGpu(r.text);
    assert.equal(got.length, r.want.length, r.name);
    r.want.forEach((w, i) => {
      for (const [k, v] of Object.entries(w)) assert.deepEqual((got[i] as unknown as Record<string, unknown>)[k], v, `${r.name}: ${k}`);
    });
  }
});

test('--query-compute-apps: empty, units, header, [N/A], one process on two GPUs', () => {
  assert.deepEqual(parseComputeApps(''), []);
  assert.deepEqual(parseComputeApps('\n'), []);
  assert.deepEqual(parseComputeApps('pid, gpu_uuid, used_gpu_memory [MiB]\n'), [], 'header only = no processes');
  assert.deepEqual(parseComputeApps('4339, GPU-c4dd6ed1-a6a9-9421-b6b4-4cdf657c919e, 480 MiB\n4339, GPU-66b6a70f-3840-ce84-c78f-9366025c6124, 492 MiB\n'), [
    { pid: 4339, gpuUuid: 'GPU-c4dd6ed1-a6a9-9421-b6b4-4cdf657c919e', usedBytes: 480 * MIB },
    { pid: 4339, gpuUuid: 'GPU-66b6a70f-3840-ce84-c78f-9366025c6124', usedBytes: 492 * MIB },
  ]);
  assert.deepEqual(parseComputeApps('4339, GPU-a, 480'), [{ pid: 4339, gpuUuid: 'GPU-a', usedBytes: 480 * MIB }]);
  assert.deepEqual(parseComputeApps('77, GPU-a, [N/A]'), [{ pid: 77, gpuUuid: 'GPU-a', usedBytes: null }]);
});

const NEW = `# gpu         pid   type     sm    mem    enc    dec    jpg    ofa     fb   ccpm    command 
# Idx           #    C/G      %      %      %      %      %      %     MB     MB    name 
    0       2355     G      -      -      -      -      -      -      4      0    Xorg           
    0       3816   C+G      -      -      -      -      -      -    112      0    gnome-remote-de
    0     740204     C     37      3      -      -      -      -   5830      0    ollama         `;

const OLD = `# gpu        pid  type    sm   mem   enc   dec    fb   command
# Idx          #   C/G     %     %     %     %    MB   name
    0       7372     C     2     0     2     -   136   ffmpeg
    0      12176     C     5     2     3     7   782   ffmpeg`;

function feedAll(text: string): PmonRow[] {
  const p = new PmonParser();
  return text.split('\n').map((l) => p.feed(l)).filter((r): r is PmonRow => r !== null);
}

test('pmon, newer header layout (jpg, ofa, ccpm)', () => {
  assert.deepEqual(feedAll(NEW), [
    { gpu: 0, pid: 2355, type: 'G', smPercent: 0, fbBytes: 4 * MIB },
    { gpu: 0, pid: 3816, type: 'C+G', smPercent: 0, fbBytes: 112 * MIB },
    { gpu: 0, pid: 740204, type: 'C', smPercent: 37, fbBytes: 5830 * MIB },
  ]);
});

test('pmon, older header layout', () => {
  assert.deepEqual(feedAll(OLD), [
    { gpu: 0, pid: 7372, type: 'C', smPercent: 2, fbBytes: 136 * MIB },
    { gpu: 0, pid: 12176, type: 'C', smPercent: 5, fbBytes: 782 * MIB },
  ]);
});

test('pmon: idle line, rows before any header, a header switching mid-stream, -o DT columns', () => {
  const idle = '    0          -     -      -      -      -      -      -      -      -      -    -              ';
  assert.deepEqual(feedAll(`${NEW.split('\n').slice(0, 2).join('\n')}\n${idle}`), [{ gpu: 0, pid: null, type: null, smPercent: 0, fbBytes: null }]);
  assert.deepEqual(feedAll('    0       7372     C     2     0     2     -   136   ffmpeg'), [], 'no header yet: no guessing');
  const both = feedAll(`${OLD}\n${NEW}`);
  assert.equal(both.length, 5);
  assert.equal(both[4]?.smPercent, 37);
  const dt = feedAll('#Date       Time        gpu        pid  type    sm   mem   enc   dec    fb   command\n#YYYYMMDD   HH:MM:SS    Idx          #   C/G     %     %     %     %    MB   name\n 20240101   12:00:00      1       4242     C    61     9     -     -  2048   python');
  assert.deepEqual(dt, [{ gpu: 1, pid: 4242, type: 'C', smPercent: 61, fbBytes: 2048 * MIB }]);
});

test('splitSections', () => {
  assert.deepEqual(splitSections(`a\n${SECTION_MARK}\nb\n`), ['a\n', '\nb\n']);
  assert.deepEqual(splitSections(`a\n${SECTION_MARK}\n`), ['a\n', '\n']);
  assert.equal(splitSections('a\n'), null);
});
