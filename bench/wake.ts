// 1. `aura wake` → cycle start, with a sleeping daemon (interval 3600, all tasks done).
//
// Two clients, interleaved trial by trial:
//  - the CLI: `node bin/aura.js wake --json` spawned from here; measured from just before the spawn
//    to the cycle start the daemon reports (`startedAt` in its reply), and to the `ts` of the
//    cycle's journal 'wake' entry; plus the command's own wall time;
//  - a raw socket client in this process (no Node start-up): request written → cycle start.
// Daemon timestamps have 1 ms resolution (ISO strings); Date.now() here is the same clock.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { auraArgv, sleep, sleepingDaemon, spawnTimed, type BenchOptions, type RunningDaemon } from './harness.js';
import { dist, type Section } from './report.js';

interface WakeReply {
  ok: boolean;
  cycle?: number;
  startedAt?: string;
  error?: string;
}

/** One request over the control socket; resolves with the reply and when it arrived. */
function socketWake(socketPath: string, reason: string): Promise<{ startWall: number; rttMs: number; reply: WakeReply }> {
  return new Promise((resolve, reject) => {
    const startWall = Date.now();
    const t0 = performance.now();
    const sock = net.createConnection(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('no reply on the control socket within 10 s'));
    }, 10_000);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify({ cmd: 'wake', reason }) + '\n'));
    sock.on('data', (c: string) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const rttMs = performance.now() - t0;
      clearTimeout(timer);
      sock.destroy();
      try {
        resolve({ startWall, rttMs, reply: JSON.parse(buf.slice(0, nl)) as WakeReply });
      } catch (err) {
        reject(err as Error);
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function started(reply: WakeReply, raw: string): { cycle: number; startedAt: number } {
  if (!reply.ok || typeof reply.cycle !== 'number' || typeof reply.startedAt !== 'string') throw new Error(`unexpected wake reply: ${raw}`);
  return { cycle: reply.cycle, startedAt: Date.parse(reply.startedAt) };
}

async function journalTs(d: RunningDaemon, cycle: number): Promise<number> {
  const e = await d.journal.waitFor(`wake entry of cycle ${cycle}`, (x) => x.kind === 'wake' && x.cycle === cycle);
  return Date.parse(e.ts);
}

export async function benchWake(o: BenchOptions): Promise<Section> {
  const d = await sleepingDaemon();
  const cliToStart: number[] = [];
  const cliToJournal: number[] = [];
  const cliWall: number[] = [];
  const sockToStart: number[] = [];
  const sockToJournal: number[] = [];
  const sockRtt: number[] = [];
  try {
    const cli = async (i: number, keep: boolean) => {
      const r = await spawnTimed(auraArgv('wake', '--json', '--reason', `bench cli ${i}`), { cwd: d.project.dir, env: d.env });
      if (r.code !== 0) throw new Error(`aura wake exited ${r.code}: ${r.stderr}`);
      const s = started(JSON.parse(r.stdout) as WakeReply, r.stdout);
      const ts = await journalTs(d, s.cycle);
      if (!keep) return;
      cliToStart.push(s.startedAt - r.startWall);
      cliToJournal.push(ts - r.startWall);
      cliWall.push(r.wallMs);
    };
    const sock = async (i: number, keep: boolean) => {
      const r = await socketWake(d.socketPath, `bench socket ${i}`);
      const s = started(r.reply, JSON.stringify(r.reply));
      const ts = await journalTs(d, s.cycle);
      if (!keep) return;
      sockToStart.push(s.startedAt - r.startWall);
      sockToJournal.push(ts - r.startWall);
      sockRtt.push(r.rttMs);
    };
    // One warm-up of each (first-use costs: lazy imports, page cache), not counted.
    await cli(-1, false);
    await sleep(50);
    await sock(-1, false);
    for (let i = 0; i < o.trials; i++) {
      await sleep(50); // the previous cycle renders progress.md after its journal commit
      await cli(i, true);
      await sleep(50);
      await sock(i, true);
    }
  } finally {
    await d.stop();
  }
  return {
    title: '1. aura wake → cycle start',
    rows: [
      dist('wake: `aura wake` spawn → cycle start (reply startedAt)', cliToStart, 'p95 < 100'),
      dist('wake: `aura wake` spawn → journal wake ts (cycle commit)', cliToJournal),
      dist('wake: `aura wake --json` command wall time', cliWall, '< 150'),
      dist('wake: socket request → cycle start (in-daemon)', sockToStart, 'p95 < 100'),
      dist('wake: socket request → journal wake ts', sockToJournal),
      dist('wake: socket round trip (connect → reply)', sockRtt),
    ],
    notes: [
      'daemon timestamps are whole ms; "→ journal wake ts" is later than the cycle start because every entry of a cycle gets the ts of the commit that writes it.',
    ],
  };
}
