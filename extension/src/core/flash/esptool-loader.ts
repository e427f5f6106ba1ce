import type { ClassicReset, ESPLoader, IEspLoaderTerminal, Transport } from 'esptool-js' with { 'resolution-mode': 'import' };
import { deflateSync } from 'node:zlib';
import { ProvisionError, isProvisionError } from '../common/errors';
import type { SerialLink } from '../serial/serial-link';
import { WebSerialAdapter } from '../serial/web-serial-adapter';
import { DEFAULT_FLASH_BAUD, ROM_BAUD, switchBaudWithFallback } from './baud-fallback';
import type { BoardLoader, LoaderChipDetails, LoaderConnectOptions, WriteProgress } from './board-loader';

type EsptoolModule = typeof import('esptool-js', { with: { 'resolution-mode': 'import' } });

let esptoolModule: Promise<EsptoolModule> | undefined;

/**
 * esptool-js is ESM-only and this package is CommonJS: a real dynamic import under Node (tsx, tests, the
 * CLI), and under webpack the magic comment keeps it inside the bundle instead of a chunk file beside it.
 */
function loadEsptool(): Promise<EsptoolModule> {
  esptoolModule ??= import(/* webpackMode: "eager" */ 'esptool-js');
  return esptoolModule;
}

const SILENT_HINT = 'Hold BOOT and press RESET, or check the cable.';

/**
 * Connects esptool-js to a board over one of our serial links: opens the link at the ROM baud, resets the
 * board into its bootloader, syncs, detects the chip, runs the stub and switches to the flash baud,
 * falling back to slower rates when the board does not answer at the faster one. The returned loader owns
 * the link's streams until close(); the caller still owns (and disposes) the link itself.
 */
export async function connectEsptool(link: SerialLink, options: LoaderConnectOptions): Promise<BoardLoader> {
  const esptool = await loadEsptool();
  const log = options.log ?? (() => undefined);
  const romBaud = options.romBaud ?? ROM_BAUD;
  const linkFailure = watchLink(link);
  const adapter = new WebSerialAdapter(link, options.portInfo);
  const transport = new esptool.Transport(adapter as unknown as ConstructorParameters<typeof esptool.Transport>[0], false);
  // Transport.write() silently drops bytes once the port is gone, so each block after a dropped link
  // would wait out its full timeout and retries (~15 s). Failing the write makes the drop surface at once.
  const write = transport.write.bind(transport);
  transport.write = async (data: Uint8Array) => {
    if (!adapter.writable) throw linkFailure.error ?? new ProvisionError('port-io', `${link.path} is closed.`, options.board);
    await write(data);
  };
  // Transport.trace() writes to console.log even with tracing off (e.g. "readLoop exited" at every
  // disconnect); a CLI's stdout and the extension host's console are not esptool-js's to write to.
  transport.trace = () => undefined;
  const loader = new esptool.ESPLoader({
    transport,
    baudrate: romBaud,
    romBaudrate: romBaud,
    terminal: terminalFor(options.board, log),
    debugLogging: false,
    // Checking the signal before every reset lets a cancel stop the connect retries promptly; a reset
    // in progress finishes, so the modem lines never stay in a half-way state.
    resetConstructors: { classicReset: (t: Transport, delay: number) => abortableReset(new esptool.ClassicReset(t, delay), options.signal) },
  });
  const session = new EsptoolSession(loader, transport, link, options.board, linkFailure);
  try {
    try {
      await loader.detectChip('default_reset');
    } catch (e) {
      // A boot message caught in the middle of a reset (or a burst of noise) garbles the first reply;
      // esptool answers that with another reset and sync, and so does this, once.
      if (!/serial noise or corruption|Invalid head of packet/i.test(e instanceof Error ? e.message : String(e)) || options.signal?.aborted) throw e;
      log(`${options.board}: reply garbled while syncing, resetting once more`);
      await loader.detectChip('default_reset');
    }
    if (options.stub !== false) await loader.runStub();
    const flashBaud = options.flashBaud ?? DEFAULT_FLASH_BAUD;
    if (flashBaud !== romBaud) {
      options.signal?.throwIfAborted();
      await switchBaudWithFallback(flashBaud, romBaud, (baud) => session.trySwitchBaud(baud), log, options.board);
    }
    return session;
  } catch (e) {
    const mapped = mapLoaderError(e, options.board, linkFailure.error, options.signal);
    await session.close();
    throw mapped;
  }
}

