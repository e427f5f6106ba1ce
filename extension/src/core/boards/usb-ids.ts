import { ProvisionError } from '../common/errors';

/** A USB vendor/product pair, lowercase hex, e.g. `303a:1001`. */
export type UsbId = `${string}:${string}`;

export interface UsbIdEntry {
  readonly id: UsbId;
  /** What the chip on the board is, shown when the port gives no product string. */
  readonly bridge: string;
  /** Native USB resets and re-enumerates differently from a UART bridge (esptool's USB-JTAG reset). */
  readonly nativeUsb: boolean;
}

/**
 * The USB devices that ESP32 dev boards present: Espressif's own native USB (ESP32-S2/S3/C3/C6/H2...)
 * and the UART bridges that dev boards put in front of the chip.
 */
export const BUILTIN_USB_IDS: readonly UsbIdEntry[] = [
  { id: '303a:1001', bridge: 'Espressif USB JTAG/serial debug unit', nativeUsb: true },
  { id: '303a:0002', bridge: 'Espressif USB-OTG (CDC-ACM, ROM download)', nativeUsb: true },
  { id: '303a:4001', bridge: 'Espressif USB-OTG (TinyUSB CDC)', nativeUsb: true },
  { id: '10c4:ea60', bridge: 'Silicon Labs CP210x UART bridge', nativeUsb: false },
  { id: '10c4:ea70', bridge: 'Silicon Labs CP2105 dual UART bridge', nativeUsb: false },
  { id: '1a86:7523', bridge: 'WCH CH340 UART bridge', nativeUsb: false },
  { id: '1a86:55d3', bridge: 'WCH CH343 UART bridge', nativeUsb: false },
  { id: '1a86:55d4', bridge: 'WCH CH9102 UART bridge', nativeUsb: false },
  { id: '0403:6001', bridge: 'FTDI FT232R UART bridge', nativeUsb: false },
  { id: '0403:6010', bridge: 'FTDI FT2232 (ESP-Prog / ESP-WROVER-KIT)', nativeUsb: false },
  { id: '0403:6014', bridge: 'FTDI FT232H UART bridge', nativeUsb: false },
  { id: '0403:6015', bridge: 'FTDI FT-X UART bridge', nativeUsb: false },
];

const USB_ID_PATTERN = /^[0-9a-f]{4}:[0-9a-f]{4}$/;

/** Normalises `0x303A:0x1001`, `303A:1001` to `303a:1001`; undefined if it is not a VID:PID. */
export function normaliseUsbId(raw: string): UsbId | undefined {
  const s = raw.trim().toLowerCase().replace(/0x/g, '');
  return USB_ID_PATTERN.test(s) ? (s as UsbId) : undefined;
}

/**
 * Where each id list came from, as messages should name it: the settings by default, a CLI flag such as
 * `--usb-id` when the list came from the command line, so an error points at what the user typed.
 */
export interface UsbIdListNames {
  readonly extraIds?: string;
  readonly ignoredIds?: string;
}

/** Builds the lookup table from the built-ins and the user's `espnow.usb.extraIds` / `ignoredIds`. */
export class UsbIdTable {
  private readonly entries = new Map<UsbId, UsbIdEntry>();

  constructor(extraIds: readonly string[] = [], ignoredIds: readonly string[] = [], where: UsbIdListNames = {}) {
    const extraWhere = where.extraIds ?? 'espnow.usb.extraIds';
    for (const e of BUILTIN_USB_IDS) this.entries.set(e.id, e);
    for (const raw of extraIds) {
      const id = parseUsbId(raw, extraWhere);
      if (!this.entries.has(id)) this.entries.set(id, { id, bridge: `USB serial device (from ${extraWhere})`, nativeUsb: false });
    }
    for (const raw of ignoredIds) this.entries.delete(parseUsbId(raw, where.ignoredIds ?? 'espnow.usb.ignoredIds'));
  }

  /** The entry for a port's vendor/product ids as node serialport reports them (hex strings, any case). */
  lookup(vendorId: string | undefined, productId: string | undefined): UsbIdEntry | undefined {
    if (!vendorId || !productId) return undefined;
    const id = normaliseUsbId(`${vendorId.padStart(4, '0')}:${productId.padStart(4, '0')}`);
    return id ? this.entries.get(id) : undefined;
  }
}

function parseUsbId(raw: string, where: string): UsbId {
  const id = normaliseUsbId(raw);
  if (!id) {
    throw new ProvisionError('config', `"${raw}" in ${where} is not a USB VID:PID.`, undefined, 'Use four hex digits each, e.g. "303a:1001".');
  }
  return id;
}
