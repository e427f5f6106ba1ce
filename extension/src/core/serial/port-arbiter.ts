import { ProvisionError } from '../common/errors';
import type { Disposable } from '../common/disposable';

/** Something that wants a board's port: a monitor, the flasher, an identification. */
export interface PortClaimant {
  /** Shown when someone else is refused the port: "the monitor", "flashing". */
  readonly name: string;
  /** A monitor lends its port (closes it) and takes it back later; a flash in progress does not. */
  readonly lends: boolean;
  /** Called when a later claimant borrows the port: close it. */
  suspend?(): Promise<void>;
  /** Called when the borrower is done: reopen it (after re-enumeration on native USB). */
  resume?(): Promise<void>;
}

export interface PortLease extends Disposable {
  readonly path: string;
}

/**
 * One owner at a time per port. A claimant that lends (the monitor) is suspended while a borrower (the
 * flasher, identification) uses the port and resumed afterwards, so "the monitor holds the port and
 * flashing fails" cannot happen within our own extension.
 */
export class PortArbiter {
  private readonly holders = new Map<string, PortClaimant[]>();
  /** Claims on one path run one after another, so two flashers never interleave suspend/resume. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** The current owner's name, if any. */
  ownerOf(path: string): string | undefined {
    return this.holders.get(path)?.at(-1)?.name;
  }

  claim(path: string, claimant: PortClaimant): Promise<PortLease> {
    const previous = this.queues.get(path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.claimNow(path, claimant));
    this.queues.set(path, next);
    return next;
  }

  private async claimNow(path: string, claimant: PortClaimant): Promise<PortLease> {
    const stack = this.holders.get(path) ?? [];
    const top = stack.at(-1);
    if (top && !top.lends) {
      throw new ProvisionError('port-busy', `${path} is busy: ${top.name} is using it.`, path, 'Wait for it to finish, or cancel it.');
    }
    if (top?.suspend) await top.suspend();
    stack.push(claimant);
    this.holders.set(path, stack);
    let released = false;
    return {
      path,
      dispose: () => {
        if (released) return;
        released = true;
        const s = this.holders.get(path) ?? [];
        const i = s.lastIndexOf(claimant);
        if (i >= 0) s.splice(i, 1);
        if (s.length === 0) this.holders.delete(path);
        // Hand the port back to whoever it was borrowed from, if that is now on top again.
        const back = s.at(-1);
        if (back && i === s.length && back.resume) void back.resume().catch(() => undefined);
      },
    };
  }
}
