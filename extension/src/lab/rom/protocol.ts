/**
 * Wire format of the ESP serial loader protocol, as documented in esptool's serial-protocol.rst and
 * spoken by esptool-js 0.7.0 and by the flasher stub it uploads (esp-flasher-stub 1.x).
 */

/** Command opcodes (request byte 1). */
export const Op = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  /** ROM only: 64 bytes per request (esptool's loader.py ESP_CMDS). */
  READ_FLASH_SLOW: 0x0e,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  GET_SECURITY_INFO: 0x14,
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
  READ_FLASH: 0xd2,
  RUN_USER_CODE: 0xd3,
} as const;

/** Seed of the data checksum: 0xEF XOR every byte of the "data to write" part. */
export const CHECKSUM_SEED = 0xef;

/** A decoded request packet. */
export interface Request {
  readonly op: number;
  /** The "size" header field; equals data.length for a well-formed packet. */
  readonly size: number;
  readonly checksum: number;
  readonly data: Uint8Array;
}

/** Which loader is answering: the chip's ROM, or the flasher stub once uploaded. */
export type LoaderMode = 'rom' | 'stub';

/**
 * Failure kinds, mapped per loader to the code the real one sends. ROM codes are from esptool's "ROM
 * Loader Errors" table, stub codes from esp-flasher-stub's `esp_response_code` (sent big-endian, so the
 * first status byte is 0xC1 etc.). Where the ROM's choice is not documented the closest documented
 * meaning is used; those rows say so.
 */
export type LoaderError =
  | 'checksum'
  | 'bad-length'
  | 'bad-sequence'
  | 'not-in-flash-mode'
  | 'data-size-mismatch'
  | 'not-enough-data'
  | 'too-much-data'
  | 'flash-erase'
  | 'flash-write'
  | 'flash-read'
  | 'flash-read-length'
  | 'inflate'
  | 'ram-size'
  | 'ram-address'
  | 'invalid-command'
  | 'not-implemented';

const ROM_CODE: Record<LoaderError, number> = {
  checksum: 0x07, // "Checksum error"
  'bad-length': 0x05, // "The format of the received message is invalid"
  'bad-sequence': 0x05, // undocumented: a block out of order is a malformed message
  'not-in-flash-mode': 0x05, // undocumented: DATA without BEGIN
  'data-size-mismatch': 0x05,
  'not-enough-data': 0x05,
  'too-much-data': 0x05,
  'flash-erase': 0x06, // undocumented: "Message is ok, but the running result is wrong"
  'flash-write': 0x08, // "Flash write error"
  'flash-read': 0x09, // "Flash read error"
  'flash-read-length': 0x0a, // "Flash read length error"
  inflate: 0x0b, // "Deflate failed error"
  'ram-size': 0x0e, // "Invalid RAM binary size"
  'ram-address': 0x0f, // "Invalid RAM binary address"
  'invalid-command': 0x05, // "The format of the received message is invalid" (ROM_INVALID_RECV_MSG)
  'not-implemented': 0x05,
};

const STUB_CODE: Record<LoaderError, number> = {
  checksum: 0xc100, // RESPONSE_BAD_DATA_CHECKSUM
  'bad-length': 0xc000, // RESPONSE_BAD_DATA_LEN
  'bad-sequence': 0xc000, // the 1.x stub does not check sequence numbers; kept for completeness
  'not-in-flash-mode': 0xc600, // RESPONSE_NOT_IN_FLASH_MODE
  'data-size-mismatch': 0xc900, // RESPONSE_TOO_MUCH_DATA (FLASH_DATA length field != payload)
  'not-enough-data': 0xc800, // RESPONSE_NOT_ENOUGH_DATA
  'too-much-data': 0xc900,
  'flash-erase': 0xc400, // RESPONSE_FAILED_SPI_OP
  'flash-write': 0xc400,
  'flash-read': 0xc400,
  'flash-read-length': 0xc000, // RESPONSE_BAD_DATA_LEN
  inflate: 0xc700, // RESPONSE_INFLATE_ERROR
  'ram-size': 0xc900,
  'ram-address': 0xc900,
  'invalid-command': 0xc300, // RESPONSE_INVALID_COMMAND
  'not-implemented': 0xff00, // RESPONSE_CMD_NOT_IMPLEMENTED
};

/** ROM error byte for `e` (the byte after the 0x01 "failed" status byte). */
export function romErrorCode(e: LoaderError): number {
  return ROM_CODE[e];
}

/** Stub response code for `e`, as the 16-bit value esptool decodes with ">H". */
export function stubErrorCode(e: LoaderError): number {
  return STUB_CODE[e];
}

/** Parses a SLIP-decoded frame as a request; undefined if it is not one (wrong direction, too short). */
export function parseRequest(frame: Uint8Array): Request | undefined {
  if (frame.length < 8 || frame[0] !== 0x00) return undefined;
  return { op: frame[1], size: frame[2] | (frame[3] << 8), checksum: readU32(frame, 4), data: frame.subarray(8) };
}

/**
 * Builds a response packet (before SLIP framing). The ROM loaders of ESP32, -S3 and -C3 end the payload
 * with 4 status bytes (status, error, 2 reserved); the stub with 2 (its 16-bit code, big-endian).
 */
export function buildResponse(mode: LoaderMode, op: number, value: number, data: Uint8Array, error?: LoaderError): Uint8Array {
  const status = mode === 'rom' ? new Uint8Array(4) : new Uint8Array(2);
  if (error !== undefined) {
    if (mode === 'rom') {
      status[0] = 1;
      status[1] = ROM_CODE[error];
    } else {
      status[0] = STUB_CODE[error] >> 8;
      status[1] = STUB_CODE[error] & 0xff;
    }
  }
  const body = error === undefined ? data : new Uint8Array(0);
  const out = new Uint8Array(8 + body.length + status.length);
  out[0] = 0x01;
  out[1] = op;
  writeU16(out, 2, body.length + status.length);
  writeU32(out, 4, value);
  out.set(body, 8);
  out.set(status, 8 + body.length);
  return out;
}

/** The loader checksum of `data`. */
export function checksumOf(data: Uint8Array): number {
  let c = CHECKSUM_SEED;
  for (const b of data) c ^= b;
  return c;
}

export function readU32(b: Uint8Array, offset: number): number {
  return (b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24)) >>> 0;
}

export function writeU32(b: Uint8Array, offset: number, v: number): void {
  b[offset] = v & 0xff;
  b[offset + 1] = (v >>> 8) & 0xff;
  b[offset + 2] = (v >>> 16) & 0xff;
  b[offset + 3] = (v >>> 24) & 0xff;
}

export function writeU16(b: Uint8Array, offset: number, v: number): void {
  b[offset] = v & 0xff;
  b[offset + 1] = (v >>> 8) & 0xff;
}

/** Little-endian u32 words to bytes (request payloads in tests and responses). */
export function u32le(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  words.forEach((w, i) => writeU32(out, i * 4, w));
  return out;
}
