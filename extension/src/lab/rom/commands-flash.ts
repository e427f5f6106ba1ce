import { createHash } from 'node:crypto';
import { FlashOperation } from './flash-operation';
import { fail, OK, type Handler, type LoaderCore, type Reply } from './loader-core';
import { checksumOf, readU32, type LoaderError, type Request } from './protocol';

/** FLASH_BEGIN / FLASH_DEFL_BEGIN: size, blocks, block size, offset (+ "encrypted" word for the ROM). */
function begin(core: LoaderCore, req: Request, compressed: boolean): Reply {
  const okLength = req.data.length === 16 || req.data.length === 20;
  if (!okLength) return fail('bad-length');
  core.flashOp?.dispose();
  core.flashOp = undefined;
  const op = new FlashOperation(
    core.ctx.flash,
    core.mode,
    { size: readU32(req.data, 0), blocks: readU32(req.data, 4), blockSize: readU32(req.data, 8), offset: readU32(req.data, 12) },
    compressed,
    core.ctx.faults,
  );
  const error = op.start();
  if (error) {
    op.dispose();
    return fail(error);
  }
  core.flashOp = op;
  return OK;
}

export const flashBegin: Handler = (core, req) => begin(core, req, false);
export const flashDeflBegin: Handler = (core, req) => begin(core, req, true);

/** Header checks shared by FLASH_DATA and FLASH_DEFL_DATA; returns the block or the error to answer. */
function checkBlock(core: LoaderCore, req: Request): { block: Uint8Array; op: FlashOperation } | { error: LoaderError } {
  if (req.data.length < 16) return { error: core.mode === 'rom' ? 'bad-length' : 'not-enough-data' };
  const op = core.flashOp;
  if (!op) return { error: 'not-in-flash-mode' };
  const length = readU32(req.data, 0);
  const seq = readU32(req.data, 4);
  const block = req.data.subarray(16);
  if (length !== block.length) return { error: core.mode === 'rom' ? 'bad-length' : 'data-size-mismatch' };
  if (checksumOf(block) !== (req.checksum & 0xff) || req.checksum > 0xff) return { error: 'checksum' };
  // esp-flasher-stub 1.x does not look at the sequence number; the ROM insists on order.
  if (core.mode === 'rom' && seq !== op.nextSeq) return { error: 'bad-sequence' };
  op.nextSeq = seq + 1;
  return { block: block.slice(), op };
}

function countBlock(core: LoaderCore, written: number): void {
  if (written > 0) core.ctx.flash.stats.dataBlocksWritten++;
}

/** FLASH_DATA: the ROM writes before it answers; the stub answers, then writes while the next block arrives. */
export const flashData: Handler = (core, req) => {
  const checked = checkBlock(core, req);
  if ('error' in checked) return fail(checked.error);
  const write = (): LoaderError | undefined => {
    const r = checked.op.write(checked.block);
    countBlock(core, r.written);
    return r.error;
  };
  if (core.mode === 'stub') return { after: write };
  const error = write();
  return error ? fail(error) : OK;
};

/** FLASH_DEFL_DATA: a piece of one zlib stream; inflated across blocks and written as it comes out. */
export const flashDeflData: Handler = async (core, req) => {
  const checked = checkBlock(core, req);
  if ('error' in checked) return fail(checked.error);
  const inflateAndWrite = async (): Promise<LoaderError | undefined> => {
    const out = await checked.op.inflate(checked.block);
    const r = checked.op.write(out.data);
    countBlock(core, r.written);
    return out.error ?? r.error;
  };
  if (core.mode === 'stub') return { after: inflateAndWrite };
  const error = await inflateAndWrite();
  return error ? fail(error) : OK;
};

/**
 * FLASH_END / FLASH_DEFL_END: 0 = reboot, 1 = run user code. The stub checks that everything announced
 * was written and otherwise stays (its reboot is not implemented); the ROM leaves the loader.
 */
function end(core: LoaderCore, req: Request): Reply {
  if (req.data.length !== 4) return fail('bad-length');
  const op = core.flashOp;
  if (core.mode === 'stub') {
    if (!op) return fail('not-in-flash-mode');
    if (op.remaining !== 0) return fail('bad-length');
  }
  op?.dispose();
  core.flashOp = undefined;
  if (core.mode === 'stub') return OK;
  const how = readU32(req.data, 0) === 0 ? 'soft-reset' : 'run-user-code';
  return { after: () => core.ctx.leaveLoader?.(how) };
}

export const flashEnd: Handler = (core, req) => end(core, req);
export const flashDeflEnd: Handler = (core, req) => end(core, req);

/** SPI_FLASH_MD5: address, size, 0, 0. The ROM answers 32 lowercase hex characters, the stub 16 raw bytes. */
export const spiFlashMd5: Handler = (core, req) => {
  if (req.data.length !== 16) return fail('bad-length');
  const address = readU32(req.data, 0);
  const size = readU32(req.data, 4);
  if (address + size > core.ctx.flash.size) return fail('flash-read');
  const digest = createHash('md5').update(core.ctx.flash.read(address, size)).digest();
  const data = core.mode === 'rom' ? new TextEncoder().encode(digest.toString('hex')) : new Uint8Array(digest);
  return { data };
};

/** What one READ_FLASH_SLOW answers at most: esptool's BLOCK_LEN, "ROM read limit per command". */
const SLOW_READ_BLOCK = 64;

/**
 * READ_FLASH_SLOW (0x0E, ROM only): offset and length (at most 64 bytes); the answer always carries a
 * 64-byte buffer, whatever the length (esptool's read_flash_slow in targets/esp32.py, which ESP32-S3
 * and -C3 inherit; opcode from loader.py's ESP_CMDS, "ROM only, much slower than the stub flash read").
 */
export const readFlashSlow: Handler = (core, req) => {
  if (req.data.length !== 8) return fail('bad-length');
  const offset = readU32(req.data, 0);
  const length = readU32(req.data, 4);
  if (length > SLOW_READ_BLOCK) return fail('flash-read-length');
  if (offset + length > core.ctx.flash.size) return fail('flash-read');
  const data = new Uint8Array(SLOW_READ_BLOCK);
  data.set(core.ctx.flash.read(offset, length));
  return { data };
};
