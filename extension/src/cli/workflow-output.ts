import { MonitorLogFile } from '../core/monitor/monitor-log-file';
import { MonitorSession } from '../core/monitor/monitor-session';
import type { Redactor } from '../core/monitor/redactor';
import type { ProvisionDeps, ProvisionWorkflow } from '../core/provision/provision-workflow';
import { sessionMonitor } from '../core/provision/session-monitor';
import { openSerialLink } from '../core/serial/link-factory';
import type { PortArbiter } from '../core/serial/port-arbiter';
import { printTagged } from './board-output';
import type { CliIo } from './cli-io';
import { FlashProgressView, terminalFor } from './flash-progress-view';

/**
 * The monitors of a CLI provisioning run: one session per board, owned by the run, its redacted log
 * printed with the board's name in front unless `quiet`, and written to a file per board in `logDir`.
 */
export function cliMonitors(opts: { arbiter: PortArbiter; redactor: Redactor; io: CliIo; quiet: boolean; logDir?: string }): ProvisionDeps['monitor'] {
  return async (b) => {
    const baudRate = 115200;
    const s = new MonitorSession({ path: b.path, baudRate, arbiter: opts.arbiter, openLink: openSerialLink, pipeline: { redactor: opts.redactor, role: b.role } });
    try {
      if (!opts.quiet) printTagged(s, b.name, b.role, opts.io);
      if (opts.logDir) {
        const log = s.adopt(MonitorLogFile.inFolder(opts.logDir, s.pipeline, { board: b.name, port: b.path, baud: baudRate }, { onError: (e) => opts.io.err(e.describe()) }));
        opts.io.err(`${b.name}: monitor log ${log.path}`);
      }
      await s.start();
    } catch (e) {
      // The run never gets this session: closed here, its log file with it.
      s.dispose();
      throw e;
    }
    return sessionMonitor(s, true);
  };
}

/** Draws the run's flash progress (bars on a TTY, lines otherwise), closing it when monitoring starts. */
export function showFlashProgress(workflow: ProvisionWorkflow, io: CliIo): void {
  const view = new FlashProgressView(io, terminalFor(io));
  workflow.onDidFlashProgress(({ overall, changed }) => view.update(overall, changed));
  workflow.onDidChangeStage(({ stage }) => stage === 'monitoring' && view.finish());
}
