// Cancelling jobs: one scancel for every job waiting to be cancelled, never two at once. A job whose
// sbatch answer was lost is cancelled by name. A failure leaves the jobs pending for the next poll.
import { scancelArgv, scancelByNameArgv } from './argv.js';
import type { SlurmCaller } from './controller.js';
import { describeSlurmError } from './errors.js';
import type { JobHandle } from './handle.js';

export class Canceller {
  private inFlight: Promise<void> | null = null;

  constructor(private readonly o: { user: string; notice: (msg: string) => void }) {}

  send(handles: () => Iterable<JobHandle>, ctl: SlurmCaller): Promise<void> {
    this.inFlight ??= (async () => {
      // While sbatch runs there is nothing to cancel yet; the executor sends again once it answers.
      const due = [...handles()].filter((h) => h.cancelPending && h.phase !== 'final' && h.phase !== 'submitting');
      for (const h of due) h.cancelPending = false;
      const byId = due.filter((h) => h.jobId !== null).map((h) => h.jobId as string);
      try {
        if (byId.length) await ctl.call(scancelArgv(byId));
        for (const h of due.filter((x) => x.jobId === null)) await ctl.call(scancelByNameArgv(h.name, this.o.user));
      } catch (err) {
        for (const h of due) h.cancelPending = true;
        this.o.notice(`scancel failed: ${describeSlurmError(err)}; aura tries again at the next poll`);
      }
    })().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }
}
