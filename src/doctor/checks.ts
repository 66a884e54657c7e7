// `aura doctor`'s verdicts: pure functions from what a probe saw to ok / warn / fail, with a one-line
// fix whenever the verdict is not ok. No I/O here, so every rule is table-tested (probes.ts looks).

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable id for --json consumers, e.g. "node", "agent.claude", "api". */
  id: string;
  /** Short label for the text report. */
  name: string;
  status: CheckStatus;
  /** What was found, one line. */
  detail: string;
  /** What to do about it, one line; present exactly when status is not ok. */
  fix?: string;
}

const ok = (id: string, name: string, detail: string): Check => ({ id, name, status: 'ok', detail });
const warn = (id: string, name: string, detail: string, fix: string): Check => ({ id, name, status: 'warn', detail, fix });
const fail = (id: string, name: string, detail: string, fix: string): Check => ({ id, name, status: 'fail', detail, fix });

/** First non-empty line, trimmed and bounded: tool output goes into one report line. */
export function firstLine(text: string, max = 120): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

// ── Node ──

export const MIN_NODE: readonly [number, number] = [20, 19];

export function nodeVerdict(version: string): Check {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  const v = version.startsWith('v') ? version : `v${version}`;
  if (!m) return fail('node', 'node', `cannot parse Node version "${version}"`, `install Node ${MIN_NODE.join('.')} or later`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const good = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return good
    ? ok('node', 'node', v)
    : fail('node', 'node', `${v} is too old (aura needs ${MIN_NODE.join('.')} or later)`, `install Node ${MIN_NODE.join('.')} or later (e.g. nvm install 22)`);
}

// ── Agent CLIs ──

/** `<bin> --version`, run only when the bin was found on PATH. */
export type VersionRun =
  | { status: 'exit'; code: number | null; stdout: string; stderr: string }
  | { status: 'timeout' }
  | { status: 'missing' }
  | { status: 'error'; message: string };

export interface AgentProbe {
  name: string;
  bin: string;
  install: string;
  /** Absolute path on PATH, null when not found. */
  path: string | null;
  version: VersionRun | null;
  /** This is the backend AURA_LAYER2_BACKEND names (tasks without worker: use it). */
  isDefault: boolean;
}

export function agentVerdict(p: AgentProbe): Check {
  const id = `agent.${p.name}`;
  const role = p.isDefault ? ' (the default backend, AURA_LAYER2_BACKEND)' : '';
  if (p.path === null || p.version?.status === 'missing') {
    return warn(id, p.name, `${p.bin} not found on PATH${role}`, p.install);
  }
  const v = p.version;
  if (v === null) return ok(id, p.name, `${p.path}${role}`);
  switch (v.status) {
    case 'exit':
      if (v.code === 0) return ok(id, p.name, `${firstLine(v.stdout) || firstLine(v.stderr) || 'version unknown'} (${p.path})${role}`);
      return warn(
        id,
        p.name,
        `${p.path} --version failed (exit ${v.code ?? 'by signal'})${firstLine(v.stderr) ? `: ${firstLine(v.stderr)}` : ''}${role}`,
        `check the installation, or reinstall: ${p.install}`,
      );
    case 'timeout':
      return warn(id, p.name, `${p.path} --version did not answer within 10 s${role}`, `check the installation, or reinstall: ${p.install}`);
    case 'error':
      return warn(id, p.name, `${p.path} could not be run: ${v.message}${role}`, `check its permissions, or reinstall: ${p.install}`);
  }
}

// ── LLM API ──

export type ApiProbe =
  | { kind: 'not-configured' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'http'; url: string; status: number; body: string }
  | { kind: 'timeout'; url: string; seconds: number }
  | { kind: 'network'; url: string; code: string | undefined; message: string };

/** The API error's own message, when the body is an Anthropic-style error. */
function apiMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof j.error?.message === 'string') return firstLine(j.error.message);
  } catch {
    // not JSON: fall through to the raw text
  }
  return firstLine(body);
}

export function apiVerdict(p: ApiProbe): Check {
  const id = 'api';
  const name = 'LLM API';
  switch (p.kind) {
    case 'not-configured':
      return ok(id, name, 'not configured (rules planner)');
    case 'skipped':
      return warn(id, name, `not checked: ${p.reason}`, 'fix the configuration first (see the config check)');
    case 'timeout':
      return fail(id, name, `${p.url} did not answer within ${p.seconds} s`, 'check AURA_API_BASE_URL and your network or proxy');
    case 'network': {
      const what = p.code === 'ECONNREFUSED' ? 'connection refused' : p.code === 'ENOTFOUND' ? 'host not found' : p.message;
      return fail(id, name, `${p.url}: ${what}${p.code && what !== p.message ? ` (${p.code})` : ''}`, 'check AURA_API_BASE_URL and your network or proxy');
    }
    case 'http': {
      const s = p.status;
      const msg = apiMessage(p.body);
      const tail = msg ? `: ${msg}` : '';
      if (s >= 200 && s < 300) return ok(id, name, `reachable, key accepted (${p.url})`);
      if (s === 401 || s === 403) return fail(id, name, `key refused (HTTP ${s}${tail})`, 'check AURA_API_KEY (run `aura setup --force` to replace it)');
      // Authentication comes before request validation, so a 400 (say, an unknown model) means the key was accepted.
      if (s === 400) return ok(id, name, `reachable, key accepted (HTTP 400${tail})`);
      if (s === 429) return warn(id, name, `reachable, key accepted, but rate limited (HTTP 429${tail})`, 'wait, or check your plan limits');
      if (s === 404) return warn(id, name, `reachable, but ${p.url} is not there (HTTP 404); the key was not verified`, 'check AURA_API_BASE_URL (it should not end in /v1)');
      return warn(id, name, `reachable, but answered HTTP ${s}${tail}`, 'try again later; if it persists, check AURA_API_BASE_URL');
    }
  }
}

