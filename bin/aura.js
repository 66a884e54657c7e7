#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm ci` through the prepare script). A plain
// `aura status` skips the command tree (dist/cli/fast.js): it is the command people time.
import { fastMain } from '../dist/cli/fast.js';

// process.exit drops what a pipe has not taken yet (`aura status --json | jq` on a large run was cut
// at 64 KB): exit once stdout has flushed, or failed (a reader that went away).
function exitWhenFlushed(code) {
  const exit = () => process.exit(code);
  process.stdout.once('error', exit);
  process.stdout.write('', exit);
}

(fastMain(process.argv) ?? import('../dist/cli/main.js').then((m) => m.main(process.argv))).then(
  (code) => { exitWhenFlushed(code); },
  (err) => { console.error(err?.stack ?? String(err)); process.exit(1); },
);
