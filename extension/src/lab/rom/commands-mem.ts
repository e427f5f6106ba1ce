import { fail, OK, type Handler, type LoaderCore } from './loader-core';
import { checksumOf, readU32 } from './protocol';

/** MEM_BEGIN: total size, number of blocks, block size, RAM address. */
export const memBegin: Handler = (core, req) => {
  if (req.data.length !== 16) return fail('bad-length');
  const size = readU32(req.data, 0);
  const blocks = readU32(req.data, 4);
  const blockSize = readU32(req.data, 8);
  const start = readU32(req.data, 12);
  if (core.mode === 'rom') {
    // The ROM only loads into RAM; esp-flasher-stub copies wherever it is told.
    const region = core.spec.ram.find(([lo, hi]) => start >= lo && start < hi);
    if (!region) return fail('ram-address');
    if (start + size > region[1]) return fail('ram-size');
  }
  core.memOp = { start, size, blocks, blockSize, offset: start, nextSeq: 0 };
  return OK;
};

/** MEM_DATA: length, sequence, 0, 0, then the data. The ROM checks the checksum and order; the stub neither. */
export const memData: Handler = (core, req) => {
  const op = core.memOp;
  if (req.data.length < 16) return fail(core.mode === 'rom' ? 'bad-length' : 'not-enough-data');
  if (!op) return fail('not-in-flash-mode');
  const length = readU32(req.data, 0);
  const seq = readU32(req.data, 4);
  const payload = req.data.subarray(16);
  if (length !== payload.length) return fail(core.mode === 'rom' ? 'bad-length' : 'too-much-data');
  if (core.mode === 'rom') {
    if (checksumOf(payload) !== (req.checksum & 0xff)) return fail('checksum');
    if (seq !== op.nextSeq) return fail('bad-sequence');
  }
  if (op.offset + payload.length > op.start + op.size) return fail(core.mode === 'rom' ? 'ram-size' : 'too-much-data');
  storeRam(core, op.offset, payload);
  op.offset += payload.length;
  op.nextSeq = seq + 1;
  return OK;
};

/**
 * MEM_END: execute flag (0 = jump), entry point. Jumping into what was just loaded starts the flasher
 * stub: the lab cannot run Xtensa/RISC-V code, so any upload whose entry lies inside the loaded text is
 * taken to be the stub and the stub's behaviour is emulated from there ("OHAI", then stub answers).
 */
export const memEnd: Handler = (core, req) => {
  if (req.data.length !== 8) return fail('bad-length');
  if (core.mode === 'stub' && !core.memOp) return fail('not-in-flash-mode');
  core.memOp = undefined;
  const runNow = readU32(req.data, 0) === 0;
  const entry = readU32(req.data, 4);
  if (!runNow) return OK;
  return {
    after: () => {
      const loaded = core.ram.some((s) => entry >= s.address && entry < s.address + s.data.length);
      if (loaded) core.startStub();
      else core.halt(`jumped to 0x${entry.toString(16)}, outside any loaded segment`);
    },
  };
};

function storeRam(core: LoaderCore, address: number, data: Uint8Array): void {
  const last = core.ram[core.ram.length - 1];
  if (last && last.address + last.data.length === address) {
    const merged = new Uint8Array(last.data.length + data.length);
    merged.set(last.data);
    merged.set(data, last.data.length);
    core.ram[core.ram.length - 1] = { address: last.address, data: merged };
  } else {
    core.ram.push({ address, data: data.slice() });
  }
}
