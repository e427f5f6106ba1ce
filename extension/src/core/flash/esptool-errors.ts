import { isProvisionError, ProvisionError } from '../common/errors';

const SILENT_HINT = 'Hold BOOT and press RESET, or check the cable.';

/**
 * Turns an esptool-js or link failure into an error kind a user can act on, naming the board. The link's
 * own close reason wins over what esptool-js saw afterwards (a read timeout is the symptom, not the cause).
 */
export function mapLoaderError(e: unknown, board: string, linkError?: Error, signal?: AbortSignal): ProvisionError {
  if (signal?.aborted) return new ProvisionError('cancelled', 'Cancelled while connecting to the bootloader.', board, undefined, { cause: e });
  if (isProvisionError(e) && e.kind === 'cancelled') return e;
  if (linkError) {
    const kind = isProvisionError(linkError) && (linkError.kind === 'port-missing' || linkError.kind === 'port-io') ? linkError.kind : 'port-io';
    return new ProvisionError(kind, `The connection dropped: ${linkError.message}`, board, 'Check the cable (or the remote server) and flash again.', { cause: e });
  }
  if (isProvisionError(e)) return e.board ? e : new ProvisionError(e.kind, e.message, board, e.hint, { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  if (/Failed to connect|Wrong boot mode|no sync reply/i.test(msg)) {
    return new ProvisionError('bootloader-silent', 'did not answer the ROM bootloader sync.', board, SILENT_HINT, { cause: e });
  }
  if (/MD5 of file does not match/i.test(msg)) {
    return new ProvisionError('checksum', 'The flash contents do not match the image (MD5 mismatch after writing).', board, 'Flash again; if it repeats, lower the flash baud or check the cable.', { cause: e });
  }
  if (/timed? ?out|No serial data|data stream stopped/i.test(msg)) {
    return new ProvisionError('timeout', `stopped answering the bootloader (${msg}).`, board, 'Check the cable and the power supply, then flash again.', { cause: e });
  }
  // Bytes changed on the wire, as esptool-js's own "serial noise or corruption" says from the host's side:
  // the ROM's status 1,7 (invalid CRC in message), and the stub's codes for a block that did not arrive
  // as sent: 0xC0 bad data length, 0xC1 bad data checksum, 0xC7 inflate error, 0xC8/0xC9 not enough / too
  // much data. Which one a flipped bit causes is chance; the fault table's byte-error row lands here.
  if (/failed with status (?:1,7|19[23],\d+|199,\d+|20[01],\d+)\b|serial noise or corruption/i.test(msg)) {
    return new ProvisionError('checksum', `Bytes were corrupted on the serial line (${msg}).`, board, 'Check the cable, or lower the flash baud, and flash again.', { cause: e });
  }
  if (/not open|closed|device has been lost|port/i.test(msg)) {
    return new ProvisionError('port-io', `The serial connection failed: ${msg}`, board, 'Check the cable and flash again.', { cause: e });
  }
  return new ProvisionError('protocol', `The bootloader answered unexpectedly: ${msg}`, board, undefined, { cause: e });
}
