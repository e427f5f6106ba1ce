import { DisposableStore, toDisposable, type Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import type { DetectedPort } from './detected-port';
import type { DiscoverySource } from './discovery-source';
import { diffPorts, isEmptyDiff, type PortDiff } from './port-diff';

export interface DiscoveryFailure {
  readonly source: DiscoverySource;
  readonly error: unknown;
}

/**
 * Polls every discovery source and turns snapshots into add/remove/change events. Polling (default
 * every 500 ms) keeps hotplug under a second on every OS without native watchers; sources that know of
 * a change sooner fire onDidChange and get rescanned at once.
 */
export class BoardDiscovery implements Disposable {
  private readonly store = new DisposableStore();
  private readonly sources = new Map<DiscoverySource, DetectedPort[]>();
  /** Only the first failure of a failing streak is reported, so a missing udevadm is said once, not twice a second. */
  private readonly failing = new Set<DiscoverySource>();
  private readonly changeEmitter = this.store.add(new Emitter<PortDiff>());
  private readonly failureEmitter = this.store.add(new Emitter<DiscoveryFailure>());
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<PortDiff> | undefined;
  /** The rescan asked for while `scanning` runs; it starts the moment that scan settles. */
  private queued: { promise: Promise<PortDiff>; start: () => void } | undefined;
  private current: DetectedPort[] = [];

  readonly onDidChange = this.changeEmitter.event;
  readonly onDidFail = this.failureEmitter.event;

  constructor(private intervalMs = 500) {
    this.store.add(toDisposable(() => this.stop()));
  }

  /** All ports currently known, sorted by source then path. */
  get ports(): readonly DetectedPort[] {
    return this.current;
  }

  addSource(source: DiscoverySource): Disposable {
    this.sources.set(source, []);
    const sub = source.onDidChange?.(() => void this.refresh());
    void this.refresh();
    return toDisposable(() => {
      sub?.dispose();
      this.sources.delete(source);
      this.failing.delete(source);
      void this.refresh();
    });
  }

  start(): void {
    if (this.timer || this.store.isDisposed) return;
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    // Polling must never keep a CLI process alive on its own.
    this.timer.unref();
    void this.refresh();
  }

  /**
   * Changes the poll period, e.g. fast while the board list is on screen and slow when nobody looks, since
   * each USB scan spawns udevadm on Linux.
   */
  setPollInterval(ms: number): void {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (this.timer) {
      this.stop();
      this.start();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Scans all sources now. Concurrent calls share one scan, plus at most one queued rescan. A call made
   * while a scan runs resolves with the queued rescan, not the running one: the caller may have just added
   * a source or plugged a board, which the running scan began too early to see.
   */
  refresh(): Promise<PortDiff> {
    if (!this.scanning) return this.startScan();
    if (!this.queued) {
      let start!: () => void;
      const promise = new Promise<PortDiff>((resolve) => {
        start = () => resolve(this.store.isDisposed ? EMPTY_DIFF : this.startScan());
      });
      this.queued = { promise, start };
    }
    return this.queued.promise;
  }

  private startScan(): Promise<PortDiff> {
    const scan = this.scanAll().finally(() => {
      this.scanning = undefined;
      const next = this.queued;
      this.queued = undefined;
      // Started synchronously here, so no refresh() slips in between and runs a second scan alongside it.
      next?.start();
    });
    this.scanning = scan;
    return scan;
  }

  private async scanAll(): Promise<PortDiff> {
    await Promise.all([...this.sources.keys()].map((s) => this.scanOne(s)));
    const next = [...this.sources.values()].flat().sort(byGroupThenPath);
    const diff = diffPorts(this.current, next);
    this.current = next;
    if (!isEmptyDiff(diff) && !this.store.isDisposed) this.changeEmitter.fire(diff);
    return diff;
  }

  private async scanOne(source: DiscoverySource): Promise<void> {
    try {
      const ports = await source.scan();
      if (this.sources.has(source)) this.sources.set(source, ports);
      this.failing.delete(source);
    } catch (error) {
      // Keep the last good snapshot: a transient failure must not make every board blink out of the tree.
      if (!this.failing.has(source)) {
        this.failing.add(source);
        this.failureEmitter.fire({ source, error });
      }
    }
  }

  dispose(): void {
    this.store.dispose();
    this.sources.clear();
  }
}

const EMPTY_DIFF: PortDiff = { added: [], removed: [], changed: [] };

const GROUP_ORDER = { usb: 0, rfc2217: 1, virtual: 2 } as const;

function byGroupThenPath(a: DetectedPort, b: DetectedPort): number {
  return GROUP_ORDER[a.source] - GROUP_ORDER[b.source] || a.path.localeCompare(b.path, undefined, { numeric: true });
}
