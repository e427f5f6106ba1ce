import type { DetectedPort } from '../core/boards/detected-port';
import type { DiscoverySource } from '../core/boards/discovery-source';
import { Emitter } from '../core/common/emitter';
import type { Disposable } from '../core/common/disposable';
import type { LabControl } from './lab-types';

/**
 * The lab's boards as discovery sees them: `rfc2217://127.0.0.1:PORT`, described as "Virtual ESP32-S3",
 * with chip and MAC hints (the lab knows them without asking the bootloader). Works on the in-process Lab
 * and on a LabClient alike.
 */
export class VirtualDiscoverySource implements DiscoverySource {
  readonly kind = 'virtual' as const;
  private readonly changeEmitter = new Emitter<void>();
  private readonly subscription: Disposable;
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly lab: LabControl) {
    this.subscription = lab.onDidChangeBoards(() => this.changeEmitter.fire());
  }

  async scan(): Promise<DetectedPort[]> {
    const boards = await this.lab.listBoards();
    return boards.map((b) => ({
      source: 'virtual',
      path: b.url,
      description: `Virtual ${b.chipLabel}`,
      chipHint: b.chipLabel,
      macHint: b.mac,
    }));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
