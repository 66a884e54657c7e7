// 5. Wall time of `aura status` and `aura wake` as commands (spawned, against a sleeping daemon),
// beside `node -e 0` (bare Node start-up) as the baseline, and Node loading zod and nothing else (the
// largest dependency the light commands can pull in), to help read the difference. Runs are interleaved so drift in machine
// load affects all three alike; one warm-up round is not counted.
import { REPO } from '../test/helpers/aura.js';
import { auraArgv, sleep, sleepingDaemon, spawnTimed, type BenchOptions } from './harness.js';
import { dist, type Section } from './report.js';
import { summarize } from './stats.js';

export async function benchCommands(o: BenchOptions): Promise<Section> {
  const d = await sleepingDaemon();
  const cmds = {
    node: [process.execPath, '-e', '0'],
    zod: [process.execPath, '-e', "import('zod')"],
    status: auraArgv('status'),
    wake: auraArgv('wake', '--reason', 'bench command'),
  };
  const wall: Record<keyof typeof cmds, number[]> = { node: [], zod: [], status: [], wake: [] };
  try {
    for (let i = -1; i < o.trials; i++) {
      for (const [k, argv] of Object.entries(cmds) as Array<[keyof typeof cmds, string[]]>) {
        const r = await spawnTimed(argv, { cwd: k === 'zod' ? REPO : d.project.dir, env: d.env });
        if (r.code !== 0) throw new Error(`${argv.slice(1).join(' ')} exited ${r.code}: ${r.stderr}`);
        if (i >= 0) wall[k].push(r.wallMs);
        await sleep(k === 'wake' ? 50 : 10); // let the woken cycle finish before the next status read
      }
    }
  } finally {
    await d.stop();
  }
  const base = summarize(wall.node).p50;
  return {
    title: '5. command wall time',
    rows: [
      dist('cmd: node -e 0 (baseline)', wall.node),
      dist('cmd: node -e "import(\'zod\')" (zod load alone)', wall.zod),
      dist('cmd: aura status', wall.status, '< 150'),
      dist('cmd: aura wake', wall.wake, '< 150'),
    ],
    notes: [
      `above the baseline (p50): aura status +${(summarize(wall.status).p50 - base).toFixed(1)} ms, aura wake +${(summarize(wall.wake).p50 - base).toFixed(1)} ms; loading zod alone +${(summarize(wall.zod).p50 - base).toFixed(1)} ms.`,
    ],
  };
}
