import * as vscode from 'vscode';
import { CHIP_KEYS } from '../../core/chips/chips';
import { clearBuildCache } from '../../core/build/cache-hygiene';
import type { FirmwareRole } from '../../core/build/sdkconfig';
import { resolveWifiCredentials } from '../../core/config/credentials';
import { registerCommand, type CommandContext } from '../command-context';
import type { LabController } from '../lab-controller';
import { buildCacheRoot, buildersFor, pairKeyForBuild, type ProvisionPlaces } from '../provision-run';

const TARGETS = CHIP_KEYS;

/**
 * Build Firmware: one role for one chip with the configured credentials, by ESP-IDF (real boards) or the
 * WebAssembly firmware (virtual boards), into the build cache outside the workspace; then offers to flash it.
 */
export function registerBuildCommands(ctx: CommandContext, places: ProvisionPlaces, lab: LabController): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'espnow.buildFirmware', async (roleArg?: unknown, targetArg?: unknown, kindArg?: unknown) => {
      const role = (roleArg as FirmwareRole | undefined) ?? (await pick('Role', [
        { label: 'responder', detail: 'holds the Wi-Fi credentials and beacons' },
        { label: 'initiator', detail: 'the new device that asks for them' },
      ]));
      if (!role) return undefined;
      const target = (targetArg as string | undefined) ?? (await pick('Chip', TARGETS.map((t) => ({ label: t }))));
      if (!target) return undefined;
      const kind = (kindArg as 'idf' | 'virtual' | undefined) ?? (await pick('Build for', [
        { label: 'idf', description: 'real boards', detail: 'ESP-IDF (espnow.idfPath or $IDF_PATH)' },
        { label: 'virtual', description: 'virtual boards', detail: 'the WebAssembly firmware the virtual lab runs; no compiler needed' },
      ]));
      if (!kind) return undefined;

      const settings = ctx.settings();
      const creds = await resolveWifiCredentials(settings, ctx.secrets);
      const responder = role === 'responder';
      // Images for virtual boards carry the lab's password, never the user's (lab-password.ts).
      const password = !responder ? '' : kind === 'virtual' ? lab.labPassword() : creds.password;
      if (responder && kind === 'idf') await ctx.clearText.confirm(settings.security, creds.ssid);
      const config = { role: role as FirmwareRole, security: settings.security, ssid: responder ? creds.ssid : '', password, channel: responder ? settings.wifiChannel : 0, pairKey: await pairKeyForBuild(ctx) };
      const builders = buildersFor(places, settings.idfPath);
      const builder = kind === 'idf' ? builders.idf() : builders.virtual();
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ESP-NOW: building the ${role} for ${target}`, cancellable: true }, (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return builder.build(target, config, { signal: abort.signal, onOutput: (l) => (ctx.log.trace(`build: ${l}`), progress.report({ message: l.slice(0, 80) })) });
      });
      ctx.log.info(`${role} for ${target} with ${result.toolchain}: ${result.cached ? 'from the build cache' : `built in ${(result.durationMs / 1000).toFixed(1)} s`}: ${result.buildDir}`);
      void vscode.window.showInformationMessage(`ESP-NOW: ${role} firmware for ${target} (${result.toolchain}) ${result.cached ? 'is in the build cache' : 'built'}.`, 'Flash Board').then((c) => c && vscode.commands.executeCommand('espnow.flashBoard', undefined, result.buildDir));
      return result;
    }),
    // Every cached build holds the Wi-Fi password and pair key it was made with: this removes them all.
    registerCommand(ctx, 'espnow.clearBuildCache', async (confirmed?: unknown) => {
      const yes = 'Clear Build Cache';
      if (confirmed !== true) {
        const choice = await vscode.window.showWarningMessage('Remove every cached firmware build? The next build of each role and chip starts from scratch.', { modal: true }, yes);
        if (choice !== yes) return 0;
      }
      const removed = await clearBuildCache(buildCacheRoot(places));
      ctx.log.info(`build cache cleared: ${removed} folder(s) removed`);
      void vscode.window.showInformationMessage(`ESP-NOW: build cache cleared (${removed} build folder${removed === 1 ? '' : 's'} removed).`);
      return removed;
    }),
  ];
}

async function pick(title: string, items: vscode.QuickPickItem[]): Promise<string | undefined> {
  return (await vscode.window.showQuickPick(items, { title: `ESP-NOW: Build Firmware: ${title}` }))?.label;
}
