import type { ChipInfo } from '../boards/board';
import { ProvisionError, isProvisionError } from '../common/errors';
import { openSerialLink } from '../serial/link-factory';
import { PortArbiter } from '../serial/port-arbiter';
import type { SerialLink, SerialLinkFactory } from '../serial/serial-link';
import { ROM_BAUD } from './baud-fallback';
import type { BoardLoader, ConnectLoader } from './board-loader';
import { connectEsptool } from './esptool-loader';
import { toChipInfo } from './flash-board';

/** What identification learned about one board. */
export interface IdentifyResult {
  readonly path: string;
  readonly board: string;
  readonly chipInfo: ChipInfo;
  /** esptool's description: "ESP32-S3 (QFN56) (revision v0.2)". */
  readonly description: string;
  readonly durationMs: number;
}

/** One board of `identifyBoards`: a result, or the error that stopped it. */
export interface IdentifyOutcome {
  readonly path: string;
  readonly result?: IdentifyResult;
  readonly error?: ProvisionError;
}

/** Seams and settings; everything has a default. */
export interface IdentifyOptions {
  readonly romBaud?: number;
  /** Shared with the monitors, so identification borrows their ports and hands them back. */
  readonly arbiter?: PortArbiter;
  readonly openLink?: SerialLinkFactory;
  readonly connect?: ConnectLoader;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Labels per path for messages; the path when absent. */
  readonly labels?: ReadonlyMap<string, string>;
  readonly now?: () => number;
}

/**
 * Identifies one board: claims its port, resets it into the ROM bootloader, reads chip, description,
 * revision, MAC, flash size, crystal and features, then resets it back into its firmware. It stays at
 * the ROM baud and runs no stub: the handful of register reads would take longer to speed up than to do.
 * The caller caches the result (BoardRegistry.setChipInfo).
 */
export async function identifyBoard(path: string, options: IdentifyOptions = {}): Promise<IdentifyResult> {
  try {
    return await identifyOnce(path, options);
  } catch (e) {
    // A reply garbled on the line after the sync (noise while reading the eFuses) is worth one more
    // identification, as esptool retries; every other fault is reported as it is.
    if (!isProvisionError(e) || (e.kind !== 'protocol' && e.kind !== 'checksum') || options.signal?.aborted) throw e;
    options.log?.(`${e.board ?? path}: ${e.message}; trying once more`);
    return identifyOnce(path, options);
  }
}

async function identifyOnce(path: string, options: IdentifyOptions): Promise<IdentifyResult> {
  const board = options.labels?.get(path) ?? path;
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lease: { dispose(): void } | undefined;
  let link: SerialLink | undefined;
  let loader: BoardLoader | undefined;
  try {
    lease = await (options.arbiter ?? new PortArbiter()).claim(path, { name: `identifying ${board}`, lends: false });
    link = (options.openLink ?? openSerialLink)(path);
    loader = await (options.connect ?? connectEsptool)(link, { board, romBaud: options.romBaud, flashBaud: options.romBaud ?? ROM_BAUD, stub: false, log: options.log, signal: options.signal });
    const details = await loader.readChipDetails();
    await loader.hardReset();
    return { path, board, chipInfo: toChipInfo(details), description: details.description, durationMs: now() - started };
  } catch (e) {
    // Errors from below name the port; the label the user knows the board by wins.
    if (isProvisionError(e)) throw e.board === board ? e : new ProvisionError(e.kind, e.message, board, e.hint, { cause: e });
    throw new ProvisionError('internal', e instanceof Error ? e.message : String(e), board, undefined, { cause: e });
  } finally {
    await loader?.close();
    link?.dispose();
    lease?.dispose();
  }
}

/**
 * Identifies every board at once. Each has its own link and the work is waiting on serial bytes, so eight
 * boards take about as long as one. One board failing does not stop the others.
 */
export async function identifyBoards(paths: readonly string[], options: IdentifyOptions = {}): Promise<IdentifyOutcome[]> {
  const arbiter = options.arbiter ?? new PortArbiter();
  return Promise.all(
    [...new Set(paths)].map(async (path): Promise<IdentifyOutcome> => {
      try {
        return { path, result: await identifyBoard(path, { ...options, arbiter }) };
      } catch (e) {
        return { path, error: isProvisionError(e) ? e : new ProvisionError('internal', String(e), path) };
      }
    }),
  );
}