/** The BoardLoader over one connected ESPLoader. */
class EsptoolSession implements BoardLoader {
  constructor(
    private readonly loader: ESPLoader,
    private readonly transport: Transport,
    private readonly link: SerialLink,
    private readonly board: string,
    private readonly linkFailure: LinkWatch,
  ) {}

  get chip(): string {
    return this.loader.chip.CHIP_NAME;
  }

  get baudRate(): number {
    return this.transport.baudrate;
  }

  /**
   * esptool-js takes the target rate only in its constructor and keeps it in a private field that
   * changeBaud() reads; setting that field is the one way to walk down the fallback ladder on the same
   * connection. changeBaud() itself reconnects at the ROM rate (and reruns the stub) when the board goes
   * quiet, so afterwards the transport's rate tells whether the switch held.
   */
  async trySwitchBaud(baud: number): Promise<boolean> {
    (this.loader as unknown as { baudrate: number }).baudrate = baud;
    await this.run(() => this.loader.changeBaud());
    return this.transport.baudrate === baud;
  }

  async readChipDetails(): Promise<LoaderChipDetails> {
    return this.run(async () => {
      const rom = this.loader.chip;
      const description = await rom.getChipDescription(this.loader);
      const features = await rom.getChipFeatures(this.loader);
      const crystal = await rom.getCrystalFreq(this.loader);
      const mac = await rom.readMac(this.loader);
      // The ROM (no stub) reads the flash ID only once the SPI flash is attached, as esptool.py does.
      if (!this.loader.IS_STUB) await this.loader.flashSpiAttach(0);
      const flashSize = await this.loader.detectFlashSize();
      return {
        chip: rom.CHIP_NAME,
        description,
        // ESP32 says "(revision 3)", newer chips "(revision v0.2)": one form for the tree.
        revision: revisionOf(description),
        mac: mac.toLowerCase(),
        flashSize,
        features,
        crystal: `${crystal}MHz`,
      };
    });
  }

  flashMd5(offset: number, size: number): Promise<string> {
    return this.run(async () => (await this.loader.flashMd5sum(offset, size)).toLowerCase());
  }

  /**
   * The block loop of esptool's compressed write (FLASH_DEFL_BEGIN, FLASH_DEFL_DATA per block, FLASH_DEFL_END),
   * driven here rather than through esptool-js's writeFlash(): that one re-inflates every block with pako at
   * chunkSize 1 just to count its uncompressed bytes, about 7 ms of CPU per 16 KB block while the line
   * waits (measured by bench/, 4 % of the write phase at 921600 baud and 8 % at 2000000), and deflates with
   * pako where Node's zlib is several times faster. The bytes on the wire are the same commands.
   * The data goes as it is (no flash-mode patching of the image header): the bytes written must be exactly
   * the file's bytes, or the MD5 comparison that skips unchanged regions would never match on the next flash.
   * Progress is in image bytes, scaled from the compressed bytes sent, so rates and ETAs are in bytes users know.
   */
  writeRegion(offset: number, data: Uint8Array, onProgress: WriteProgress): Promise<void> {
    return this.run(async () => {
      const loader = this.loader;
      const compressed = deflateSync(data, { level: 9 });
      const blockSize = loader.FLASH_WRITE_SIZE;
      const blocks = await loader.flashDeflBegin(data.length, compressed.length, offset);
      onProgress(0, data.length);
      // A block inflates to about its share of the region; the ROM writes it (and the stub the previous
      // one) before answering, so the timeout scales with that, as esptool's does.
      const inflated = Math.ceil((blockSize * data.length) / Math.max(1, compressed.length));
      const timeout = Math.max(3000, loader.timeoutPerMb(loader.ERASE_WRITE_TIMEOUT_PER_MB, inflated));
      for (let seq = 0; seq < blocks; seq++) {
        const end = Math.min(compressed.length, (seq + 1) * blockSize);
        await loader.flashDeflBlock(compressed.subarray(seq * blockSize, end), seq, timeout);
        onProgress(Math.round((end / compressed.length) * data.length), data.length);
      }
      if (loader.IS_STUB) await loader.flashDeflFinish(false, timeout);
    });
  }

  readFlash(offset: number, size: number): Promise<Uint8Array> {
    return this.run(() => this.loader.readFlash(offset, size));
  }

  hardReset(): Promise<void> {
    // esptool-js 0.7's HardReset only releases RTS, which pulses nothing when RTS is already released
    // (as it is after a ClassicReset). esptool.py's sequence is done here instead: EN low through RTS,
    // then high with DTR released, so GPIO0 is high and the board boots from flash.
    return this.run(async () => {
      await this.transport.setDTR(false);
      await this.transport.setRTS(true);
      await new Promise((r) => setTimeout(r, 100));
      await this.transport.setRTS(false);
    });
  }