// ── GPU ──

export type GpuProbe = { found: false } | { found: true; path: string; query: VersionRun };

export function gpuVerdict(p: GpuProbe): Check {
  if (!p.found) return ok('gpu', 'nvidia-smi', 'not found: no GPU limits');
  const q = p.query;
  if (q.status === 'exit' && q.code === 0) {
    const names = q.stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return ok('gpu', 'nvidia-smi', names.length ? names.join(', ') : 'no GPUs listed');
  }
  const why =
    q.status === 'exit' ? `exit ${q.code ?? 'by signal'}${firstLine(q.stderr || q.stdout) ? `: ${firstLine(q.stderr || q.stdout)}` : ''}` : q.status === 'timeout' ? 'no answer within 10 s' : q.status === 'missing' ? 'vanished' : q.message;
  return warn('gpu', 'nvidia-smi', `${p.path} failed (${why}): GPU limits cannot be enforced`, 'check the NVIDIA driver (run nvidia-smi yourself)');
}

// ── cgroup v2 user scopes ──

export type CgroupResult = { available: true; controllers: string[] } | { available: false; reason: string };

export function cgroupVerdict(p: CgroupResult, scopesEnabled: boolean): Check {
  const name = 'cgroup scopes';
  if (p.available) return ok('cgroup', name, `cgroup v2 user scopes available (controllers: ${p.controllers.join(' ')})`);
  const matters = scopesEnabled ? 'AURA_WORKER_CGROUP_SCOPES=true needs them' : 'only matters with AURA_WORKER_CGROUP_SCOPES=true';
  return warn(
    'cgroup',
    name,
    `not available: ${p.reason} (${matters})`,
    scopesEnabled
      ? 'run aura in a systemd user session on cgroup v2 (loginctl enable-linger $USER), or set AURA_WORKER_CGROUP_SCOPES=false'
      : 'nothing to do unless you want hard limits: then run aura in a systemd user session on cgroup v2',
  );
}

// ── inotify ──

export const MIN_INOTIFY_WATCHES = 8192;
export const MIN_INOTIFY_INSTANCES = 128;

export function inotifyVerdict(p: { watches: number | null; instances: number | null }): Check {
  const name = 'inotify';
  if (p.watches === null && p.instances === null) {
    return warn('inotify', name, 'cannot read /proc/sys/fs/inotify limits', 'nothing to do off Linux; on Linux, check that /proc is mounted');
  }
  const low: string[] = [];
  const fixes: string[] = [];
  if (p.watches !== null && p.watches < MIN_INOTIFY_WATCHES) {
    low.push(`max_user_watches=${p.watches} (< ${MIN_INOTIFY_WATCHES})`);
    fixes.push('fs.inotify.max_user_watches=524288');
  }
  if (p.instances !== null && p.instances < MIN_INOTIFY_INSTANCES) {
    low.push(`max_user_instances=${p.instances} (< ${MIN_INOTIFY_INSTANCES})`);
    fixes.push('fs.inotify.max_user_instances=512');
  }
  const seen = `max_user_watches=${p.watches ?? '?'}, max_user_instances=${p.instances ?? '?'}`;
  if (low.length === 0) return ok('inotify', name, seen);
  return warn('inotify', name, `low: ${low.join(', ')}; file watching may fail`, `sudo sysctl -w ${fixes.join(' ')} (add to /etc/sysctl.d/ to keep it)`);
}

// ── disk ──

export const MIN_FREE_BYTES = 1024 ** 3;

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export type DiskProbe = { path: string; freeBytes: number } | { path: string; error: string };

export function diskVerdict(p: DiskProbe): Check {
  const name = 'disk';
  if ('error' in p) return warn('disk', name, `cannot check free space at ${p.path}: ${p.error}`, `check that ${p.path} exists and is readable`);
  const free = `${formatSize(p.freeBytes)} free at ${p.path}`;
  if (p.freeBytes < MIN_FREE_BYTES) return warn('disk', name, `only ${free}`, 'free some space: aura writes state, logs and worker output under .aura/');
  return ok('disk', name, free);
}

// ── lock ──

export interface LockProbe {
  /** null when there is no (readable) lock file. */
  lock: { pid: number; alive: boolean; startedAt: string } | null;
  /** The lock file as the user should type it (relative to the current directory when inside it). */
  display: string;
}

export function lockVerdict(p: LockProbe): Check {
  const name = 'daemon lock';
  if (p.lock === null) return ok('lock', name, 'no daemon lock');
  if (p.lock.alive) return ok('lock', name, `held by a running daemon (PID ${p.lock.pid}, started ${p.lock.startedAt})`);
  return warn('lock', name, `stale lock left by PID ${p.lock.pid}`, `aura takes it over on start, or remove ${p.display}`);
}

// ── config ──

export type ConfigProbe = { ok: true; warnings: string[] } | { ok: false; message: string; hint?: string };

export function configVerdict(p: ConfigProbe): Check {
  const name = 'config';
  if (!p.ok) {
    return fail('config', name, p.message.split('\n').map((l) => l.trim()).filter(Boolean).join('; '), p.hint ?? 'fix the setting, or remove it to use the default');
  }
  if (p.warnings.length === 0) return ok('config', name, 'valid');
  return warn('config', name, `valid, ${p.warnings.length} warning${p.warnings.length === 1 ? '' : 's'}: ${p.warnings.join('; ')}`, 'see `aura config` and fix the keys named');
}

// ── summary ──

export function exitCodeOf(checks: readonly Check[]): number {
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}
