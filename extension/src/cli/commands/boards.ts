import { SerialPort } from 'serialport';
import { BoardDiscovery } from '../../core/boards/board-discovery';
import type { DetectedPort } from '../../core/boards/detected-port';
import { RemoteDiscoverySource } from '../../core/boards/remote-discovery-source';
import { UsbDiscoverySource, type PortLister } from '../../core/boards/usb-discovery-source';
import { UsbIdTable } from '../../core/boards/usb-ids';
import { type CliIo, parseArgs, refusePositional } from '../cli-io';

export const BOARDS_USAGE = `espnow-prov boards [--remote rfc2217://host:port]... [--usb-id VID:PID]... [--json] [--watch]
  Lists the ESP boards connected over USB (and remote RFC2217 boards given with --remote).
  --watch keeps running and prints a line for every board plugged in or out.`;

/** `espnow-prov boards`: what discovery finds, once or live. */
export async function runBoardsCommand(args: readonly string[], io: CliIo, listPorts: PortLister = () => SerialPort.list()): Promise<number> {
  const { opts, flags, positional } = parseArgs(args, ['json', 'watch'], ['remote', 'usb-id']);
  refusePositional(positional);
  const discovery = new BoardDiscovery();
  const failures: string[] = [];
  discovery.onDidFail((f) => failures.push(f.error instanceof Error ? f.error.message : String(f.error)));
  try {
    // Both lists are checked before any source is added, so a bad flag starts no USB scan; errors name
    // the flag the user typed, not the editor setting that fills the same list.
    const usbIds = new UsbIdTable(opts.get('usb-id') ?? [], [], { extraIds: '--usb-id' });
    const remote = new RemoteDiscoverySource(opts.get('remote') ?? [], '--remote');
    discovery.addSource(new UsbDiscoverySource(listPorts, usbIds));
    discovery.addSource(remote);
    await discovery.refresh();
    for (const f of failures) io.err(`warning: ${f}`);
    const ports = discovery.ports;
    if (flags.has('json')) io.out(JSON.stringify(ports, null, 2));
    else if (ports.length === 0) io.out('No ESP boards found. Plug one in, or start virtual boards with: espnow-prov lab --boards 2');
    else for (const p of ports) io.out(formatPort(p));
    if (!flags.has('watch')) return 0;
    io.out('Watching for boards (Ctrl+C to stop)…');
    discovery.onDidChange((d) => {
      for (const p of d.added) io.out(`+ ${formatPort(p)}`);
      for (const p of d.removed) io.out(`- ${formatPort(p)}`);
    });
    discovery.start();
    await waitForSignal();
    return 0;
  } finally {
    discovery.dispose();
  }
}

export function formatPort(p: DetectedPort): string {
  const ids = p.vendorId ? ` [${p.vendorId}:${p.productId}${p.serialNumber ? ` #${p.serialNumber}` : ''}]` : '';
  return `${p.source.padEnd(8)} ${p.path.padEnd(28)} ${p.description}${ids}`;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const done = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
