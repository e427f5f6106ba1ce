import * as vscode from 'vscode';
import { SerialPort } from 'serialport';
import { BoardDiscovery } from '../core/boards/board-discovery';
import { RemoteDiscoverySource } from '../core/boards/remote-discovery-source';
import { UsbDiscoverySource } from '../core/boards/usb-discovery-source';
import { UsbIdTable } from '../core/boards/usb-ids';
import { DisposableStore } from '../core/common/disposable';
import type { CommandContext } from './command-context';
import { reportError } from './command-context';

/**
 * Wires the USB and remote sources to the settings that shape them, re-applying on change. A bad
 * setting is reported once and the previous value stays in force.
 */
export function setUpDiscovery(discovery: BoardDiscovery, ctx: Pick<CommandContext, 'log' | 'settings'> & Partial<CommandContext>): vscode.Disposable {
  const store = new DisposableStore();
  const usb = new UsbDiscoverySource(() => SerialPort.list(), new UsbIdTable());
  const remote = new RemoteDiscoverySource();
  const apply = () => {
    try {
      const s = ctx.settings();
      usb.setTable(new UsbIdTable(s.usbExtraIds, s.usbIgnoredIds));
      remote.setUrls(s.remotePorts);
      void discovery.refresh();
    } catch (e) {
      reportError(ctx as CommandContext, 'settings', e);
    }
  };
  apply();
  store.add(discovery.addSource(usb));
  store.add(discovery.addSource(remote));
  store.add(discovery.onDidFail((f) => reportError(ctx as CommandContext, `discovery (${f.source.kind})`, f.error)));
  store.add(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('espnow') && apply()));
  discovery.start();
  return { dispose: () => store.dispose() };
}
