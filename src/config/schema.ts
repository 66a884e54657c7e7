// Every setting aura reads, in one table: the single source of truth for parsing, defaults, the
// accepted-values text in errors, `aura config` output and the README reference. Keys are the
// environment-variable names our Python ancestor used, so existing ~/.aura/config.env files keep working.
import type { z } from 'zod';
import { boolean, commaList, decimal, httpUrl, type Kind, line, listenAddress, listOf, oneOf, percent, wholeNumber, word } from './kinds.js';

export type Group = 'api' | 'loop' | 'workers' | 'watchdog' | 'slurm' | 'notify' | 'dashboard';

/** Headings for the groups, in display order. */
export const GROUPS: Record<Group, string> = {
  api: 'Planner API',
  loop: 'Supervisor loop',
  workers: 'Workers',
  watchdog: 'Resource watchdog',
  slurm: 'Slurm executor',
  notify: 'Notifications',
  dashboard: 'Dashboard',
};

const EVENTS = ['goal_done', 'task_failed', 'task_blocked', 'budget_reached', 'watchdog_kill', 'safe_mode'] as const;
const notify = (description: string): Meta => ({ description, group: 'notify' });

export interface Setting<T extends z.ZodType = z.ZodType> {
  /** Parses one raw, non-empty string. */
  type: T;
  /** Used when no source sets the key; undefined only for optional settings. */
  default: z.output<T>;
  /** One sentence, with the unit. */
  description: string;
  /** Completes "expected …" in error messages. */
  accepts: string;
  group: Group;
  /** Masked wherever it is shown. */
  secret?: true;
}

type Meta = Omit<Setting, 'type' | 'default' | 'accepts'>;

function setting<T extends z.ZodType>(kind: Kind<T>, dflt: z.output<T>, meta: Meta): Setting<T> {
  return { type: kind.type, accepts: kind.accepts, default: dflt, ...meta };
}

/** An optional setting: unset (undefined) unless some source sets it. */
function optional<T extends z.ZodType>(kind: Kind<T>, meta: Meta): Setting<z.ZodOptional<T>> {
  return { type: kind.type.optional(), accepts: kind.accepts, default: undefined, ...meta };
}

/** Worker kinds a task may name with `worker:`. */
export const BACKENDS = ['claude', 'codex', 'opencode', 'gemini', 'shell', 'custom'] as const;

const api = (description: string): Meta => ({ description, group: 'api' });
const watchdog = (description: string): Meta => ({ description: `${description}.`, group: 'watchdog' });
const slurm = (description: string): Meta => ({ description, group: 'slurm' });

