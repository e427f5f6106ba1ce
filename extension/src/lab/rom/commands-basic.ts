import { fail, OK, type Handler, type Reply } from './loader-core';
import { romProgrammedBaud } from './chips';
import { Op, readU32, u32le } from './protocol';

/** SYNC payload: 0x07 0x07 0x12 0x20 then 32 x 0x55. */
function isSyncPayload(d: Uint8Array): boolean {
  if (d.length !== 36 || d[0] !== 0x07 || d[1] !== 0x07 || d[2] !== 0x12 || d[3] !== 0x20) return false;
  for (let i = 4; i < 36; i++) if (d[i] !== 0x55) return false;
  return true;
}

/**
 * SYNC: the ROM answers eight times with value 0x20120707; the stub also answers eight times but with
 * value 0, which is how esptool notices it is already talking to a stub.
 */
export const sync: Handler = (core, req) => {
  if (!isSyncPayload(req.data)) {
    // The ROM uses SYNC to measure the baud rate; a mangled one gets no answer. The stub checks size only.
    if (core.mode === 'rom') return { noResponse: true };
    if (req.data.length !== 36) return fail('bad-length');
  }
  const value = core.mode === 'rom' ? 0x20120707 : 0;
  if (core.mode === 'rom') {
    core.lastValue = value;
    // The ROM measured the host's rate on this frame: its UART stays there until CHANGE_BAUDRATE.
    core.ctx.lockAutobaud?.();
  }
  for (let i = 0; i < 8; i++) core.sendResponse(Op.SYNC, value, new Uint8Array(0));
  return { noResponse: true };
};

export const readReg: Handler = (core, req) => {
  if (req.data.length !== 4) return fail('bad-length');
  const value = core.regs.read(readU32(req.data, 0));
  core.lastValue = value;
  return { value };
};

/** WRITE_REG: one or more (address, value, mask, delay_us) entries; esptool-js sends two for a delay. */
export const writeReg: Handler = (core, req) => {
  if (req.data.length === 0 || req.data.length % 16 !== 0) return fail(core.mode === 'rom' ? 'bad-length' : 'not-enough-data');
  for (let i = 0; i < req.data.length; i += 16) {
    core.regs.write(readU32(req.data, i), readU32(req.data, i + 4), readU32(req.data, i + 8));
  }
  return OK;
};

/** SPI_ATTACH: 4 bytes (stub) or 8 (ROM: the pin word plus 4 reserved zero bytes). */
export const spiAttach: Handler = (core, req) => {
  const ok = core.mode === 'rom' ? req.data.length === 8 || req.data.length === 4 : req.data.length === 4;
  return ok ? OK : fail('bad-length');
};

/** SPI_SET_PARAMS: id, total size, block, sector, page size, status mask. Accepted, not needed by the lab. */
export const spiSetParams: Handler = (_core, req) => (req.data.length === 24 ? OK : fail('bad-length'));

/**
 * CHANGE_BAUDRATE: acknowledged at the old rate, then the UART switches. The ESP32 ROM programs the
 * divider from its own estimate of the crystal, so it lands off the requested rate (romProgrammedBaud);
 * the stub and the newer ROMs divide by the real crystal.
 */
export const changeBaudrate: Handler = (core, req): Reply => {
  if (req.data.length !== 8) return fail('bad-length');
  const requested = readU32(req.data, 0);
  if (requested === 0) return fail('bad-length');
  const baud = core.mode === 'rom' ? romProgrammedBaud(core.spec, requested) : requested;
  return { after: () => core.setBaud(baud) };
};

/**
 * GET_SECURITY_INFO: flags, flash_crypt_cnt, 7 key purposes, chip id, ECO version (20 bytes). The ESP32
 * ROM does not know the command; the stub answers "not implemented" there.
 */
export const getSecurityInfo: Handler = (core, req) => {
  const chipId = core.spec.securityChipId;
  if (chipId === undefined) return fail(core.mode === 'rom' ? 'invalid-command' : 'not-implemented');
  if (req.data.length !== 0) return fail('bad-length');
  const info = new Uint8Array(20);
  info.set(u32le(0), 0); // no secure boot, flash encryption or secure download mode
  info.set(u32le(chipId, core.spec.ecoVersion), 12);
  return { data: info };
};
