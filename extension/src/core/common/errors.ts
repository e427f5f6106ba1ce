/**
 * The error kinds a user can act on. The UI and the CLI map a kind to a message and an exit code; code
 * that throws picks the kind and fills in what the user needs to fix it (which board, which port, which
 * setting).
 */
export type ErrorKind =
  | 'config' // a setting or argument is missing or invalid
  | 'port-busy' // another program holds the serial port
  | 'port-missing' // the port vanished (unplugged) or never existed
  | 'port-io' // read/write failed on an open port
  | 'bootloader-silent' // no answer from the ROM bootloader
  | 'protocol' // the loader answered, but not as the protocol says
  | 'checksum' // a transfer failed verification (checksum or MD5)
  | 'timeout' // a stage did not finish in time
  | 'cancelled' // the user cancelled
  | 'build' // firmware build failed
  | 'auth-rejected' // the responder refused the initiator
  | 'ap-rejected' // the access point refused to connect (reason code inside)
  | 'firmware' // the firmware on a board stopped: crashed, could not start, or its Wi-Fi driver refused
  | 'not-implemented' // a stage that is not built yet
  | 'internal';

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';

  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The board (label or port) the error is about, when there is one. */
    readonly board?: string,
    /** A hint on what to do next, shown after the message. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** One line for a notification or a CLI error: "board: message. hint". */
  describe(): string {
    const who = this.board ? `${this.board}: ` : '';
    return `${who}${this.message}${this.hint ? ` ${this.hint}` : ''}`;
  }
}

/**
 * CLI exit codes per kind: stable, so rigs can script around them (README.md, "Exit codes"). Every command
 * maps a fault through here, so the same fault exits with the same code from `flash`, `provision` and `demo`.
 * A cancel is 130, the shell's code for Ctrl+C.
 */
export const exitCodeOf: Record<ErrorKind, number> = {
  config: 2,
  'port-busy': 3,
  'port-missing': 4,
  'port-io': 5,
  'bootloader-silent': 6,
  protocol: 7,
  checksum: 8,
  timeout: 9,
  cancelled: 130,
  build: 11,
  'auth-rejected': 12,
  'ap-rejected': 13,
  'not-implemented': 14,
  firmware: 15,
  internal: 70,
};

export function isProvisionError(e: unknown): e is ProvisionError {
  return e instanceof ProvisionError;
}
