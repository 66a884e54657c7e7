#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => { process.exit(code); },
  (err) => { console.error(err?.stack ?? String(err)); process.exit(1); },
);
