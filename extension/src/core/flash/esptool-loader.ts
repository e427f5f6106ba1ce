import type { ClassicReset, ESPLoader, IEspLoaderTerminal, Transport } from 'esptool-js' with { 'resolution-mode': 'import' };
import { ProvisionError, isProvisionError } from '../common/errors';
import type { SerialLink } from '../serial/serial-link';
import { WebSerialAdapter } from '../serial/web-serial-adapter';
import { slipEncode } from '../serial/slip';
import { mapLoaderError } from './esptool-errors';
import { blockFrames, compressRegion, u32le, wakeReadsOnData, writeToPort } from './esptool-wire';
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

/**
 * Connects esptool-js to a board over one of our serial links: opens the link at the ROM baud, resets the
 * board into its bootloader, syncs, detects the chip, switches to the flash baud and runs the stub (in
 * that order where the stub keeps the ROM's rate, see switchesBeforeStub; esptool's order, stub first,
 * elsewhere), falling back to slower rates when the board does not answer at the faster one. The returned
 * loader owns the link's streams until close(); the caller still owns (and disposes) the link itself.
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
  // The framing is the same SLIP, built in a typed array rather than a JS array grown byte by byte.
  const writeFrame = (frame: Uint8Array) => writeToPort(adapter, frame, () => linkFailure.error ?? new ProvisionError('port-io', `${link.path} is closed.`, options.board));
  transport.write = (data: Uint8Array) => writeFrame(slipEncode(data));
  // Transport.trace() writes to console.log even with tracing off (e.g. "readLoop exited" at every
  // disconnect); a CLI's stdout and the extension host's console are not esptool-js's to write to.
  transport.trace = () => undefined;
  wakeReadsOnData(transport);
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
  const session = new EsptoolSession(loader, transport, writeFrame, options.board, linkFailure);
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
    const stub = options.stub !== false;
    const flashBaud = options.flashBaud ?? DEFAULT_FLASH_BAUD;
    const switchBaud = async (): Promise<void> => {
      options.signal?.throwIfAborted();
      await switchBaudWithFallback(flashBaud, romBaud, (baud) => session.trySwitchBaud(baud), log, options.board);
    };
    if (stub && flashBaud !== romBaud && (await switchesBeforeStub(loader))) {
      // The stub keeps the rate the ROM runs at, so it is uploaded at the flash baud (8 times faster
      // at 921600 than at 115200, most of a connect's time otherwise). A fallback that reconnected
      // already runs the stub.
      await switchBaud();
      if (!loader.IS_STUB) {
        try {
          await loader.runStub();
        } catch (e) {
          if (options.signal?.aborted) throw e;
          // Should a stub not keep the ROM's rate after all, its "OHAI" comes at another rate and is never
          // heard: reset, and take esptool's order (stub at the ROM's rate, then the stub switches).
          log(`${options.board}: the flasher stub did not answer at ${transport.baudrate} baud (${e instanceof Error ? e.message : String(e)}); resetting, stub first at ${romBaud} as esptool does.`);
          await session.restartInRom();
          await loader.runStub();
          await switchBaud();
        }
      }
    } else {
      if (stub) await loader.runStub();
      if (flashBaud !== romBaud) await switchBaud();
    }
    return session;
  } catch (e) {
    const mapped = mapLoaderError(e, options.board, linkFailure.error, options.signal);
    await session.close();
    throw mapped;
  }
}

/**
 * Whether the ROM switches to the flash baud before the stub is uploaded, rather than the stub after
 * (esptool's order). Only where the stub is known to keep the rate the ROM set:
 * - ESP32-S3 and ESP32-C3 over their UART (esptool-js 0.7 uploads esp-flasher-stub 1.2.2): the stub raises
 *   its clocks only on USB and SDIO transports, so on a UART it leaves the ROM's divider alone, and the
 *   ROMs of both chips divide by the real crystal (esptool's change_baud for them is the plain one).
 * - Not on ESP32 (nor ESP32-S2): that stub raises the APB clock on a UART too and then reprograms UART0
 *   for the rate the ROM keeps in its UART record (stub_lib_uart_rominit_get_baudrate, taken as 115200
 *   when the record is 0). Whether the ESP32 ROM's CHANGE_BAUDRATE updates that record is not documented:
 *   if it does not, the stub's "OHAI" comes at 115200 to a host at the flash baud. Its ROM's own switch
 *   also needs esptool's crystal work-around. The ESP32 keeps esptool's order, stub first.
 * - Not over the ESP32-S3's USB-OTG (ROM CDC): the line has no baud there anyway.
 */
