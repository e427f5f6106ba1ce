import type { ChipInfo } from '../boards/board';
import { ProvisionError, isProvisionError } from '../common/errors';
import { openSerialLink } from '../serial/link-factory';
import { PortArbiter } from '../serial/port-arbiter';
import type { SerialLink, SerialLinkFactory } from '../serial/serial-link';
import { DEFAULT_FLASH_BAUD } from './baud-fallback';
import type { BoardLoader, ConnectLoader, LoaderChipDetails } from './board-loader';
import { connectEsptool } from './esptool-loader';
import { checkPlanFitsBoard, type FlashPlan, type FlashRegion } from './flash-plan';
import { RateMeter, etaOf, type BoardProgress, type FlashPhase } from './flash-progress';
import { compareRegions, verifyRegions } from './skip-unchanged';

/** One board and what to write to it. */
export interface FlashTarget {
  /** Port path or rfc2217:// URL. */
  readonly path: string;
  readonly plan: FlashPlan;
  /** Shown in progress and errors; defaults to the path. */
  readonly label?: string;
}

/** How to flash, and the seams tests replace. */
export interface FlashOptions {
  /** Default 921600; boards that do not follow fall back to slower rates. */
  readonly baud?: number;
  readonly romBaud?: number;
  /** Compare MD5s first and skip equal regions. Default true. */
  readonly skipUnchanged?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: BoardProgress) => void;
  readonly log?: (line: string) => void;
  /** Shared with the monitors, so flashing borrows their ports; a private one when omitted. */
  readonly arbiter?: PortArbiter;
  readonly openLink?: SerialLinkFactory;
  readonly connect?: ConnectLoader;
  readonly now?: () => number;
  /**
   * Where a verified board goes: 'reset' (default) runs the new firmware at once; 'bootloader' leaves it
   * waiting in the loader for whoever resets it next. A provisioning run resets every board itself once
   * its monitor listens, so no board provisions before anyone watches (or twice, once per reset).
   */
  readonly afterFlash?: 'reset' | 'bootloader';
}

/** Where a board is when flashing ends, so nobody has to guess after a failure or a cancel. */
export type BoardStateAfter = 'running-new' | 'running-old' | 'bootloader' | 'unknown';

/** How flashing one board ended. */
export interface FlashBoardResult {
  readonly board: string;
  readonly path: string;
  /** 'unchanged': every region already matched, nothing was written. */
  readonly outcome: 'flashed' | 'unchanged' | 'failed' | 'cancelled';
  readonly error?: ProvisionError;
  readonly boardState: BoardStateAfter;
  /** One sentence on the board's state, e.g. "left in the bootloader: app.bin is partly written". */
  readonly stateNote: string;
  readonly regionsWritten: readonly string[];
  readonly regionsSkipped: readonly string[];
  readonly bytesWritten: number;
  readonly durationMs: number;
  /** The baud the board ran at (after any fallback); 0 when it never connected. */
  readonly baud: number;
  readonly chipInfo?: ChipInfo;
}

/**
 * Flashes one board: claims its port (suspending a monitor), connects to the bootloader, checks the plan
 * fits the chip, skips regions whose MD5 already matches, writes the rest compressed, verifies every
 * written region by MD5 and resets the board into the new firmware. Never throws: the result says how it
 * ended and where the board was left.
 */
