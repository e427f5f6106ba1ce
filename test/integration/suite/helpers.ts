// Shared by the suites: the extension's API, a discovery source the tests control, and waiting on events.
import * as vscode from 'vscode';
import type { DetectedPort } from '../../../extension/src/core/boards/detected-port';
import type { DiscoverySource } from '../../../extension/src/core/boards/discovery-source';
import type { EspNowApi } from '../../../extension/src/vscode/extension-api';

export const EXTENSION_ID = 'espnow-provision.espnow-provision';

export function extension(): vscode.Extension<EspNowApi> {
  const ext = vscode.extensions.getExtension<EspNowApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this host`);
  return ext;
}

/** Activates the extension (a no-op when already active) and returns what activate() returned. */
export async function api(): Promise<EspNowApi> {
  return extension().activate();
}

/**
 * A discovery source whose ports the test sets, standing in for USB ports being plugged and unplugged.
 * It fires onDidChange like a source that knows of changes before the next poll.
 */
export class FakeSource implements DiscoverySource {
  readonly kind = 'usb' as const;
  private ports: DetectedPort[] = [];
  private listeners = new Set<() => void>();

  readonly onDidChange = (listener: () => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  async scan(): Promise<DetectedPort[]> {
    return this.ports;
  }

  set(ports: DetectedPort[]): void {
    this.ports = ports;
    for (const l of [...this.listeners]) l();
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/**
 * Plugs a FakeSource into the extension. remove() unplugs it and waits until its boards have left the
 * model: discovery rescans asynchronously, and a stale board with a reused path would otherwise satisfy
 * the next test's waits and then vanish under it.
 */
export async function plugFakeSource(a: EspNowApi): Promise<{ source: FakeSource; remove(): Promise<void> }> {
  const source = new FakeSource();
  const registration = a.addDiscoverySource(source);
  return {
    source,
    async remove() {
      const paths = new Set((await source.scan()).map((p) => p.path));
      registration.dispose();
      source.dispose();
      await until("the fake source's boards are gone", () => !a.boards.list().some((b) => paths.has(b.port.path)), a.boards.onDidChange);
    },
  };
}

/** A fresh name per call, so no two tests share a port path or a board identity. */
let serial = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}${++serial}`;
}

/** A CP2102 dev board as SerialPort.list() reports one: its serial number is its identity until the MAC is read. */
export function usbBoard(path: string, serialNumber: string): DetectedPort {
  return { source: 'usb', path, description: `Test CP2102 ${serialNumber}`, vendorId: '10c4', productId: 'ea60', serialNumber, manufacturer: 'Silicon Labs' };
}

/**
 * Resolves once `check()` holds, re-checking whenever `event` fires (and on a short poll, for state that
 * changes without an event). Rejects after `ms` with `what` in the message, so a failure says what never happened.
 */
export async function until<T>(what: string, check: () => T | undefined | false, event: (l: () => void) => { dispose(): void }, ms = 5_000): Promise<T> {
  const first = check();
  if (first) return first;
  return new Promise<T>((resolve, reject) => {
    const finish = (f: () => void) => {
      clearTimeout(timer);
      clearInterval(poll);
      sub.dispose();
      f();
    };
    const test = () => {
      const v = check();
      if (v) finish(() => resolve(v));
    };
    const sub = event(test);
    const poll = setInterval(test, 100);
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${ms} ms waiting until ${what}`))), ms);
  });
}

/**
 * Marker a first window leaves in the workspace for the next one, so a suite can check what survives a
 * window reload (the runners open the workspace a second time when the marker exists).
 */
export function reloadMarker(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? `${folder.uri.fsPath}/.vscode/espnow-reload-check.json` : undefined;
}
