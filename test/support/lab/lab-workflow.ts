import { cliMonitors } from '../../../extension/src/cli/workflow-output';
import type { FirmwareBuilder } from '../../../extension/src/core/build/firmware-builder';
import { flashBoards } from '../../../extension/src/core/flash/flash-boards';
import { Redactor } from '../../../extension/src/core/monitor/redactor';
import { ProvisionWorkflow, type ProvisionRequest, type ProvisionResult, type ProvisionStage } from '../../../extension/src/core/provision/provision-workflow';
import { PortArbiter } from '../../../extension/src/core/serial/port-arbiter';

/**
 * Runs the provisioning workflow the editor and the CLI run, on lab boards, with a given builder; the
 * monitors' output is collected in `log` (redacted with the run's secrets). `onStage` sees each stage as it
 * starts (a fault test acts at a given point of the run).
 */
export async function runLabWorkflow(request: ProvisionRequest, builder: FirmwareBuilder, hooks: { onStage?: (stage: ProvisionStage) => void } = {}): Promise<{ result: ProvisionResult; log: string }> {
  const arbiter = new PortArbiter();
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const redactor = new Redactor([...(request.password ? [{ kind: 'password' as const, value: request.password }] : []), { kind: 'pair-key' as const, value: request.pairKey }]);
  const workflow = new ProvisionWorkflow(request, {
    findBuild: (b, config) => builder.findBuild(b.target, config),
    build: (b, config, signal) => builder.build(b.target, config, { signal }),
    flash: (targets, signal, onProgress) => flashBoards(targets, { arbiter, baud: 921600, signal, onProgress, afterFlash: 'bootloader' }),
    monitor: cliMonitors({ arbiter, redactor, io, quiet: false }),
  });
  const sub = hooks.onStage && workflow.onDidChangeStage((e) => hooks.onStage!(e.stage));
  try {
    return { result: await workflow.run(), log: lines.join('\n') };
  } finally {
    sub?.dispose();
    workflow.dispose();
  }
}
