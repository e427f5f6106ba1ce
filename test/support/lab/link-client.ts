import { connect, type Socket } from 'node:net';

/**
 * Plays the firmware host program's side of the lab link in tests: writes lines, collects the lab's
 * lines and waits for one that matches.
 */
export class LinkClient {
  readonly lines: string[] = [];
  private buffer = '';
  private waiters: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffer += text;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.lines.push(line);
        for (const w of [...this.waiters]) {
          if (w.match(line)) {
            this.waiters = this.waiters.filter((x) => x !== w);
            w.resolve(line);
          }
        }
      }
    });
  }

  static open(port: number): Promise<LinkClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve(new LinkClient(s));
      });
      s.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Resolves with the first line (already received or future) that matches; rejects after `ms`. */
  waitFor(match: RegExp | ((l: string) => boolean), ms = 5000): Promise<string> {
    const fn = typeof match === 'function' ? match : (l: string) => match.test(l);
    const seen = this.lines.find(fn);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no line matching ${String(match)} within ${ms} ms; got:\n${this.lines.join('\n')}`));
      }, ms);
      const waiter = {
        match: fn,
        resolve: (l: string) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.waiters.push(waiter);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}

/** Resolves after `ms` (tests that assert something does NOT arrive). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until no socket, server, timer or child process is left, or fails listing what is. */
export async function assertNothingLeft(baseline: string[], ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  const count = (list: string[]) => list.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
  for (;;) {
    const base = count(baseline);
    const now = count(process.getActiveResourcesInfo());
    const extra = Object.entries(now).filter(([k, n]) => k !== 'TTYWrap' && n > (base[k] ?? 0));
    if (extra.length === 0) return;
    if (Date.now() > deadline) throw new Error(`left behind: ${JSON.stringify(extra)}`);
    await new Promise((r) => setImmediate(r));
  }
}
