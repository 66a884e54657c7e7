// Where everything lives under <project>/.aura/. One place, so no module invents a path.
import path from 'node:path';

export interface Layout {
  root: string; // <project>/.aura
  project: string; // the project root (the task file's directory)
  stateDir: string;
  stateFile: string;
  statePrevFile: string;
  journalFile: string;
  progressFile: string;
  /** What `aura status` shows of a stopped run, written by the daemon as it stops (status-cache.ts). */
  statusCacheFile: string;
  memoryDir: string;
  workspaceDir: string;
  runDir: string;
  lockFile: string;
  logsDir: string;
}

export function layoutFor(projectDir: string): Layout {
  const project = path.resolve(projectDir);
  const root = path.join(project, '.aura');
  const stateDir = path.join(root, 'state');
  const runDir = path.join(root, 'run');
  return {
    root,
    project,
    stateDir,
    stateFile: path.join(stateDir, 'state.json'),
    statePrevFile: path.join(stateDir, 'state.prev.json'),
    journalFile: path.join(stateDir, 'journal.jsonl'),
    progressFile: path.join(stateDir, 'progress.md'),
    statusCacheFile: path.join(stateDir, 'status-cache.json'),
    memoryDir: path.join(root, 'memory'),
    workspaceDir: path.join(root, 'workspace'),
    runDir,
    lockFile: path.join(runDir, 'daemon.lock'),
    logsDir: path.join(root, 'logs'),
  };
}

/** Attempt directory for a task, relative to .aura/ (task ids are sanitised to [a-z0-9._-]). */
export function attemptDirRel(taskId: string, n: number): string {
  return path.join('workspace', 'tasks', taskId, `attempt-${n}`);
}
