import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoardDiscovery } from '../../../../extension/src/core/boards/board-discovery';
import type { DetectedPort } from '../../../../extension/src/core/boards/detected-port';
import type { DiscoverySource } from '../../../../extension/src/core/boards/discovery-source';
import { diffPorts } from '../../../../extension/src/core/boards/port-diff';
import { Emitter } from '../../../../extension/src/core/common/emitter';
import type { PortDiff } from '../../../../extension/src/core/boards/port-diff';

class FakeSource implements DiscoverySource {
  ports: DetectedPort[] = [];
  fail: Error | undefined;
  scans = 0;
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  constructor(readonly kind: DetectedPort['source']) {}
  async scan(): Promise<DetectedPort[]> {
    this.scans++;
    if (this.fail) throw this.fail;
    return this.ports;
  }
  plug(p: DetectedPort): void {
    this.ports = [...this.ports, p];
    this.changed.fire();
  }
  unplug(path: string): void {
    this.ports = this.ports.filter((p) => p.path !== path);
    this.changed.fire();
  }
  dispose(): void {
    this.changed.dispose();
  }
}

const usb = (path: string): DetectedPort => ({ source: 'usb', path, description: 'CP210x' });
const virt = (path: string): DetectedPort => ({ source: 'virtual', path, description: 'Virtual ESP32' });

function nextChange(d: BoardDiscovery): Promise<PortDiff> {
  return new Promise((resolve) => {
    const sub = d.onDidChange((diff) => {
      sub.dispose();
      resolve(diff);
    });
  });
}

test('diffPorts reports added, removed and changed by path', () => {
  const d = diffPorts([usb('/a'), usb('/b')], [{ ...usb('/b'), description: 'x' }, usb('/c')]);
  assert.deepEqual(d.added.map((p) => p.path), ['/c']);
  assert.deepEqual(d.removed.map((p) => p.path), ['/a']);
  assert.deepEqual(d.changed.map((p) => p.path), ['/b']);
  assert.deepEqual(diffPorts([usb('/a')], [usb('/a')]), { added: [], removed: [], changed: [] });
});

test('sources that signal a change are rescanned at once and diffs are emitted', async () => {
  const discovery = new BoardDiscovery(60_000);
  const a = new FakeSource('usb');
  const v = new FakeSource('virtual');
  discovery.addSource(v);
  discovery.addSource(a);
  await discovery.refresh();
  const added = nextChange(discovery);
  v.plug(virt('rfc2217://127.0.0.1:2'));
  a.plug(usb('/dev/ttyUSB0'));
  let diff = await added;
  await discovery.refresh();
  assert.deepEqual(discovery.ports.map((p) => p.path), ['/dev/ttyUSB0', 'rfc2217://127.0.0.1:2'], 'USB is listed before virtual');
  assert.ok(diff.added.length >= 1);
  const removed = nextChange(discovery);
  a.unplug('/dev/ttyUSB0');
  diff = await removed;
  assert.deepEqual(diff.removed.map((p) => p.path), ['/dev/ttyUSB0']);
  discovery.dispose();
  a.dispose();
  v.dispose();
});

test('polling picks up a plug without a change signal', async () => {
  const discovery = new BoardDiscovery(20);
  const src: FakeSource = new FakeSource('usb');
  discovery.addSource({ kind: 'usb', scan: () => src.scan(), dispose: () => undefined });
  discovery.start();
  await discovery.refresh();
  const change = nextChange(discovery);
  src.ports = [usb('/dev/ttyACM0')];
  // The poll timer is unref'd by design; hold the event loop open while waiting for it.
  const keepAlive = setTimeout(() => undefined, 10_000);
  const diff = await change;
  clearTimeout(keepAlive);
  assert.deepEqual(diff.added.map((p) => p.path), ['/dev/ttyACM0']);
  discovery.dispose();
  const scans = src.scans;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(src.scans, scans, 'no polling after dispose');
});