  async close(): Promise<void> {
    this.linkFailure.dispose();
    try {
      await this.transport.disconnect();
    } catch {
      // The link may already be gone (unplugged, peer closed); nothing is left to release then.
    }
  }

  /** Maps whatever esptool-js or the link throws to a ProvisionError naming this board. */
  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw mapLoaderError(e, this.board, this.linkFailure.error);
    }
  }
}

function revisionOf(description: string): string | undefined {
  const m = /\(revision v?([\d.]+)\)/.exec(description);
  return m ? `v${m[1]}` : undefined;
}

interface LinkWatch {
  readonly error: Error | undefined;
  dispose(): void;
}

/** Remembers why the link closed under us, so a read timeout that follows is reported as the real cause. */
function watchLink(link: SerialLink): LinkWatch {
  const watch = { error: undefined as Error | undefined, dispose: () => sub.dispose() };
  const sub = link.onClose((e) => {
    if (e) watch.error = e;
  });
  return watch;
}

function abortableReset(inner: ClassicReset, signal: AbortSignal | undefined): ClassicReset {
  return {
    transport: inner.transport,
    resetDelay: inner.resetDelay,
    reset: async () => {
      signal?.throwIfAborted();
      await inner.reset();
    },
  };
}

/** esptool-js writes partial lines with write() and ends them with writeLine(); our log takes lines. */
function terminalFor(board: string, log: (line: string) => void): IEspLoaderTerminal {
  let pending = '';
  const emit = (text: string) => {
    const lines = (pending + text).split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) log(`${board}: ${l.trim()}`);
  };
  return {
    clean: () => undefined,
    write: (data) => emit(data),
    writeLine: (data) => emit(`${data}\n`),
  };
}

/**
 * Turns an esptool-js or link failure into an error kind a user can act on, naming the board. The link's
 * own close reason wins over what esptool-js saw afterwards (a read timeout is the symptom, not the cause).
 */
export function mapLoaderError(e: unknown, board: string, linkError?: Error, signal?: AbortSignal): ProvisionError {
  if (signal?.aborted) return new ProvisionError('cancelled', 'Cancelled while connecting to the bootloader.', board, undefined, { cause: e });
  if (isProvisionError(e) && e.kind === 'cancelled') return e;
  if (linkError) {
    const kind = isProvisionError(linkError) && (linkError.kind === 'port-missing' || linkError.kind === 'port-io') ? linkError.kind : 'port-io';
    return new ProvisionError(kind, `The connection dropped: ${linkError.message}`, board, 'Check the cable (or the remote server) and flash again.', { cause: e });
  }
  if (isProvisionError(e)) return e.board ? e : new ProvisionError(e.kind, e.message, board, e.hint, { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  if (/Failed to connect|Wrong boot mode|no sync reply/i.test(msg)) {
    return new ProvisionError('bootloader-silent', 'did not answer the ROM bootloader sync.', board, SILENT_HINT, { cause: e });
  }
  if (/MD5 of file does not match/i.test(msg)) {
    return new ProvisionError('checksum', 'The flash contents do not match the image (MD5 mismatch after writing).', board, 'Flash again; if it repeats, lower the flash baud or check the cable.', { cause: e });
  }
  if (/timed? ?out|No serial data|data stream stopped/i.test(msg)) {
    return new ProvisionError('timeout', `stopped answering the bootloader (${msg}).`, board, 'Check the cable and the power supply, then flash again.', { cause: e });
  }
  // Status 1,7 is the loader's "invalid CRC in message": bytes changed on the wire, as esptool-js's own
  // "serial noise or corruption" says from the host's side. The fault table's byte-error row lands here.
  if (/failed with status 1,7\b|serial noise or corruption/i.test(msg)) {
    return new ProvisionError('checksum', `Bytes were corrupted on the serial line (${msg}).`, board, 'Check the cable, or lower the flash baud, and flash again.', { cause: e });
  }
  if (/not open|closed|device has been lost|port/i.test(msg)) {
    return new ProvisionError('port-io', `The serial connection failed: ${msg}`, board, 'Check the cable and flash again.', { cause: e });
  }
  return new ProvisionError('protocol', `The bootloader answered unexpectedly: ${msg}`, board, undefined, { cause: e });
}