async function switchesBeforeStub(loader: ESPLoader): Promise<boolean> {
  const chip = loader.chip.CHIP_NAME;
  if (chip !== 'ESP32-S3' && chip !== 'ESP32-C3') return false;
  return !(await loader.usesUsbOtg());
}

/** esptool's pause after a baud change, "to get rid of garbage sent during baud rate change" (loader.py). */
const BAUD_SETTLE_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The BoardLoader over one connected ESPLoader. */
class EsptoolSession implements BoardLoader {
  constructor(
    private readonly loader: ESPLoader,
    private readonly transport: Transport,
    /** Writes an already SLIP-framed packet to the port, or throws why the port is gone. */
    private readonly writeFrame: (frame: Uint8Array) => Promise<void>,
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
   * Switches the ROM or the stub, whichever answers now, and the host to `baud`, as esptool's change_baud
   * does: CHANGE_BAUDRATE (answered at the old rate; the stub is also told the rate it runs at, the ROM
   * gets 0), the host follows, 50 ms for the line to settle, the input dropped. Then one register read
   * proves the board follows. esptool-js 0.7's changeBaud() waits for 100 ms of silence after its own
   * 50 ms (0.16 s per switch against 0.06 s here). A board that does not answer at the new rate is reset
   * and synced at the ROM rate again (and gets its stub back if it had one), as esptool-js does; false
   * tells the ladder.
   */
  async trySwitchBaud(baud: number): Promise<boolean> {
    return this.run(async () => {
      const loader = this.loader;
      const wasStub = loader.IS_STUB;
      await loader.command(loader.ESP_CHANGE_BAUDRATE, u32le(baud, wasStub ? this.transport.baudrate : 0));
      let hostFollowed = true;
      try {
        await this.transport.changeBaudrate(baud);
      } catch {
        hostFollowed = false;
      }
      await sleep(BAUD_SETTLE_MS);
      this.transport.flushInput();
      if (hostFollowed && (await this.answers())) return true;
      await this.reconnectInRom();
      if (wasStub) await loader.runStub();
      return false;
    });
  }

  /** Resets the board into its ROM loader again, at the ROM's rate, with no stub running. */
  restartInRom(): Promise<void> {
    return this.run(() => this.reconnectInRom());
  }

  private async reconnectInRom(): Promise<void> {
    await this.transport.disconnect();
    await sleep(BAUD_SETTLE_MS);
    this.loader.IS_STUB = false;
    await this.loader.connect('default_reset', 7, false);
  }

  /** One register read (twice at most), as esptool-js probes a board after reopening its port. */
  private async answers(): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.loader.readReg(this.loader.CHIP_DETECT_MAGIC_REG_ADDR, 500);
        return true;
      } catch {
        this.transport.flushInput();
      }
    }
    return false;
  }

  /**
   * esptool-js's description, features, crystal and MAC read the same eFuse words again and again (14
   * READ_REGs of 5 words on an ESP32-S3, each a round trip); those words and the UART divider do not change
   * while the board sits in its loader, so each is read once here. The flash ID after it drives the SPI
   * controller and polls its registers, so it reads them as esptool-js does.
   */
  async readChipDetails(): Promise<LoaderChipDetails> {
    return this.run(async () => {
      const rom = this.loader.chip;
      const loader = this.loader;
      const words = new Map<number, Promise<number>>();
      const readReg = loader.readReg;
      loader.readReg = (addr: number, timeout?: number) => {
        let word = words.get(addr);
        if (!word) words.set(addr, (word = readReg.call(loader, addr, timeout)));
        return word;
      };
      let description: string;
      let features: string[];
      let crystal: number;
      let mac: string;
      try {
        description = await rom.getChipDescription(loader);
        features = await rom.getChipFeatures(loader);
        crystal = await rom.getCrystalFreq(loader);
        mac = await rom.readMac(loader);
      } finally {
        loader.readReg = readReg;
      }
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
   * The protocol is lock-step: the stub answers a block as soon as its checksum is checked and inflates and
   * writes it while the next one arrives, but it has only that one spare receive buffer, so the next block
   * may only follow the answer. What the line waits for between blocks is the host, so each block's SLIP
   * frame is built while the previous one is still on the wire (the first while FLASH_DEFL_BEGIN is
   * answered) instead of after its answer, as esptool-js's flashDeflBlock() does (0.4 ms per 16 KB).
   * The data goes as it is (no flash-mode patching of the image header): the bytes written must be exactly
   * the file's bytes, or the MD5 comparison that skips unchanged regions would never match on the next flash.
   * Progress is in image bytes, scaled from the compressed bytes sent, so rates and ETAs are in bytes users know.
   */
  writeRegion(offset: number, data: Uint8Array, onProgress: WriteProgress): Promise<void> {
    return this.run(async () => {
      const loader = this.loader;
      const compressed = await compressRegion(data);
      const blockSize = loader.FLASH_WRITE_SIZE;
      const begin = loader.flashDeflBegin(data.length, compressed.length, offset);
      begin.catch(() => undefined); // awaited below; a rejection meanwhile is not unhandled
      // Let the command reach the link before the CPU builds the first block.
      await new Promise((r) => setImmediate(r));
      const frameOf = blockFrames(compressed, blockSize, loader.ESP_FLASH_DEFL_DATA);
      let frame = frameOf(0);
      const blocks = await begin;
      onProgress(0, data.length);
      // A block inflates to about its share of the region; the ROM writes it (and the stub the previous
      // one) before answering, so the timeout scales with that, as esptool's does.
      const inflated = Math.ceil((blockSize * data.length) / Math.max(1, compressed.length));
      const timeout = Math.max(3000, loader.timeoutPerMb(loader.ERASE_WRITE_TIMEOUT_PER_MB, inflated));
      for (let seq = 0; seq < blocks; seq++) {
        let next: Uint8Array | undefined;
        await this.sendBlock(frame, seq, timeout, () => {
          if (seq + 1 < blocks) next ??= frameOf(seq + 1);
        });
        const end = Math.min(compressed.length, (seq + 1) * blockSize);
        onProgress(Math.round((end / compressed.length) * data.length), data.length);
        frame = next ?? new Uint8Array(0);
      }
      if (loader.IS_STUB) await loader.flashDeflFinish(false, timeout);
    });
  }

  /**
   * One FLASH_DEFL_DATA, as esptool-js's flashDeflBlock() sends it: stale input dropped, the frame written,
   * its answer checked; a failed block is sent again after a pause, WRITE_BLOCK_ATTEMPTS times in all, and
   * the last failure is thrown with esptool-js's wording (mapLoaderError reads the status from it).
   * `whileOnWire` runs once the frame is with the link, before the answer is awaited.
   */
  private async sendBlock(frame: Uint8Array, seq: number, timeout: number, whileOnWire: () => void): Promise<void> {
    const loader = this.loader;
    const what = `write compressed data to flash after seq ${seq}`;
    for (let attemptsLeft = loader.WRITE_BLOCK_ATTEMPTS - 1; ; attemptsLeft--) {
      try {
        this.transport.flushInput();
        await this.writeFrame(frame);
        whileOnWire();
        const [, answer] = await loader.readPacket(loader.ESP_FLASH_DEFL_DATA, timeout);
        if (answer.length < 2) throw new Error(`Failed to ${what}.\n Only got ${answer.length} bytes of data.`);
        if (answer[0] !== 0) throw new Error(`Failed to ${what} failed with status ${answer[0]},${answer[1]}`);
        return;
      } catch (e) {
        // The port itself gone (our write fails with a ProvisionError) is not worth another attempt.
        if (attemptsLeft <= 0 || this.linkFailure.error || isProvisionError(e)) throw e;
        await sleep(loader.WRITE_BLOCK_RETRY_DELAY_MS);
      }
    }
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
