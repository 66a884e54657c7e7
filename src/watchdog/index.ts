// The resource watchdog: pure judging (window, verdict, escalation, preflight, cpusets) apart from
// the samplers (/proc, meminfo, nvidia-smi) and the class that ties them to a timer.
export { Watchdog, type WatchdogOptions, type WorkerRef } from './watchdog.js';
export type { WatchdogSnapshot, WorkerView, GpuView } from './view.js';
export { resourceLine } from './view.js';
export { limitsFromConfig, gpuLimitsSet, WATCHDOG_KEYS, GIB, MIB, formatBytes, type Limits, type WatchdogConfig } from './limits.js';
export { SampleWindow, History, sparkline, type Reading } from './window.js';
export { step, overLimit, underReserve, reserveCulprit, cpuPercent, describe, METRICS, type Check, type KillVerdict, type LimitKey, type Metric, type Strikes } from './verdict.js';
export { escalate, type Escalation } from './escalation.js';
export { preflight, visibleGpus, type Preflight, type PreflightInput, type GpuFree } from './preflight.js';
export { CpusetAllocator, coresPerWorker, formatCpuList, parseCpuList, place, type Cpuset, type Placement } from './cpusets.js';
export { detectCgroup, scopeArgv, scopeLimits, CGROUP2_SUPER_MAGIC, type CgroupSupport, type CgroupProbe, type ScopeLimits } from './cgroup.js';
export { TreeSampler, markerValue, readMarker, type TreeUsage } from './tree-sample.js';
export { attribute, tickDelta, type WorkerRoot, type TickState } from './attribute.js';
export { readProcTable, parseStatRow, type ProcRow } from './proc-table.js';
export { parseMeminfo, readMemory, cpuCount, allowedCpus, procConstants, type SystemMemory } from './system.js';
export { GpuSampler, gpuQueryArgv, type GpuPoll, type Clock } from './gpu.js';
export { parseQueryGpu, parseComputeApps, parseField, PmonParser, splitSections, type GpuInfo, type ComputeApp, type PmonRow } from './gpu-parse.js';
export { PmonMonitor, pmonInterval } from './pmon.js';
export { runCommand, type RunCommand, type RunResult } from '../util/run-command.js';
