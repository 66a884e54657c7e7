#!/usr/bin/env node
// Installs the pinned agent CLIs (claude, opencode, codex, gemini) of test/agents/package.json when
// they are missing, so the real-binary tests work on a fresh clone: `node test/agents/setup.mjs`, or
// `ensureAgentClis()` from a test's before(). All four come in one `npm install`, once per clone.
//
// Why `npm install` and not `npm ci`: the lock records only the platform packages the registry
// served when it was made; `npm ci` refuses a lock that lacks any optional platform package, while
// `npm install --no-save` installs the locked versions and leaves package.json and the lock alone.
// Both packages place their native binary in a postinstall script. npm 11 warns about dependency
// install scripts not covered by `allowScripts` (and later versions block them), so package.json
// approves these two; if a stricter npm skipped them anyway, they are run here by hand. codex and
// gemini need no script: codex's native binary is a platform package, gemini is plain JS (its
// optional keytar and node-pty addons have scripts, and gemini runs headless without either).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const AGENTS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const PINS = { claude: '2.1.329', opencode: '1.18.33', codex: '0.169.0', gemini: '0.61.0' };
const bin = (name) => path.join(AGENTS_DIR, 'node_modules', '.bin', name);
export const BINS = { claude: bin('claude'), opencode: bin('opencode'), codex: bin('codex'), gemini: bin('gemini') };
const POSTINSTALL = {
  claude: { dir: path.join(AGENTS_DIR, 'node_modules', '@anthropic-ai', 'claude-code'), script: 'install.cjs' },
  opencode: { dir: path.join(AGENTS_DIR, 'node_modules', 'opencode-ai'), script: 'postinstall.mjs' },
};

function version(name) {
  if (!existsSync(BINS[name])) return null;
  // Its own TMPDIR and HOME: opencode leaves a directory in TMPDIR on every start, gemini writes
  // ~/.gemini and codex ~/.codex even for --version.
  const tmp = mkdtempSync(path.join(tmpdir(), 'aura-agent-version-'));
  try {
    const env = { ...process.env, TMPDIR: tmp, HOME: tmp, CODEX_HOME: tmp };
    const r = spawnSync(BINS[name], ['--version'], { cwd: tmp, encoding: 'utf8', timeout: 30_000, env });
    return r.status === 0 ? r.stdout.trim() : null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Every test file that runs a CLI asks first, and `gemini --version` alone takes seconds on a busy
// machine: once all four answered with their pins, a stamp inside node_modules says so (a reinstall
// or a removed node_modules takes it away).
const STAMP = path.join(AGENTS_DIR, 'node_modules', '.aura-agent-clis.json');

function stamped() {
  try {
    return readFileSync(STAMP, 'utf8') === JSON.stringify(PINS) && Object.values(BINS).every((b) => existsSync(b));
  } catch (err) {
    if (err.code === 'ENOENT') return false;
    throw err;
  }
}

function ready() {
  if (stamped()) return true;
  const ok = Object.entries(PINS).every(([name, pin]) => (version(name) ?? '').includes(pin));
  if (ok) writeFileSync(STAMP, JSON.stringify(PINS));
  return ok;
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout).slice(-2000)}`);
}

/** One installer at a time: test files run in parallel and may all find the CLIs missing. */
async function withLock(fn) {
  const key = createHash('sha256').update(AGENTS_DIR).digest('hex').slice(0, 12);
  const lock = path.join(tmpdir(), `aura-agent-clis-${key}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than the longest install is left over from a killed run.
      if (Date.now() - statSync(lock).mtimeMs > 12 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Makes sure the pinned CLIs run; returns their paths. Throws with npm's words when it cannot. */
export async function ensureAgentClis({ log = () => {} } = {}) {
  if (ready()) return BINS;
  return withLock(async () => {
    if (ready()) return BINS; // another test file installed them while we waited
    const pins = Object.entries(PINS).map(([n, v]) => `${n} ${v}`).join(', ');
    log(`installing agent CLIs into ${AGENTS_DIR} (${pins}) …`);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], AGENTS_DIR);
    for (const [name, p] of Object.entries(POSTINSTALL)) {
      if (version(name) === null && existsSync(path.join(p.dir, p.script))) {
        log(`running ${name}'s postinstall by hand (npm skipped it)`);
        run(process.execPath, [p.script], p.dir);
      }
    }
    if (!ready()) {
      const got = Object.keys(PINS).map((n) => `${n}=${version(n)}`).join(' ');
      throw new Error(`agent CLIs still not runnable after install: ${got}`);
    }
    return BINS;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureAgentClis({ log: (m) => console.log(m) }).then(
    (bins) => console.log(`agent CLIs ready: ${Object.values(bins).join(', ')}`),
    (err) => {
      console.error(String(err instanceof Error ? err.message : err));
      process.exit(1);
    },
  );
}
