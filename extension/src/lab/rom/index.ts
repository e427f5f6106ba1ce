/**
 * The lab's ROM serial loader and flasher-stub emulator. A virtual board calls `createBootloader(ctx)`
 * when its chip comes out of reset with IO0 low.
 */
export { createBootloader, ROM_BAUD, type BootloaderOptions } from './bootloader';
export { CHIPS, chipSpecOf, type ChipSpec } from './chips';
export { SlipDecoder, slipEncode } from '../../core/serial/slip';
export { Op, buildResponse, checksumOf, parseRequest, romErrorCode, stubErrorCode, u32le, type LoaderError, type LoaderMode, type Request } from './protocol';