test('a failing source keeps its last ports and reports once per streak', async () => {
  const discovery = new BoardDiscovery(60_000);
  const src = new FakeSource('usb');
  src.ports = [usb('/dev/ttyUSB0')];
  const failures: unknown[] = [];
  discovery.onDidFail((f) => failures.push(f.error));
  discovery.addSource(src);
  await discovery.refresh();
  src.fail = new Error('udevadm gone');
  await discovery.refresh();
  await discovery.refresh();
  assert.equal(failures.length, 1);
  assert.deepEqual(discovery.ports.map((p) => p.path), ['/dev/ttyUSB0']);
  src.fail = undefined;
  src.ports = [];
  await discovery.refresh();
  assert.equal(discovery.ports.length, 0);
  discovery.dispose();
  src.dispose();
});

test('removing a source removes its boards', async () => {
  const discovery = new BoardDiscovery(60_000);
  const src = new FakeSource('virtual');
  src.ports = [virt('rfc2217://127.0.0.1:9')];
  const reg = discovery.addSource(src);
  await discovery.refresh();
  assert.equal(discovery.ports.length, 1);
  reg.dispose();
  await discovery.refresh();
  assert.equal(discovery.ports.length, 0);
  discovery.dispose();
});

test('the poll period can change while polling', { timeout: 10_000 }, async () => {
  const discovery = new BoardDiscovery(60_000);
  let scans = 0;
  discovery.addSource({ kind: 'usb', scan: async () => (scans++, []), dispose: () => undefined });
  discovery.start();
  await discovery.refresh();
  const before = scans;
  discovery.setPollInterval(10);
  // Waits for two polls; at the old 60 s period this would never end (the test runner's timeout says so).
  while (scans <= before + 1) await new Promise((r) => setTimeout(r, 5));
  assert.ok(scans > before + 1, 'polls at the new, shorter period');
  discovery.dispose();
});

/** A source whose scan waits until the test lets it finish, so the test controls what happens mid-scan. */
class SlowSource implements DiscoverySource {
  readonly kind = 'usb' as const;
  scans = 0;
  private release: Array<() => void> = [];
  constructor(private readonly ports: DetectedPort[]) {}
  scan(): Promise<DetectedPort[]> {
    this.scans++;
    return new Promise((resolve) => this.release.push(() => resolve(this.ports)));
  }
  /** Lets every scan started so far finish. */
  finishScans(): void {
    for (const r of this.release.splice(0)) r();
  }
  get pending(): number {
    return this.release.length;
  }
  dispose(): void {}
}

test('refresh() during a scan resolves after a rescan that sees sources added mid-scan', async () => {
  const discovery = new BoardDiscovery(60_000);
  const slow = new SlowSource([usb('/dev/ttyUSB0')]);
  discovery.addSource(slow);
  assert.equal(slow.scans, 1, 'the first scan is running');
  const late = new FakeSource('virtual');
  late.ports = [virt('rfc2217://127.0.0.1:7')];
  discovery.addSource(late);
  const refreshed = discovery.refresh();
  slow.finishScans();
  // The queued rescan starts once the first scan settles; let it finish too.
  while (slow.pending === 0) await new Promise((r) => setImmediate(r));
  slow.finishScans();
  await refreshed;
  assert.deepEqual(discovery.ports.map((p) => p.path), ['/dev/ttyUSB0', 'rfc2217://127.0.0.1:7']);
  discovery.dispose();
  late.dispose();
});

test('concurrent refreshes share one scan plus one queued rescan', async () => {
  const discovery = new BoardDiscovery(60_000);
  const slow = new SlowSource([]);
  discovery.addSource(slow);
  const calls = [discovery.refresh(), discovery.refresh(), discovery.refresh()];
  assert.equal(calls[0], calls[2], 'callers during a scan share the queued rescan');
  slow.finishScans();
  while (slow.pending === 0) await new Promise((r) => setImmediate(r));
  slow.finishScans();
  await Promise.all(calls);
  assert.equal(slow.scans, 2);
  discovery.dispose();
});
