// The thin I/O edge: runs one Slurm command with a time limit and turns every way it can fail into
// a SlurmError with a stable code and a message that names the command. Counts calls per command so
// the benchmark (and the curious) can see how hard aura leans on the controller.
import { runCommand, type RunCommand } from '../../util/run-command.js';
import { SlurmError } from './errors.js';

export interface ControllerOptions {
  /** Environment the commands run in (SLURM_CONF and PATH matter). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  run?: RunCommand;
}

export interface CallOptions {
  env?: NodeJS.ProcessEnv;
  /** Exit codes that still mean an answer (sstat exits 1 when one job of several has no step left). */
  okCodes?: number[];
}

/** What the parts that only run commands need of the controller. */
export interface SlurmCaller {
  call(argv: readonly string[], opts?: CallOptions): Promise<CallResult>;
}

export interface CallResult {
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Words in stderr that mean the controller, not the request, is the problem. */
const UNREACHABLE = /unable to contact slurm controller|socket timed out|connection refused|zero bytes were transmitted|slurm_load_jobs error: (?:unable|socket)|communication connection failure|slurmctld.*(?:not responding|down)/i;

export class Controller {
  /** Calls made, per command (squeue, sbatch, …). */
  readonly calls = new Map<string, number>();
  private readonly run: RunCommand;

  constructor(private readonly o: ControllerOptions) {
    this.run = o.run ?? runCommand;
  }

  /** A view that counts the calls made through it (one poll's, apart from calls running beside it). */
  counting(): SlurmCaller & { count: number } {
    const scope = { count: 0, call: (argv: readonly string[], opts?: CallOptions) => (scope.count++, this.call(argv, opts)) };
    return scope;
  }

  get totalCalls(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  /** Runs argv; resolves with its output when it exits 0, else throws a SlurmError. */
  async call(argv: readonly string[], opts: CallOptions = {}): Promise<CallResult> {
    const cmd = argv[0] ?? '';
    this.calls.set(cmd, (this.calls.get(cmd) ?? 0) + 1);
    const t0 = performance.now();
    const r = await this.run(argv, { timeoutMs: this.o.timeoutMs, env: opts.env ?? this.o.env });
    const durationMs = performance.now() - t0;
    switch (r.status) {
      case 'missing':
        throw new SlurmError('SLURM_MISSING', `${cmd} is not installed (not found on PATH)`, "install Slurm's client commands on this machine, or set AURA_EXECUTOR=local");
      case 'timeout':
        throw new SlurmError('SLURM_TIMEOUT', `${cmd} did not answer within ${Math.round(this.o.timeoutMs / 1000)} s`, 'the controller may be overloaded; aura backs off and asks again (AURA_SLURM_COMMAND_TIMEOUT sets the limit)');
      case 'error':
        throw new SlurmError('SLURM_CONTROLLER', `${cmd} could not be run: ${r.message}`, 'check the Slurm installation with `aura doctor`');
      case 'exit': {
        if (r.code === 0 || (r.code !== null && opts.okCodes?.includes(r.code))) return { stdout: r.stdout, stderr: r.stderr, durationMs };
        const said = r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ') || `exit ${r.code ?? r.signal}`;
        if (UNREACHABLE.test(r.stderr)) {
          throw new SlurmError('SLURM_CONTROLLER', `${cmd}: the controller did not answer: ${said}`, 'check slurmctld (`scontrol ping`); aura backs off and asks again');
        }
        throw new SlurmError('SLURM_REFUSED', `${cmd} failed: ${said}`, cmd === 'sbatch' ? 'check AURA_SLURM_PARTITION, AURA_SLURM_ACCOUNT, AURA_SLURM_SBATCH_ARGS and the task\'s mem:/cpus:/gpus:' : 'see `aura doctor`');
      }
    }
  }
}