export const SETTINGS = {
  // ── api ──
  AURA_API_KEY: optional(word('an API key'), {
    ...api('Anthropic API key for the LLM planner; when unset aura uses the rules planner.'),
    secret: true,
  }),
  AURA_PLANNER: setting(oneOf(['auto', 'llm', 'rules'] as const), 'auto', api('Which planner proposes: auto (the LLM when AURA_API_KEY is set, else the rules), llm (requires a key) or rules.')),
  AURA_API_BASE_URL: setting(httpUrl(), 'https://api.anthropic.com', api('Base URL of the Anthropic Messages API or a compatible endpoint.')),
  AURA_API_AUTH_HEADER: setting(oneOf(['auto', 'bearer', 'x-api-key'] as const), 'auto', api(
    'How the key is sent: bearer (Authorization: Bearer, anthropic-version 2026-10-21, what the SDK sends), x-api-key (X-Api-Key with anthropic-version 2023-06-01, what most compatible endpoints expect) or auto (bearer for api.anthropic.com, x-api-key elsewhere).',
  )),
  AURA_API_MODEL: setting(word('a model name'), 'claude-sonnet-5-5', api('Model the LLM planner asks for.')),
  AURA_API_MAX_TOKENS: setting(wholeNumber(1, 64000, 'tokens'), 4096, api('Most output tokens one planner request may use, in tokens.')),
  AURA_API_TIMEOUT: setting(decimal({ above: 0 }, 'seconds'), 120, api('Time limit for one planner request, in seconds (a timed-out request is retried like a 5xx).')),
  AURA_API_MAX_RETRIES: setting(wholeNumber(0, 10, 'retries'), 2, api('Retries of one planner request after 408, 409, 429, 5xx, timeouts and connection errors, honouring retry-after; other 4xx are never retried.')),
  AURA_API_MAX_ROUNDS: setting(wholeNumber(1, 50, 'rounds'), 6, api('Most model requests in one cycle (each round answers the previous round\'s tool calls).')),
  AURA_API_FAILURES_FOR_SAFE_MODE: setting(wholeNumber(1, 100, 'calls'), 3, api('Consecutive failed planner calls after which the rules planner supervises (safe mode); a refused key switches at once.')),
  AURA_API_SAFE_MODE_RETRY_SECONDS: setting(wholeNumber(1, 86400, 'seconds'), 300, api('In safe mode, time between tries of the model, in seconds; the first success returns to the model.')),
  AURA_API_INPUT_USD_PER_MTOK: setting(decimal({ min: 0 }, 'USD per million tokens'), 3, api('Price of planner input tokens for spend accounting (cache writes count 1.25×, cache reads 0.1×), in USD per million tokens.')),
  AURA_API_OUTPUT_USD_PER_MTOK: setting(decimal({ min: 0 }, 'USD per million tokens'), 15, api('Price of planner output tokens for spend accounting, in USD per million tokens.')),
  AURA_DEEP_REFLECTION_INTERVAL: setting(wholeNumber(0, 10000, 'model cycles'), 20, api('Every this many cycles that used the model, a review call writes memory/reviews/<time>.md for the next cycle; 0 turns reviews off.')),
  AURA_MEMORY_MAX_CHARS: setting(wholeNumber(500, 200000, 'characters'), 6000, api('Most characters of memory/MEMORY.md fed to the model; older entries move to memory/MEMORY.archive.md.')),

  // ── loop ──
  AURA_CYCLE_INTERVAL: setting(wholeNumber(1, 86400, 'seconds'), 300, {
    description: 'Time between heartbeat wakes of the supervisor, in seconds.',
    group: 'loop',
  }),
  AURA_MAX_CONCURRENT_TASKS: setting(wholeNumber(1, 64, 'tasks'), 2, {
    description: 'Most tasks whose workers run at the same time, in tasks.',
    group: 'loop',
  }),
  AURA_MAX_ATTEMPTS: setting(wholeNumber(1, 100, 'attempts'), 3, {
    description: 'Attempts a task gets before it is marked failed, in attempts.',
    group: 'loop',
  }),
  AURA_RETRY_BACKOFF_SECONDS: setting(decimal({ min: 0 }, 'seconds'), 10, {
    description: 'Delay before the first retry of a task, in seconds, doubled for each further attempt.',
    group: 'loop',
  }),
  AURA_RETRY_BACKOFF_MAX_SECONDS: setting(decimal({ min: 0 }, 'seconds'), 600, {
    description: 'Cap on the doubled retry delay, in seconds.',
    group: 'loop',
  }),
  AURA_TASKFILE_DEBOUNCE_MS: setting(wholeNumber(0, 10000, 'milliseconds'), 100, {
    description: 'Quiet time after a task-file change before aura rereads the file, in milliseconds.',
    group: 'loop',
  }),

  // ── workers ──
  AURA_LAYER2_BACKEND: setting(oneOf(BACKENDS), 'claude', {
    description: 'Worker backend for tasks without a `run:` command (claude, codex, opencode, gemini, shell or custom).',
    group: 'workers',
  }),
  AURA_TASK_BUDGET: setting(decimal({ above: 0, max: 10080 }, 'minutes'), 30, {
    description: 'Wall-clock budget for one attempt at a task, in minutes.',
    group: 'workers',
  }),
  AURA_MAX_TURNS: setting(wholeNumber(1, 10000, 'turns'), 50, {
    description: 'Most agent turns in one attempt, in turns (passed to claude as --max-turns).',
    group: 'workers',
  }),
  AURA_AGENT_MODEL: optional(word('a model name'), {
    description: "Model agent workers use (passed as the CLI's model flag); unset leaves the CLI's own default.",
    group: 'workers',
  }),
  AURA_CLAUDE_PERMISSION_MODE: setting(oneOf(['bypassPermissions', 'acceptEdits', 'auto', 'dontAsk', 'plan', 'default']), 'bypassPermissions', {
    description: 'Permission mode for Claude Code workers; bypassPermissions runs unattended (as root it needs IS_SANDBOX=1).',
    group: 'workers',
  }),
  AURA_TASK_BUDGET_USD: setting(decimal({ min: 0, note: '(0 means no cap)' }, 'USD'), 0, {
    description: 'Spending cap for one attempt of an agent worker, in USD (claude --max-budget-usd); 0 means no cap.',
    group: 'workers',
  }),
  AURA_RUN_BUDGET_USD: setting(decimal({ min: 0, note: '(0 means no cap)' }, 'USD'), 0, {
    description: 'Spending cap for the whole run, in USD, summed over every attempt; when reached aura starts nothing new; 0 means no cap.',
    group: 'workers',
  }),
  AURA_RUN_TOKEN_BUDGET: setting(wholeNumber(0, Number.MAX_SAFE_INTEGER, 'tokens'), 0, {
    description: 'Token cap for the whole run (input + output), summed over every attempt; when reached aura starts nothing new; 0 means no cap.',
    group: 'workers',
  }),
  AURA_RUN_BUDGET_ACTION: setting(oneOf(['finish', 'stop']), 'finish', {
    description: 'What happens to running workers when a run budget is reached: finish (let them end) or stop (stop them now; their tasks wait).',
    group: 'workers',
  }),
  AURA_STALL_SECONDS: setting(decimal({ min: 0, note: '(0 disables stall detection)' }, 'seconds'), 600, {
    description: 'A worker with no output, no stream event and no CPU time for this long is stalled and stopped, in seconds; 0 disables it.',
    group: 'workers',
  }),
  AURA_MAX_STALLS: setting(wholeNumber(1, 100, 'stalls'), 2, {
    description: 'Stalls of one task before it is marked failed, in stalls.',
    group: 'workers',
  }),
  AURA_OUTPUT_CAP_MB: setting(decimal({ above: 0, max: 100000 }, 'MB'), 50, {
    description: "Most disk one worker's stdout, stderr or output.jsonl may use (the head and the tail are kept), in MB each.",
    group: 'workers',
  }),
  AURA_CUSTOM_WORKER_COMMAND: optional(line('an argv template such as `mytool --prompt {prompt} --dir {project}`'), {
    description: 'Command of the custom worker backend; placeholders {prompt} {project} {attempt} {model} {max_turns}.',
    group: 'workers',
  }),
  AURA_KILL_GRACE_SECONDS: setting(decimal({ min: 0, max: 600 }, 'seconds'), 10, {
    description: 'Grace between SIGTERM and SIGKILL when aura stops a worker, in seconds.',
    group: 'workers',
  }),
  AURA_ARTIFACT_HASH_MAX_MB: setting(decimal({ min: 0, max: 100000 }, 'MB'), 256, {
    description:
      'Largest artifact file whose content aura hashes to prove it was written during the attempt, in MB; a bigger one is judged by inode, size and time (a touch then counts as a write); 0 judges every file that way.',
    group: 'workers',
  }),
  AURA_VERIFY_TIMEOUT: setting(decimal({ above: 0 }, 'seconds'), 600, {
    description: 'Time limit for one `verify:` command, in seconds.',
    group: 'workers',
  }),
  AURA_RUNNER_STANDBY: setting(boolean(), true, {
    description:
      "Whether one worker runner is kept started ahead of need while tasks wait, so a local worker starts within milliseconds of the decision rather than after Node's own start (true or false); false saves that idle process (~40 MB).",
    group: 'workers',
  }),
  AURA_LEAVE_WORKERS_ON_EXIT: setting(boolean(), false, {
    description: 'Whether workers keep running when the daemon shuts down, so the next daemon re-adopts them (true or false).',
    group: 'workers',
  }),
  AURA_WORKTREES: setting(oneOf(['auto', 'on', 'off'] as const), 'auto', {
    description:
      "Whether an attempt in a git project works in a git worktree of its own, on branch aura/<task>/<attempt>: auto (agent workers do; shell workers when the task says `isolate: worktree`), on (every worker), off (all work in the project's own tree, as before); a task's `isolate:` key overrides it.",
    group: 'workers',
  }),
  AURA_MERGE: setting(oneOf(['auto', 'branch'] as const), 'auto', {
    description:
      "What happens to a verified attempt's branch: auto (rebased or fast-forwarded into the project's branch, one merge at a time) or branch (left for review, listed in progress.md and aura status).",
    group: 'workers',
  }),
  AURA_WORKTREE_COPY: setting(commaList('paths relative to the project'), '.env', {
    description: "Gitignored files copied from the project into each new worktree (more can be listed in .worktreeinclude, one path a line); missing ones are skipped.",
    group: 'workers',
  }),
  AURA_WORKTREE_LINK: setting(commaList('paths relative to the project'), 'node_modules', {
    description: 'Heavy gitignored directories linked (a symlink), not copied, into each new worktree; missing ones are skipped.',
    group: 'workers',
  }),

  // ── watchdog ──
  AURA_WORKER_RESOURCE_GUARD: setting(boolean(), true, watchdog('Whether the resource watchdog watches workers (true or false)')),
  AURA_WORKER_MAX_CPU_PERCENT: setting(percent(), 0, watchdog('CPU use limit for workers, in percent; 0 disables it')),
  AURA_WORKER_MAX_SYSTEM_MEMORY_PERCENT: setting(percent(), 0, watchdog('System memory use limit, in percent of total memory; 0 disables it')),
  AURA_WORKER_MAX_SYSTEM_MEMORY_GB: setting(decimal({ min: 0, note: '(0 disables this limit)' }, 'GB'), 0, watchdog('System memory use limit, in GB; 0 disables it')),
  AURA_WORKER_MIN_SYSTEM_MEMORY_FREE_GB: setting(decimal({ min: 0, note: '(0 disables this limit)' }, 'GB'), 0, watchdog('Free system memory to keep, in GB; 0 disables it')),
  AURA_WORKER_MAX_GPU_UTIL_PERCENT: setting(percent(), 0, watchdog('GPU utilisation limit, in percent; 0 disables it')),
  AURA_WORKER_MAX_GPU_MEMORY_PERCENT: setting(percent(), 0, watchdog('GPU memory use limit, in percent of total GPU memory; 0 disables it')),
  AURA_WORKER_MAX_GPU_MEMORY_GB: setting(decimal({ min: 0, note: '(0 disables this limit)' }, 'GB'), 0, watchdog('GPU memory use limit, in GB; 0 disables it')),
  AURA_WORKER_MIN_GPU_MEMORY_FREE_GB: setting(decimal({ min: 0, note: '(0 disables this limit)' }, 'GB'), 0, watchdog('Free GPU memory to keep, in GB; 0 disables it')),
  AURA_WORKER_RESOURCE_VIOLATION_STRIKES: setting(wholeNumber(1, 100, 'polls'), 3, watchdog('Over-limit polls in a row before the watchdog acts, in polls')),
  AURA_WORKER_RESOURCE_POLL_SECONDS: setting(decimal({ above: 0 }, 'seconds'), 5, watchdog('Time between resource polls, in seconds')),
  AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: setting(decimal({ above: 0 }, 'seconds'), 30, watchdog('Window that resource readings are averaged over, in seconds')),
  AURA_WORKER_CGROUP_SCOPES: setting(boolean(), false, {
    description:
      'Whether to run each worker in its own systemd user scope with hard MemoryMax/CPUQuota from the limits above, where the machine allows it (pure cgroup v2, a user systemd manager, delegated controllers); otherwise aura says why once and relies on sampling (true or false).',
    group: 'watchdog',
  }),
  AURA_WORKER_CUDA_VISIBLE_DEVICES: optional(
    commaList('GPU ids'),
    watchdog('GPU ids workers may use, given to them as CUDA_VISIBLE_DEVICES (a comma-separated list such as 0,1); unset leaves it alone'),
  ),
  // ── slurm ──
  AURA_EXECUTOR: setting(oneOf(['local', 'slurm'] as const), 'local', slurm(
    "Where workers run: local (process trees on this machine) or slurm (one batch job per attempt, the project directory on a filesystem the nodes share); a task's `executor:` key overrides it.",
  )),
  AURA_SLURM_PARTITION: optional(word('a partition name'), slurm('Partition jobs are submitted to (sbatch --partition); unset uses the cluster default.')),
  AURA_SLURM_ACCOUNT: optional(word('an account name'), slurm('Account jobs are charged to (sbatch --account); unset uses your default account.')),
  AURA_SLURM_SBATCH_ARGS: optional(line('sbatch flags such as `--qos=long --constraint=a100`'), slurm(
    'Extra sbatch flags for every job, split like a shell would; flags aura sets itself (name, output, time, memory, CPUs, GPUs, partition, account) are refused with where to set them instead.',
  )),
  AURA_SLURM_POLL_SECONDS: setting(decimal({ above: 0, max: 3600 }, 'seconds'), 10, slurm('Time between the batched squeue calls that follow the run\'s jobs, in seconds.')),
  AURA_SLURM_POLL_MAX_SECONDS: setting(decimal({ above: 0, max: 86400 }, 'seconds'), 300, slurm('Longest time between squeue calls while the controller is slow or failing (aura backs off up to this), in seconds.')),
  AURA_SLURM_COMMAND_TIMEOUT: setting(decimal({ above: 0, max: 600 }, 'seconds'), 30, slurm('Time limit for one Slurm command (sbatch, squeue, sacct, scontrol, sstat, scancel), in seconds.')),
  AURA_SLURM_MISSING_SECONDS: setting(decimal({ min: 0, max: 86400 }, 'seconds'), 120, slurm(
    'How long a job may be missing from the controller\'s listings before aura judges it by its exit record (or as lost, retried without counting), in seconds.',
  )),
  // ── notify ──
  AURA_NOTIFY_WEBHOOK_URL: optional(httpUrl(), {
    ...notify('URL that gets a JSON POST ({event, project, at, text, ...facts}; Slack incoming webhooks show `text`) when something needs a person; unset turns it off.'),
    secret: true,
  }),
  AURA_NOTIFY_COMMAND: optional(
    line('a command'),
    notify('Command run with /bin/sh -c for each notification, with the event as JSON on stdin and AURA_EVENT, AURA_EVENT_TEXT in its environment (10 s limit); unset turns it off.'),
  ),
  AURA_NOTIFY_DESKTOP: setting(boolean(), false, notify('Whether to show desktop notifications (notify-send on Linux, osascript on macOS) (true or false).')),
  AURA_NOTIFY_EVENTS: setting(listOf(EVENTS), [...EVENTS], notify('Attention events that notify, a comma-separated list of goal_done, task_failed, task_blocked, budget_reached, watchdog_kill, safe_mode.')),
  AURA_NOTIFY_WEBHOOK_EVENTS: optional(listOf(EVENTS), notify('Attention events the webhook gets (same words as AURA_NOTIFY_EVENTS); unset uses AURA_NOTIFY_EVENTS.')),
  AURA_NOTIFY_DESKTOP_EVENTS: optional(listOf(EVENTS), notify('Attention events desktop notifications show (same words); unset uses AURA_NOTIFY_EVENTS.')),
  AURA_NOTIFY_COMMAND_EVENTS: optional(listOf(EVENTS), notify('Attention events the command gets (same words); unset uses AURA_NOTIFY_EVENTS.')),
  // ── dashboard ──
  AURA_HTTP_PORT: optional(wholeNumber(0, 65535), {
    description: 'Port of the live dashboard and JSON API the daemon serves (as with `aura start --http`); 0 picks a free port; unset serves nothing.',
    group: 'dashboard',
  }),
  AURA_HTTP_HOST: setting(listenAddress(), '127.0.0.1', {
    description:
      'Address the dashboard listens on: this machine only by default; another address (e.g. 0.0.0.0) lets anyone who reaches it read the run, while changes still need the per-boot token.',
    group: 'dashboard',
  }),
};

export type SettingKey = keyof typeof SETTINGS;

/** The parsed configuration, keyed by env name: `config.AURA_CYCLE_INTERVAL` is a number. */
export type Config = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]['type']> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** The setting as a plain Setting, for code that walks all keys (the precise types are for Config). */
export function settingOf(key: SettingKey): Setting {
  return SETTINGS[key] as Setting;
}

/**
 * AURA_* environment variables that are not settings but are read by other parts of aura (tests,
 * scripts), so seeing them is no reason to warn about an unknown setting.
 */
export const NON_SETTING_ENV_KEYS: ReadonlySet<string> = new Set(['AURA_TEST_CONCURRENCY']);

/** Every key at its default: for tests and for code that needs a Config without loading one. */
export function defaultConfig(): Config {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, settingOf(k).default])) as Config;
}

export type ParseResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses one raw string for `key`; the failure message is the setting's accepted-values text. */
export function parseSetting(key: SettingKey, raw: string): ParseResult {
  const s = settingOf(key);
  const r = s.type.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: `expected ${s.accepts}` };
}
