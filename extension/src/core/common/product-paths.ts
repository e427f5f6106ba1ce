import { basename, join, resolve } from 'node:path';

/**
 * The files the extension and the CLI load at run time. All of them sit under the install folder (the
 * unpacked VSIX's `extension/`, or a checkout), never under the working folder or the workspace, so the
 * installed product works from any folder.
 */
export interface ProductPaths {
  /** The install folder: holds package.json, dist/ and firmware/. */
  readonly root: string;
  /** The firmware for virtual boards, built to WebAssembly (firmware/wasm), shipped as dist/espnow_prov.wasm. */
  readonly wasmFirmware: string;
  /** The ESP-IDF project (firmware/: CMakeLists.txt, main/, core/, Kconfig, sdkconfig.defaults). */
  readonly firmwareProject: string;
}

/** The product's files under an install folder (VS Code: `context.extensionPath`). */
export function productPaths(root: string): ProductPaths {
  const r = resolve(root);
  return { root: r, wasmFirmware: join(r, 'dist', WASM_FIRMWARE_FILE), firmwareProject: join(r, 'firmware') };
}

/** File name of the WebAssembly firmware inside dist/. */
export const WASM_FIRMWARE_FILE = 'espnow_prov.wasm';

/**
 * The install folder of code running from `moduleDir`: the bundle's own folder is `<root>/dist`; run from
 * the sources (tsx), a module under `<root>/extension/src/<layer>` is two levels deeper. A fixed layout, not
 * a search: nothing outside the install folder is ever looked at.
 */
export function installRootOf(moduleDir: string): string {
  const dir = resolve(moduleDir);
  return basename(dir) === 'dist' ? resolve(dir, '..') : resolve(dir, '..', '..', '..');
}
