import { ProvisionError } from '../common/errors';
import type { DetectedPort } from './detected-port';
import type { DiscoverySource } from './discovery-source';
import type { UsbIdTable } from './usb-ids';

/** The fields of node serialport's `PortInfo` that discovery uses. */
export interface UsbPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  pnpId?: string;
}

export type PortLister = () => Promise<UsbPortInfo[]>;

/** USB serial ports whose VID:PID is in the table. The lister is injected so tests need no hardware. */
export class UsbDiscoverySource implements DiscoverySource {
  readonly kind = 'usb' as const;

  constructor(
    private readonly listPorts: PortLister,
    private table: UsbIdTable,
  ) {}

  /** Settings changed: applies new extra/ignored ids from the next scan on. */
  setTable(table: UsbIdTable): void {
    this.table = table;
  }

  async scan(): Promise<DetectedPort[]> {
    let infos: UsbPortInfo[];
    try {
      infos = await this.listPorts();
    } catch (e) {
      throw explainListFailure(e);
    }
    const ports: DetectedPort[] = [];
    for (const info of infos) {
      const entry = this.table.lookup(info.vendorId, info.productId);
      if (!entry) continue;
      ports.push({
        source: 'usb',
        path: info.path,
        description: describe(info.manufacturer, entry.bridge),
        vendorId: info.vendorId?.toLowerCase(),
        productId: info.productId?.toLowerCase(),
        serialNumber: info.serialNumber || undefined,
        manufacturer: info.manufacturer || undefined,
      });
    }
    return ports;
  }

  dispose(): void {}
}

function describe(manufacturer: string | undefined, bridge: string): string {
  if (!manufacturer || bridge.toLowerCase().includes(manufacturer.toLowerCase().split(' ')[0])) return bridge;
  return `${bridge} (${manufacturer})`;
}

function explainListFailure(e: unknown): ProvisionError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/udevadm/i.test(msg) && /ENOENT|not found/i.test(msg)) {
    return new ProvisionError('port-io', 'Listing USB serial ports failed: udevadm is not installed.', undefined, 'Install it (Debian/Ubuntu: sudo apt install udev).', { cause: e });
  }
  return new ProvisionError('port-io', `Listing USB serial ports failed: ${msg}`, undefined, undefined, { cause: e });
}
