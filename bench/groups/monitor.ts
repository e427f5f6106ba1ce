// The log pipeline on one core (split, redact, parse, colorize, recognize, reduce), and serial-to-terminal
// latency: a lab board's UART line at 115200 baud until the monitor session renders it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MonitorPipeline } from '../../extension/src/core/monitor/monitor-pipeline';
import { MonitorSession } from '../../extension/src/core/monitor/monitor-session';
import { Redactor } from '../../extension/src/core/monitor/redactor';
import { openSerialLink } from '../../extension/src/core/serial/link-factory';
import { PortArbiter } from '../../extension/src/core/serial/port-arbiter';
import type { ChipContext } from '../../extension/src/lab/chip/chip-program';
import { Lab } from '../../extension/src/lab/lab';
import { createBootloader } from '../../extension/src/lab/rom';
import { atLeast, figure, percentile, type Figure } from '../lib/figure';

/** A mix like a provisioning boot: ESP-IDF logs with colors, Wi-Fi lines, PROV_EVT lines, ROM text. */
const SAMPLE = [
  '\x1b[0;32mI (312) espnow_prov: Scanning for a responder (channels 1-13), timeout 30s\x1b[0m\r\n',
  'I (313) PROV_EVT: scan_start channels=1-13 timeout_ms=30000\r\n',
  'I (725) PROV_EVT: responder_found mac=24:0a:c4:00:00:11 channel=6 rssi=-41\r\n',
  '\x1b[0;33mW (731) wifi: unknown frame type 0x2, ignored\x1b[0m\r\n',
  'I (802) PROV_EVT: credentials_received ssid=lab%20net\r\n',
  'I (845) wifi:connected with lab net, aid = 2, channel 6, 40U, bssid = 3c:46:d8:0e:4c:ac\r\n',
  'I (902) esp_netif_handlers: sta ip: 192.168.4.100, mask: 255.255.255.0, gw: 192.168.4.1\r\n',
  'ESP-ROM:esp32c3-api1-20210207\r\n',
  'D (1003) espnow_prov: heap free 212344 bytes, largest block 110592, ticks 1003\r\n',
  'I (1100) app_main: a longer application line that carries some payload text to parse and colorize\r\n',
].join('');

function pipelineLinesPerSecond(): { rate: number; lines: number } {
  const redactor = new Redactor([{ kind: 'password', value: 'correct horse 42' }, { kind: 'pair-key', value: 'ab'.repeat(32) }]);
  const pipeline = new MonitorPipeline({ redactor, role: 'initiator' });
  let rendered = 0;
  pipeline.onDidRender((t) => (rendered += t.length));
  const bytes = Buffer.from(SAMPLE.repeat(200), 'latin1');
  const linesPerChunk = 10 * 200;
  // Warm up the JIT, then time whole seconds of UART-sized pieces (a serial read hands over up to 4 KiB).
  for (let i = 0; i < 20; i++) pipeline.feed(bytes);
  let lines = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    for (let o = 0; o < bytes.length; o += 4096) pipeline.feed(bytes.subarray(o, o + 4096));
    lines += linesPerChunk;
  }
  const rate = lines / ((performance.now() - t0) / 1000);
  pipeline.dispose();
  if (rendered === 0) throw new Error('the pipeline rendered nothing');
  return { rate, lines };
}

async function latency(samples: number): Promise<number[]> {
  let ctx: ChipContext | undefined;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-latency-'));
  const lab = await Lab.start({
    stateDir,
    boards: [{ chip: 'esp32c3' }],
    programs: () => ({
      bootloader: (c) => createBootloader(c),
      bootFromFlash: (c) => {
        ctx = c;
        c.setUartBaud(115200);
        return { receive: () => undefined, dispose: () => (ctx = undefined) };
      },
    }),
  });
  const session = new MonitorSession({ path: lab.boardList[0].url, baudRate: 115200, openLink: openSerialLink, arbiter: new PortArbiter() });
  const out: number[] = [];
  try {
    await session.start();
    const sent = new Map<number, number>();
    session.pipeline.onDidRender((text) => {
      for (const m of text.matchAll(/seq=(\d+)/g)) {
        const t = sent.get(Number(m[1]));
        if (t !== undefined) out.push(performance.now() - t);
      }
    });
    const deadline = Date.now() + 5000;
    while (!ctx && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < samples; i++) {
      sent.set(i, performance.now());
      ctx!.transmit(new TextEncoder().encode(`I (${1000 + i}) PROV_EVT: tick seq=${i}\r\n`));
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 10));
    }
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    session.dispose();
    lab.dispose();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  if (out.length < samples * 0.95) throw new Error(`only ${out.length} of ${samples} lines reached the terminal`);
  return out.sort((a, b) => a - b);
}

export async function measure(): Promise<Figure[]> {
  const p = pipelineLinesPerSecond();
  const l = await latency(300);
  // 36 bytes at 115200 baud take 3.1 ms on the wire; the rest is the host.
  return [
    figure('log pipeline, lines per second on one core', p.rate, 'lines/s', atLeast(1_000_000), 'redact + parse + colorize + recognize + reduce, 4 KiB pieces'),
    figure('serial-to-terminal latency p50', percentile(l, 50), 'ms', undefined, 'from the board\'s UART write to the rendered text, incl. 3.1 ms wire time at 115200'),
    figure('serial-to-terminal latency p99', percentile(l, 99), 'ms'),
  ];
}
