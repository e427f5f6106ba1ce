import type { MonitorSession } from '../monitor/monitor-session';
import { ProvisionError } from '../common/errors';
import type { BoardMonitor } from './provision-workflow';

/**
 * A MonitorSession as the workflow sees it. `owned`: the run opened it and closes it at the end (CLI);
 * otherwise it belongs to a terminal the user keeps (VS Code).
 */
export function sessionMonitor(session: MonitorSession, owned: boolean, openTimeoutMs = 20_000): BoardMonitor {
  return {
    get state() {
      return session.pipeline.state;
    },
    onDidChangeState: session.pipeline.onDidChangeState,
    whenOpen: (signal) =>
      new Promise<void>((resolve, reject) => {
        if (session.connection === 'open') return resolve();
        const done = (f: () => void) => {
          clearTimeout(timer);
          sub.dispose();
          signal.removeEventListener('abort', onAbort);
          f();
        };
        // A port held by another program leaves the monitor retrying: say so instead of waiting forever.
        const timer = setTimeout(
          () => done(() => reject(new ProvisionError('port-busy', `The monitor could not open its port within ${openTimeoutMs / 1000} s (now ${session.connection}).`, undefined, 'Is another program (idf.py monitor, screen) holding it? Its terminal says more.'))),
          openTimeoutMs,
        );
        const onAbort = () => done(() => reject(new ProvisionError('cancelled', 'Cancelled.')));
        const sub = session.onDidChangeConnection((c) => {
          if (c === 'open') done(resolve);
          if (c === 'closed') done(() => reject(new ProvisionError('port-io', 'The monitor was closed during provisioning.')));
        });
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    resetState: () => session.pipeline.resetState(),
    resetBoard: () => session.resetBoard(),
    dispose: () => {
      if (owned) session.dispose();
    },
  };
}
