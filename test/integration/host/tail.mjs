// Follows a file another process appends to (the test entry's log), printing new text as it arrives.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export function tailFile(path, write = (s) => process.stdout.write(s)) {
  let offset = 0;
  const buf = Buffer.alloc(64 * 1024);
  // A read can end inside a multi-byte character (mocha prints ✓): the decoder keeps the partial bytes.
  const decoder = new StringDecoder('utf8');
  const drain = () => {
    if (!existsSync(path)) return;
    const fd = openSync(path, 'r');
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        write(decoder.write(buf.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  };
  const timer = setInterval(drain, 200);
  return {
    /** Prints what has arrived so far, so the caller's next line comes after it. */
    flush: drain,
    /** Prints whatever is left and stops following. */
    stop() {
      clearInterval(timer);
      drain();
    },
  };
}
