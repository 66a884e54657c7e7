// Temp home/project dirs with real files, for loadConfig tests.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';

export interface Dirs {
  home: string;
  project: string;
  homeConfig: string;
  projectEnv: string;
  cleanup(): void;
}

export function makeDirs(files: { home?: string; project?: string; homeMode?: number } = {}): Dirs {
  const root = mkdtempSync(path.join(tmpdir(), 'aura-config-'));
  const home = path.join(root, 'home');
  const project = path.join(root, 'project');
  mkdirSync(path.join(home, '.aura'), { recursive: true });
  mkdirSync(project);
  const homeConfig = path.join(home, '.aura', 'config.env');
  const projectEnv = path.join(project, '.env');
  if (files.home !== undefined) {
    writeFileSync(homeConfig, files.home);
    chmodSync(homeConfig, files.homeMode ?? 0o600);
  }
  if (files.project !== undefined) writeFileSync(projectEnv, files.project);
  return { home, project, homeConfig, projectEnv, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** loadConfig against fresh temp dirs; the dirs are removed afterwards. */
export function load(
  input: { home?: string; project?: string; homeMode?: number; env?: NodeJS.ProcessEnv; flags?: Record<string, string> } = {},
): LoadedConfig & { dirs: Dirs } {
  const dirs = makeDirs(input);
  try {
    const r = loadConfig({ projectDir: dirs.project, homeDir: dirs.home, env: input.env ?? {}, flags: input.flags ?? {} });
    return { ...r, dirs };
  } finally {
    dirs.cleanup();
  }
}

/** The message of the error `fn` throws (failing if it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error, got none');
}
