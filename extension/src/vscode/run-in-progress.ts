import type { Board } from '../core/boards/board';

/** A Provision Pair / Fleet / Update Credentials under way. */
export interface RunningProvision {
  readonly name: string;
  readonly controller: AbortController;
  readonly boards: readonly Board[];
  /** Settles when the run has ended (its result reported), however it ended. */
  readonly ended: Promise<void>;
}

/**
 * The one run in progress, if any, shared by the commands that must know about it: a second Provision
 * says it is running and offers Cancel; Stop Virtual Lab asks before pulling boards from under it.
 */
export class RunInProgress {
  private run: RunningProvision | undefined;

  get current(): RunningProvision | undefined {
    return this.run;
  }

  /** Marks a run as under way until the returned function is called. */
  begin(run: Omit<RunningProvision, 'ended'>): () => void {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const current: RunningProvision = { ...run, ended };
    this.run = current;
    return () => {
      if (this.run === current) this.run = undefined;
      end();
    };
  }

  /** The run in progress if it uses a virtual board. */
  usingLab(): RunningProvision | undefined {
    return this.run?.boards.some((b) => b.port.source === 'virtual') ? this.run : undefined;
  }
}
