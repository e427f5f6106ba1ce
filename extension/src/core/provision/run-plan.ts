import { IdfFirmwareBuilder, VirtualFirmwareBuilder, type FirmwareBuilder } from '../build/firmware-builder';
import type { FirmwareRole } from '../build/sdkconfig';
import type { ProductPaths } from '../common/product-paths';

/**
 * A board's part in a run, the same in the editor, `espnow-prov provision` and the demo: "responder",
 * "initiator" when there is one, "initiator 1" … "initiator N" in a fleet (index counts initiators from 1).
 */
export function runPartName(role: FirmwareRole, index: number, initiatorCount: number): string {
  if (role === 'responder') return 'responder';
  return initiatorCount === 1 ? 'initiator' : `initiator ${index}`;
}

/** The roles of a run's boards in order: the responder first, then every initiator. */
export function runRoles(initiatorCount: number): FirmwareRole[] {
  return ['responder', ...Array.from({ length: initiatorCount }, () => 'initiator' as const)];
}

/** Where a run's builders find the product's firmware and keep their builds. */
export interface BuilderPlaces {
  /** The installed product (ProductPaths): the WebAssembly firmware and the ESP-IDF project. */
  readonly paths: ProductPaths;
  /** A private folder outside any workspace: builds may hold secrets. */
  readonly cacheRoot: string;
  /** espnow.idfPath / --idf-path; empty or undefined: $IDF_PATH. */
  readonly idfPath?: string;
  /** Another ESP-IDF project than the shipped one (the CLI's --firmware). */
  readonly firmwareDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The two builders of every front end: virtual boards get the shipped WebAssembly firmware packed (no
 * compiler), real boards an ESP-IDF build of the installed project. Made on demand, so a missing ESP-IDF is
 * only an error for a run that needs it.
 */
export function runBuilders(p: BuilderPlaces): { virtual(): FirmwareBuilder; idf(): FirmwareBuilder } {
  return {
    virtual: () => new VirtualFirmwareBuilder({ wasmPath: p.paths.wasmFirmware, cacheRoot: p.cacheRoot }),
    idf: () => new IdfFirmwareBuilder({ idfPath: p.idfPath || undefined, firmwareDir: p.firmwareDir ?? p.paths.firmwareProject, cacheRoot: p.cacheRoot, ...(p.env ? { env: p.env } : {}) }),
  };
}
