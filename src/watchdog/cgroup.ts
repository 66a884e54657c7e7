// Hard limits through cgroup v2, when the machine offers them without root: a transient user scope
// (`systemd-run --user --scope`, INTERFACES §6.5). Only usable on pure cgroup v2 with a user systemd
// manager and bus; on v1/hybrid the limits are silently NOT enforced, so detection must be strict
// and anything short of all conditions reports {available:false, reason} (then the watchdog's
// polling is the only control). Absent on the machine this was written on (tmpfs cgroup, no bus).
import fs from 'node:fs';
import { errnoCode } from '../util/errors.js';
import { runCommand, type RunCommand } from '../util/run-command.js';
import { findOnPath } from './which.js';

/** statfs f_type of a cgroup2 mount ("cgrp"). */
export const CGROUP2_SUPER_MAGIC = 0x63677270;

export type CgroupSupport = { available: true; controllers: string[] } | { available: false; reason: string };

export interface CgroupProbe {
  /** statfs type of a path, null if it cannot be stat'ed. */
  fsType(path: string): number | null;
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
  readText(path: string): string | null;
  uid: number;
  run: RunCommand;
}

function orNull<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch (err) {
    // Missing path or no permission: the feature is simply not there.
    if (['ENOENT', 'EACCES', 'EPERM', 'ENOTDIR'].includes(errnoCode(err) ?? '')) return null;
    throw err;
  }
}

export const systemProbe: CgroupProbe = {
  fsType: (p) => orNull(() => fs.statfsSync(p).type),
  env: process.env,
  exists: (p) => fs.existsSync(p),
  readText: (p) => orNull(() => fs.readFileSync(p, 'utf8')),
  uid: process.getuid?.() ?? -1,
  run: runCommand,
};

export async function detectCgroup(probe: CgroupProbe = systemProbe): Promise<CgroupSupport> {
  const type = probe.fsType('/sys/fs/cgroup');
  if (type !== CGROUP2_SUPER_MAGIC) {
    return { available: false, reason: `/sys/fs/cgroup is not cgroup v2 (statfs type ${type === null ? 'unreadable' : `0x${type.toString(16)}`}): user-scope limits would not be enforced` };
  }
  const runtime = probe.env.XDG_RUNTIME_DIR;
  if (!runtime) return { available: false, reason: 'XDG_RUNTIME_DIR is not set: no user systemd manager' };
  if (!probe.env.DBUS_SESSION_BUS_ADDRESS && !probe.exists(`${runtime}/bus`)) {
    return { available: false, reason: 'no user D-Bus (DBUS_SESSION_BUS_ADDRESS unset, no $XDG_RUNTIME_DIR/bus)' };
  }
  if (findOnPath('systemd-run', probe.env) === null) return { available: false, reason: 'systemd-run not found' };
  const r = await probe.run(['systemctl', '--user', 'is-system-running'], { timeoutMs: 3000, env: probe.env });
  const state = r.status === 'exit' ? r.stdout.trim() : r.status;
  // "degraded" (some unit failed) still runs scopes fine; "starting"/"offline"/errors do not.
  if (state !== 'running' && state !== 'degraded') return { available: false, reason: `user systemd manager is not running (${state || 'no answer'})` };
  const ctl = probe.readText(`/sys/fs/cgroup/user.slice/user-${probe.uid}.slice/user@${probe.uid}.service/cgroup.controllers`);
  const controllers = (ctl ?? '').trim().split(/\s+/).filter(Boolean);
  if (!controllers.includes('memory')) return { available: false, reason: `memory controller not delegated to the user manager (has: ${controllers.join(' ') || 'none'})` };
  return { available: true, controllers };
}

export interface ScopeLimits {
  memoryMaxBytes: number | null;
  /** systemd's CPUQuota: percent of ONE CPU (200% = two cores). */
  cpuQuotaPercent: number | null;
}

/**
 * The watchdog's limits as hard cgroup limits. MAX_CPU_PERCENT is of the whole machine, CPUQuota of
 * one CPU, hence × cpus. Of two memory limits the lower one wins. These are hard: a spike the
 * watchdog's averaging would tolerate is OOM-killed inside the scope.
 */
export function scopeLimits(l: { cpuPercent: number; memPercent: number; memBytes: number }, totalMemBytes: number, cpus: number): ScopeLimits {
  const mem = [l.memBytes > 0 ? l.memBytes : null, l.memPercent > 0 ? (totalMemBytes * l.memPercent) / 100 : null].filter((v): v is number => v !== null);
  return {
    memoryMaxBytes: mem.length > 0 ? Math.floor(Math.min(...mem)) : null,
    cpuQuotaPercent: l.cpuPercent > 0 ? Math.max(1, Math.round(l.cpuPercent * cpus)) : null,
  };
}

/** `systemd-run --user --scope --quiet --unit=… -p MemoryMax=… -p CPUQuota=…% --`, to put before argv. */
export function scopeArgv(unit: string, s: ScopeLimits, cpuControllerDelegated = true): string[] {
  if (!/^[A-Za-z0-9:_.\\-]+$/.test(unit)) throw new RangeError(`not a valid unit name: ${JSON.stringify(unit)}`);
  const argv = ['systemd-run', '--user', '--scope', '--quiet', `--unit=${unit}`];
  if (s.memoryMaxBytes !== null) argv.push('-p', `MemoryMax=${s.memoryMaxBytes}`, '-p', 'MemorySwapMax=0');
  if (s.cpuQuotaPercent !== null && cpuControllerDelegated) argv.push('-p', `CPUQuota=${s.cpuQuotaPercent}%`);
  argv.push('--');
  return argv;
}