export async function flashBoard(target: FlashTarget, options: FlashOptions = {}): Promise<FlashBoardResult> {
  const board = target.label ?? target.path;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const signal = options.signal;
  const meter = new RateMeter(now);
  const written: string[] = [];
  const skipped: string[] = [];
  let writing: FlashRegion | undefined;
  let bytesWritten = 0;
  let bytesTotal = target.plan.totalBytes;
  let loader: BoardLoader | undefined;
  let link: SerialLink | undefined;
  let details: LoaderChipDetails | undefined;
  let lease: { dispose(): void } | undefined;

  const emit = (phase: FlashPhase, region?: FlashRegion) => {
    const rate = phase === 'writing' ? meter.rate : 0;
    options.onProgress?.({ board, phase, bytesWritten, bytesTotal, rateBytesPerSec: rate, etaSec: phase === 'writing' ? etaOf(bytesTotal - bytesWritten, rate) : undefined, skippedRegions: skipped.length, region: region?.name });
  };
  const finish = (outcome: FlashBoardResult['outcome'], boardState: BoardStateAfter, stateNote: string, error?: ProvisionError): FlashBoardResult => ({
    board,
    path: target.path,
    outcome,
    error,
    boardState,
    stateNote,
    regionsWritten: written,
    regionsSkipped: skipped,
    bytesWritten,
    durationMs: now() - started,
    baud: loader?.baudRate ?? 0,
    chipInfo: details && toChipInfo(details),
  });

  try {
    emit('connecting');
    checkAborted(signal, board);
    lease = await (options.arbiter ?? new PortArbiter()).claim(target.path, { name: `flashing ${board}`, lends: false });
    checkAborted(signal, board);
    link = (options.openLink ?? openSerialLink)(target.path);
    loader = await (options.connect ?? connectEsptool)(link, { board, romBaud: options.romBaud, flashBaud: options.baud ?? DEFAULT_FLASH_BAUD, log: options.log, signal });
    details = await loader.readChipDetails();
    checkPlanFitsBoard(target.plan, { board, chip: details.chip, flashSize: details.flashSize });
    checkAborted(signal, board);

    emit('comparing');
    const decisions = await compareRegions(loader, target.plan.regions, options.skipUnchanged !== false, signal, (r) => emit('comparing', r));
    const toWrite = decisions.filter((d) => !d.unchanged).map((d) => d.region);
    for (const d of decisions) if (d.unchanged) skipped.push(d.region.name);
    bytesTotal = toWrite.reduce((n, r) => n + r.data.length, 0);
    if (skipped.length > 0) options.log?.(`${board}: ${skipped.join(', ')} already on the board (MD5 matches); skipping.`);

    for (const region of toWrite) {
      checkAborted(signal, board);
      writing = region;
      const base = bytesWritten;
      meter.reset();
      meter.sample(base);
      emit('writing', region);
      await loader.writeRegion(region.offset, region.data, (regionBytes) => {
        bytesWritten = base + regionBytes;
        meter.sample(bytesWritten);
        emit('writing', region);
        // Thrown between blocks: esptool-js stops before sending the next one.
        checkAborted(signal, board);
      });
      bytesWritten = base + region.data.length;
      written.push(region.name);
      writing = undefined;
    }

    emit('verifying');
    await verifyRegions(loader, toWrite, board, signal, (r) => emit('verifying', r));
    checkAborted(signal, board);

    if (options.afterFlash === 'bootloader') {
      emit('done');
      return toWrite.length === 0
        ? finish('unchanged', 'bootloader', 'already holds this build (every region matched by MD5); waits in the bootloader for its reset.')
        : finish('flashed', 'bootloader', 'verified by MD5; waits in the bootloader for its reset.');
    }
    emit('resetting');
    await loader.hardReset();
    emit('done');
    return toWrite.length === 0
      ? finish('unchanged', 'running-new', 'already holds this build (every region matched by MD5); reset to run it.')
      : finish('flashed', 'running-new', `verified by MD5 and reset into the new firmware.`);
  } catch (e) {
    const error = asProvisionError(e, board, signal);
    const cancelled = error.kind === 'cancelled';
    const [state, note] = await settleAfterFailure(loader, link, written, writing, cancelled);
    emit(cancelled ? 'cancelled' : 'failed');
    return finish(cancelled ? 'cancelled' : 'failed', state, note, error);
  } finally {
    await loader?.close();
    link?.dispose();
    lease?.dispose();
  }
}

/**
 * Puts a board into a known state after a failure or cancel. Nothing written yet: reset it back into the
 * firmware it had. Anything written: keep it in the bootloader, because booting a half-written or mixed
 * old/new image is worse than a board that waits for the next flash.
 */
async function settleAfterFailure(loader: BoardLoader | undefined, link: SerialLink | undefined, written: readonly string[], writing: FlashRegion | undefined, cancelled: boolean): Promise<[BoardStateAfter, string]> {
  if (!loader || !link?.isOpen) {
    if (!loader) return ['unknown', 'never reached the bootloader; its firmware was not touched.'];
    const what = writing ? `${writing.name} may be partly written` : written.length ? `${written.join(', ')} were written` : 'nothing was written';
    return ['unknown', `the connection is gone; ${what}. Flash again once it is back.`];
  }
  if (written.length === 0 && !writing) {
    try {
      await loader.hardReset();
      return ['running-old', `${cancelled ? 'cancelled before writing' : 'nothing was written'}; reset back into its previous firmware.`];
    } catch {
      return ['unknown', 'nothing was written, but the reset back into its firmware failed.'];
    }
  }
  const parts = [...(written.length ? [`${written.join(', ')} written`] : []), ...(writing ? [`${writing.name} partly written`] : [])];
  return ['bootloader', `left in the bootloader (${parts.join('; ')}): flash again to finish.`];
}

function checkAborted(signal: AbortSignal | undefined, board: string): void {
  if (signal?.aborted) throw new ProvisionError('cancelled', 'Flashing was cancelled.', board);
}

function asProvisionError(e: unknown, board: string, signal: AbortSignal | undefined): ProvisionError {
  if (signal?.aborted) return isProvisionError(e) && e.kind === 'cancelled' ? e : new ProvisionError('cancelled', 'Flashing was cancelled.', board, undefined, { cause: e });
  // Errors from below name the port; the label the user knows the board by wins.
  if (isProvisionError(e)) return e.board === board ? e : new ProvisionError(e.kind, e.message, board, e.hint, { cause: e });
  return new ProvisionError('internal', e instanceof Error ? e.message : String(e), board, undefined, { cause: e });
}

/** The part of what the bootloader said that the board registry caches. */
export function toChipInfo(d: LoaderChipDetails): ChipInfo {
  return { chip: d.chip, revision: d.revision, mac: d.mac, flashSize: d.flashSize, features: d.features, crystal: d.crystal };
}
