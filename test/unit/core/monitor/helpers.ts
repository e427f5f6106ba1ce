import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The seed example's log, as the UART sends it (`\r\n` line ends). */
export function seedLog(role: 'initiator' | 'responder'): string {
  const text = readFileSync(join(__dirname, '../../../fixtures/logs', `seed-${role}.log`), 'utf8');
  return text.replace(/\r?\n/g, '\r\n');
}

/** The seed log's lines, without line ends. */
export function seedLines(role: 'initiator' | 'responder'): string[] {
  return seedLog(role).split('\r\n').slice(0, -1);
}

/** Every way to cut `bytes` into two chunks. */
export function* splitsInTwo(bytes: Uint8Array): Generator<Uint8Array[]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
}

/** Cuts `bytes` into chunks of `size` bytes. */
export function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
