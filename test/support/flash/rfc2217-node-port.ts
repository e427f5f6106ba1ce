import type { NodePortLike } from '../../../extension/src/core/serial/node-serial-link';
import { Rfc2217Client } from '../../../extension/src/core/serial/rfc2217-client';

/**
 * node serialport's port shape over an RFC2217 connection to a lab board, so NodeSerialLink (the USB
 * link) can be driven end to end in tests: its open-error diagnosis first, a real flash on the retry.
 */
export function rfc2217NodePort(url: string, baudRate: number): NodePortLike {
  const client = new Rfc2217Client(url);
  const handlers = { data: [] as Array<(d: Buffer) => void>, close: [] as Array<(e?: Error) => void> };
  const subs: Array<{ dispose(): void }> = [];
  const done = (p: Promise<void>, cb: (err: Error | null) => void) => void p.then(() => cb(null), (e: Error) => cb(e));
  const port = {
    get isOpen() {
      return client.isOpen;
    },
    open(cb: (err: Error | null) => void) {
      subs.push(client.onData((d) => handlers.data.forEach((h) => h(Buffer.from(d)))));
      subs.push(client.onClose((e) => handlers.close.forEach((h) => h(e))));
      done(client.open(baudRate), cb);
    },
    close(cb: (err: Error | null) => void) {
      done(client.close(), cb);
    },
    write(data: Uint8Array, cb: (err: Error | null | undefined) => void) {
      done(client.write(data), cb);
      return true;
    },
    drain: (cb: (err: Error | null) => void) => cb(null),
    set: (opts: { dtr?: boolean; rts?: boolean; brk?: boolean }, cb: (err: Error | null) => void) => done(client.setSignals(opts), cb),
    update: (opts: { baudRate: number }, cb: (err: Error | null) => void) => done(client.setBaudRate(opts.baudRate), cb),
    flush: (cb: (err: Error | null) => void) => done(client.flush(), cb),
    on(event: 'data' | 'close' | 'error', cb: (arg: never) => void) {
      if (event === 'data') handlers.data.push(cb as (d: Buffer) => void);
      if (event === 'close') handlers.close.push(cb as (e?: Error) => void);
      return port;
    },
    removeAllListeners() {
      handlers.data = [];
      handlers.close = [];
      for (const s of subs.splice(0)) s.dispose();
      return port;
    },
  };
  return port as unknown as NodePortLike;
}
