import * as vscode from 'vscode';
import { ProvisionError } from '../core/common/errors';
import type { Settings } from '../core/config/settings';
import type { BoardDiscovery } from '../core/boards/board-discovery';
import { DisposableStore } from '../core/common/disposable';
import { ControlServer } from '../lab/control-server';
import { DEFAULT_ACCESS_POINT, Lab } from '../lab/lab';
import { labWifiPassword } from '../lab/lab-password';
import { labPrograms } from '../lab/lab-programs';
import { VirtualDiscoverySource } from '../lab/virtual-discovery-source';
import { labChipMix } from '../lab/board-identity';

/**
 * Runs the virtual lab inside the extension host while the user wants it. Its state (each board's
 * flash, which holds the firmware and so the Wi-Fi credentials) lives in the extension's global storage,
 * never in the workspace.
 */
export class LabController implements vscode.Disposable {
  private lab: Lab | undefined;
  /** A start in progress: a second Start (palette and a button at once) joins it instead of starting another lab. */
  private starting: Promise<Lab> | undefined;
  private running = new DisposableStore();

  constructor(
    private readonly discovery: BoardDiscovery,
    private readonly stateDir: string,
    private readonly log: vscode.LogOutputChannel,
    /** The network the user provisions: the lab's access point takes its name, so boards provisioned before a lab restart rejoin it. */
    private readonly network: () => Pick<Settings, 'wifiSsid' | 'wifiChannel'>,
  ) {}

  get isRunning(): boolean {
    return this.lab !== undefined;
  }

  get current(): Lab | undefined {
    return this.lab;
  }

  /** The password virtual boards and the lab's access point use instead of the user's (lab-password.ts). */
  labPassword(): string {
    return labWifiPassword(this.stateDir);
  }

  start(boardCount: number): Promise<Lab> {
    // Checked here, not only in the command: the API starts labs too, and a lab of -1 boards is no lab.
    if (!Number.isInteger(boardCount) || boardCount < 1 || boardCount > 32) {
      return Promise.reject(new ProvisionError('config', `Start Virtual Lab got ${JSON.stringify(boardCount)} boards.`, undefined, 'Give a whole number from 1 to 32 (setting espnow.lab.boardCount).'));
    }
    if (this.lab) return Promise.resolve(this.lab);
    this.starting ??= this.startNow(boardCount).finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startNow(boardCount: number): Promise<Lab> {
    const boards = labChipMix(boardCount).map((chip) => ({ chip }));
    const password = this.labPassword();
    // Named as the configured network (Provision sets the same before each run): a board provisioned in an
    // earlier lab session rejoins after a restart instead of failing with "no AP found".
    const network = settingsOrNone(this.network);
    const accessPoint = { ...DEFAULT_ACCESS_POINT, password, ssid: network.wifiSsid || DEFAULT_ACCESS_POINT.ssid, channel: network.wifiChannel || DEFAULT_ACCESS_POINT.channel };
    const lab = await Lab.start({ stateDir: this.stateDir, boards, programs: labPrograms, accessPoint, log: (m) => this.log.debug(`lab: ${m}`) });
    this.lab = lab;
    this.running = new DisposableStore();
    this.running.add(lab);
    // The control socket `espnow-prov lab` has (owner only, token in control.json): the CLI (nvs-dump
    // --lab-board) and tests reach this lab's boards too, e.g. to carry one out of range. A lab without it
    // still works in the editor, so a socket that cannot open is a warning, not a failed start.
    await ControlServer.listen(lab, this.stateDir).then(
      (control) => this.running.add(control),
      (e: unknown) => this.log.warn(`virtual lab: no control socket: ${e instanceof Error ? e.message : String(e)}`),
    );
    const source = this.running.add(new VirtualDiscoverySource(lab));
    this.running.add(this.discovery.addSource(source));
    await this.discovery.refresh();
    await vscode.commands.executeCommand('setContext', 'espnow.labRunning', true);
    this.log.info(`virtual lab started with ${boardCount} board(s) in ${this.stateDir}; lab password: ${password} (virtual boards never get your Wi-Fi password)`);
    return lab;
  }

  async stop(): Promise<boolean> {
    // Stopping during a start stops the lab that start brings up.
    await this.starting?.catch(() => undefined);
    if (!this.lab) return false;
    this.lab = undefined;
    this.running.dispose();
    await this.discovery.refresh();
    await vscode.commands.executeCommand('setContext', 'espnow.labRunning', false);
    this.log.info('virtual lab stopped');
    return true;
  }

  dispose(): void {
    this.lab = undefined;
    this.running.dispose();
  }
}

/** The network settings, or none when a setting is invalid: a bad setting elsewhere must not stop the lab. */
function settingsOrNone(read: () => Pick<Settings, 'wifiSsid' | 'wifiChannel'>): Pick<Settings, 'wifiSsid' | 'wifiChannel'> {
  try {
    return read();
  } catch {
    return { wifiSsid: '', wifiChannel: 0 };
  }
}
