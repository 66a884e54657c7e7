// Parsers for nvidia-smi's text formats (INTERFACES §4). Pure, table-tested with verbatim samples.
// The formats are not guaranteed stable across drivers, so: fields by name or by the columns we
// asked for, units stripped if present, and every "no value" spelling becomes null.
import { MIB } from './limits.js';

export interface GpuInfo {
  index: number;
  uuid: string;
  /** utilization.gpu in percent; null under MIG or when not reported. */
  utilPercent: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  /** mig.mode.current: true Enabled, false Disabled, null not reported / not asked. */
  mig: boolean | null;
}

export interface ComputeApp {
  pid: number;
  gpuUuid: string;
  /** null: [N/A] (e.g. no permission to see other users' contexts). */
  usedBytes: number | null;
}

/** "98 %", "7234 MiB", "98" → number; "[N/A]", "[Not Supported]", "N/A", "-", "" → null. */
export function parseField(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const t = raw.trim().replace(/\s*(%|MiB|MB)$/i, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

const isInt = (s: string | undefined): boolean => s !== undefined && /^\d+$/.test(s.trim());

function csvLines(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(',').map((f) => f.trim()));
}

/**
 * `--query-gpu=index,uuid,utilization.gpu,memory.used,memory.total[,mig.mode.current]` rows, with
 * or without header and units. A header line (first field not a number) is skipped.
 */
export function parseQueryGpu(text: string): GpuInfo[] {
  const out: GpuInfo[] = [];
  for (const f of csvLines(text)) {
    if (!isInt(f[0]) || f.length < 5) continue;
    const migText = f[5]?.toLowerCase();
    const mig = migText === 'enabled' ? true : migText === 'disabled' ? false : null;
    out.push({
      index: Number(f[0]),
      uuid: f[1] as string,
      // With MIG on, utilization.gpu is [N/A] anyway; null it explicitly in case a driver prints 0.
      utilPercent: mig === true ? null : parseField(f[2]),
      memUsedBytes: mib(parseField(f[3])),
      memTotalBytes: mib(parseField(f[4])),
      mig,
    });
  }
  return out;
}

/** `--query-compute-apps=pid,gpu_uuid,used_gpu_memory` rows; empty output (no processes) → []. */
export function parseComputeApps(text: string): ComputeApp[] {
  const out: ComputeApp[] = [];
  for (const f of csvLines(text)) {
    if (!isInt(f[0]) || f[1] === undefined) continue;
    out.push({ pid: Number(f[0]), gpuUuid: f[1], usedBytes: mib(parseField(f[2])) });
  }
  return out;
}

function mib(v: number | null): number | null {
  return v === null ? null : v * MIB;
}

export interface PmonRow {
  gpu: number;
  /** null for the idle line a GPU prints when nothing runs on it (still proves pmon is alive). */
  pid: number | null;
  type: string | null;
  /** SM percent; `-` (no sample in the interval: idle) reads as 0. */
  smPercent: number;
  fbBytes: number | null;
}

/**
 * `nvidia-smi pmon` lines, fed one at a time. Columns come from the `# gpu pid type sm …` header,
 * never from fixed positions: older drivers lack jpg/ofa/ccpm, `-o DT` puts Date/Time first. The
 * second header line (`# Idx # C/G % …`) has no `pid` column name and is skipped.
 */
export class PmonParser {
  private cols: Map<string, number> | null = null;

  feed(line: string): PmonRow | null {
    const t = line.trim();
    if (t === '') return null;
    if (t.startsWith('#')) {
      const names = t.slice(1).trim().toLowerCase().split(/\s+/);
      if (names.includes('pid') && names.includes('gpu')) this.cols = new Map(names.map((n, i) => [n, i]));
      return null;
    }
    const cols = this.cols;
    if (!cols) return null;
    const f = t.split(/\s+/);
    const at = (name: string): string | undefined => {
      const i = cols.get(name);
      return i === undefined ? undefined : f[i];
    };
    const gpu = at('gpu');
    if (!isInt(gpu)) return null;
    const pid = at('pid');
    const type = at('type');
    return {
      gpu: Number(gpu),
      pid: isInt(pid) ? Number(pid) : null,
      type: type === undefined || type === '-' ? null : type,
      smPercent: parseField(at('sm')) ?? 0,
      fbBytes: mib(parseField(at('fb'))),
    };
  }

  get hasHeader(): boolean {
    return this.cols !== null;
  }
}

export const SECTION_MARK = '@@aura-next@@';

/** The two sections of the combined query (see gpu.ts); null when the mark is missing. */
export function splitSections(stdout: string): [string, string] | null {
  const i = stdout.indexOf(SECTION_MARK);
  if (i === -1) return null;
  return [stdout.slice(0, i), stdout.slice(i + SECTION_MARK.length)];
}
