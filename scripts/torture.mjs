#!/usr/bin/env node
// `npm run torture -- [--count N] [--seed S] [--only kind,family] [--iteration I] [--verbose] [--keep] [--list]`
// Builds nothing itself (the npm script builds first); runs test/torture/runner.ts through tsx.
// --count is iterations per fault kind (default 3); see test/torture/runner.ts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'torture', 'runner.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
