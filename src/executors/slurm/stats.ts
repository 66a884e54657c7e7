// What the Slurm benchmark reads from a live executor: polls done, and for the last 1000 polls the
// controller calls each made and how long squeue took.
const KEEP = 1000;

export class PollStats {
  polls = 0;
  readonly callsPerPoll: number[] = [];
  readonly squeueMs: number[] = [];

  squeue(ms: number): void {
    keepLast(this.squeueMs, ms);
  }

  calls(n: number): void {
    keepLast(this.callsPerPoll, n);
  }
}

function keepLast(list: number[], v: number): void {
  list.push(v);
  if (list.length > KEEP) list.shift();
}
