// Hotplug latency: from a port appearing in (or vanishing from) a source that does NOT signal changes, like
// `SerialPort.list()`, until BoardDiscovery reports it. Limit 1 s: the poll period is 500 ms, so the worst
// case is one period plus a scan.
import { BoardDiscovery } from '../../extension/src/core/boards/board-discovery';
import type { DetectedPort } from '../../extension/src/core/boards/detected-port';
import { figure, limitMax, percentile, type Figure } from '../lib/figure';

const ROUNDS = 20;

export async function measure(): Promise<Figure[]> {
  let ports: DetectedPort[] = [];
  const discovery = new BoardDiscovery();
  discovery.addSource({ kind: 'usb', scan: async () => ports, dispose: () => undefined });
  discovery.start();
  // The discovery's poll timer is unref'd (it must not keep an editor or CLI alive); this one keeps the bench.
  const keepAlive = setInterval(() => undefined, 1000);
  const samples: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      // Plug at a random point of the poll cycle, as a person would.
      await new Promise((r) => setTimeout(r, Math.random() * 500));
      const t0 = performance.now();
      const seen = new Promise<void>((resolve) => {
        const sub = discovery.onDidChange(() => {
          sub.dispose();
          resolve();
        });
      });
      ports = i % 2 === 0 ? [{ source: 'usb', path: '/dev/ttyBENCH0', description: 'bench' }] : [];
      await seen;
      samples.push(performance.now() - t0);
    }
  } finally {
    clearInterval(keepAlive);
    discovery.dispose();
  }
  samples.sort((a, b) => a - b);
  return [
    figure('hotplug seen, median', percentile(samples, 50), 'ms', undefined, `${ROUNDS} plugs/unplugs at random points of the 500 ms poll`),
    figure('hotplug seen, max', samples.at(-1)!, 'ms', limitMax(1000)),
  ];
}
