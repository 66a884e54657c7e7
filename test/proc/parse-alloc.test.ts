// parseStat runs for every process on the machine once a second (the watchdog's /proc pass): what it
// allocates sets how often the daemon's young generation fills, and so how much of a cycle's
// short-lived data gets promoted and sits in the old generation (RSS) until a rare full GC. Measured
// with V8's sampling heap profiler, counting objects the GC has already collected too.
import assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import { test } from 'node:test';
import { parseStat } from '../../src/proc/parse.js';

interface ProfileNode {
  selfSize: number;
  children: ProfileNode[];
}

const total = (n: ProfileNode): number => n.children.reduce((s, c) => s + total(c), n.selfSize);

const LINE = '48213 (node) S 1 48213 48213 0 -1 4194560 27331 0 0 0 311 27 0 0 20 0 11 0 65832 1183813632 12590 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';

test('parseStat allocates little more than its result (it runs for every process, every second)', async () => {
  const s = new Session();
  s.connect();
  try {
    const calls = 20_000;
    for (let i = 0; i < 2_000; i++) parseStat(LINE); // warm: compile before measuring
    await s.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    let kept = 0;
    for (let i = 0; i < calls; i++) kept += parseStat(LINE)?.rssPages ?? 0;
    const { profile } = await s.post('HeapProfiler.stopSampling');
    assert.equal(kept, 12590 * calls);
    const perCall = total(profile.head as ProfileNode) / calls;
    // Measured: ~240 bytes now (the result, comm, the field scan); splitting the line into its 52
    // fields was ~3.3 KB.
    assert.ok(perCall < 800, `parseStat allocated ${perCall.toFixed(0)} bytes per call`);
  } finally {
    s.disconnect();
  }
});
