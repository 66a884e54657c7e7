// Linux /proc readers: pure parsing in parse.ts, single-process reads in read.ts, scans in scan.ts.
export { parseStat, splitNul, environHas, type ProcInfo } from './parse.js';
export {
  readStat,
  readCmdline,
  readEnvironHas,
  processMatches,
  listPids,
  procPath,
  type ProcessIdentity,
} from './read.js';
export { scanProcesses, findByEnvMarker } from './scan.js';
