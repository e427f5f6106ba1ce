import * as vscode from 'vscode';
import { BoardDiscovery } from './core/boards/board-discovery';
import { BoardRegistry } from './core/boards/board-registry';
import { RoleStore } from './core/boards/role-store';
import { openSerialLink } from './core/serial/link-factory';
import { PortArbiter } from './core/serial/port-arbiter';
import { BoardTreeProvider } from './vscode/board-tree';
import { ClearTextConsent } from './vscode/clear-text-consent';
import { PairKeys } from './core/config/pair-keys';
import { registerShowLog, reportError, type CommandContext } from './vscode/command-context';
import { registerBoardCommands } from './vscode/commands/board-commands';
import { registerBuildCommands } from './vscode/commands/build-commands';
import { registerCredentialCommands } from './vscode/commands/credential-commands';
import { registerPairKeyCommands } from './vscode/commands/pair-key-commands';
import { registerFlashCommands } from './vscode/commands/flash-commands';
import { registerLabCommands } from './vscode/commands/lab-commands';
import { registerLastRunCommands } from './vscode/commands/last-run-commands';
import { registerProvisionCommands } from './vscode/commands/provision-commands';
import { registerRoleCommands } from './vscode/commands/role-commands';
import { setUpDiscovery } from './vscode/discovery-setup';
import { LabController } from './vscode/lab-controller';
import { LastRunTreeProvider } from './vscode/last-run-tree';
import { buildCacheRoot } from './vscode/provision-run';
import { MonitorManager } from './vscode/monitor-manager';
import { PairStatusBar } from './vscode/pair-status-bar';
import { RunInProgress } from './vscode/run-in-progress';
import { SecretRedactor } from './vscode/secret-redactor';
import { readVscodeSettings, settingProblem } from './vscode/settings-reader';
import { SettingNotices } from './vscode/setting-notices';
import type { EspNowApi } from './vscode/extension-api';

/** Composition root: builds the services, views and commands. No logic lives here. */
export function activate(context: vscode.ExtensionContext): EspNowApi {
  const log = vscode.window.createOutputChannel('ESP-NOW', { log: true });
  const discovery = new BoardDiscovery();
  const registry = new BoardRegistry(discovery, new RoleStore(context.workspaceState), context.workspaceState);
  const settings = () => readVscodeSettings();
  const arbiter = new PortArbiter();
  const secretRedactor = new SecretRedactor(context.secrets, settings, log);
  void secretRedactor.refresh();
  const reportFailure = (e: unknown) => reportError(ctx, 'monitor', e);
  const monitors = new MonitorManager(registry, arbiter, secretRedactor.redactor, openSerialLink, settings, context.logUri.fsPath, reportFailure);
  const clearText = new ClearTextConsent(context.globalState, () => settings().security);
  const pairKeys = new PairKeys(context.secrets, (identity, key) => secretRedactor.add('pair-key', key));
  const notices = new SettingNotices((setting) => settingProblem(setting, context.secrets), context.secrets.onDidChange);
  const ctx: CommandContext = { discovery, registry, log, secrets: context.secrets, settings, arbiter, monitors, clearText, pairKeys, notices };

  const lab = new LabController(discovery, vscode.Uri.joinPath(context.globalStorageUri, 'lab').fsPath, log, settings);
  const places = { extensionPath: context.extensionPath, storagePath: context.globalStorageUri.fsPath };
  const tree = new BoardTreeProvider(registry);
  const view = vscode.window.createTreeView('espnow.boards', { treeDataProvider: tree, showCollapseAll: false });
  const statusBar = new PairStatusBar(registry);
  const lastRun = new LastRunTreeProvider();
  const runs = new RunInProgress();
  const lastRunView = vscode.window.createTreeView('espnow.lastRun', { treeDataProvider: lastRun });
  // Scan fast while the Boards view is on screen (hotplug within a second), slowly otherwise.
  const pollWithView = view.onDidChangeVisibility((e) => discovery.setPollInterval(e.visible ? 500 : 3000));
  discovery.setPollInterval(view.visible ? 500 : 3000);

  context.subscriptions.push(
    discovery,
    registry,
    tree,
    view,
    pollWithView,
    statusBar,
    lastRun,
    lastRunView,
    ...registerLastRunCommands(ctx, lastRun),
    secretRedactor,
    clearText,
    notices,
    registerShowLog(ctx),
    monitors,
    setUpDiscovery(discovery, ctx),
    ...registerBoardCommands(ctx),
    ...registerRoleCommands(ctx),
    ...registerFlashCommands(ctx, buildCacheRoot(places)),
    ...registerCredentialCommands(ctx, buildCacheRoot(places)),
    ...registerPairKeyCommands(ctx, buildCacheRoot(places)),
    lab,
    ...registerLabCommands(ctx, lab, runs),
    ...registerProvisionCommands(ctx, lab, places, lastRun, runs),
    ...registerBuildCommands(ctx, places, lab),
    // Last, so the lab and monitors can still log while they shut down.
    log,
  );
  log.info('ESP-NOW Provision activated');
  return { boards: registry, discovery, statusBar, tree, lastRun, monitors, lab, notices, settings, addDiscoverySource: (s) => discovery.addSource(s) };
}

export function deactivate(): void {}
