import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';
import { WebSerialAdapter } from '../../../extension/src/core/serial/web-serial-adapter';
import type { ResetWiring } from '../../../extension/src/lab/board/reset-circuit';
import { VirtualBoard } from '../../../extension/src/lab/board/virtual-board';
import type { ChipKind } from '../../../extension/src/lab/chip/chip-program';
import { openFlashStore } from '../../../extension/src/lab/flash/flash-store';
import { createBootloader } from '../../../extension/src/lab/rom';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-detect-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const idle = { receive: () => undefined, dispose: () => undefined };

/**
 * esptool-js, unmodified, resets the board through the modem lines of our RFC2217 client and detects the
 * chip. The USB IDs the adapter reports make esptool-js choose its reset: a UART bridge gets ClassicReset,
 * Espressif's USB Serial/JTAG (303a:1001) gets UsbJtagSerialReset; each must land in download mode.
 */
for (const [chip, wiring, name] of [
  ['esp32', 'uart-bridge', 'ESP32'],
  ['esp32s3', 'usb-serial-jtag', 'ESP32-S3'],
  ['esp32c3', 'uart-bridge', 'ESP32-C3'],
] as Array<[ChipKind, ResetWiring, string]>) {
  test(`esptool-js detects a virtual ${name} through RFC2217 (${wiring})`, async () => {
    const esptool = await import('esptool-js');
    const board = await VirtualBoard.create({
      index: 1,
      chip,
      mac: Uint8Array.of(0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56),
      flash: openFlashStore(path.join(dir, `${chip}.bin`), 4 * 1024 * 1024),
      programs: { bootloader: (ctx) => createBootloader(ctx), bootFromFlash: () => idle },
      wiring,
    });
    const link = new Rfc2217Client(board.url);
    const info = wiring === 'usb-serial-jtag' ? { usbVendorId: 0x303a, usbProductId: 0x1001 } : { usbVendorId: 0x10c4, usbProductId: 0xea60 };
    const adapter = new WebSerialAdapter(link, info);
    const transport = new esptool.Transport(adapter as unknown as ConstructorParameters<typeof esptool.Transport>[0], false);
    const loader = new esptool.ESPLoader({ transport, baudrate: 115200, romBaudrate: 115200, terminal: { clean: () => undefined, writeLine: () => undefined, write: () => undefined } });
    try {
      const description = await loader.main('default_reset');
      assert.match(description, new RegExp(name));
      assert.equal(loader.chip.CHIP_NAME, name);
      assert.equal(board.state, 'download');
      assert.equal(await loader.chip.readMac(loader), '24:0a:c4:12:34:56');
    } finally {
      await transport.disconnect();
      adapter.dispose();
      link.dispose();
      board.dispose();
    }
  });
}
