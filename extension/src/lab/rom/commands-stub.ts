import { createHash } from 'node:crypto';
import { SECTOR_SIZE } from './flash-operation';
import { fail, OK, type Handler, type LoaderCore } from './loader-core';
import { readU32, type LoaderError } from './protocol';

/** ERASE_FLASH (stub only): the whole chip. */
export const eraseFlash: Handler = (core) => {
  core.ctx.flash.erase(0, core.ctx.flash.size);
  return OK;
};

/** ERASE_REGION (stub only): offset and size, both multiples of the sector size. */
export const eraseRegion: Handler = (core, req) => {
  if (req.data.length !== 8) return fail('bad-length');
  const offset = readU32(req.data, 0);
  const size = readU32(req.data, 4);
  if (offset % SECTOR_SIZE !== 0 || size % SECTOR_SIZE !== 0) return fail('bad-length');
  if (offset + size > core.ctx.flash.size) return fail('flash-erase');
  if (size > 0) core.ctx.flash.erase(offset, size);
  return OK;
};

/** The stub's READ_FLASH buffer: 4096 bytes of data per packet at most. */
const MAX_READ_PACKET = 4096;

/**
 * READ_FLASH (stub only): offset, length, packet size, max in flight. The stub answers the command, then
 * sends raw SLIP packets of flash data; the host acknowledges each with a 4-byte SLIP packet holding the
 * total received so far. esp-flasher-stub keeps one packet in flight whatever the host asks (its
 * comment: hosts cannot keep up otherwise). After the last acknowledgement comes the 16-byte MD5 of all
 * data. A failure in the transfer is reported in the response to the next command.
 */
export const readFlash: Handler = (core, req) => {
  if (req.data.length !== 16) return fail('bad-length');
  const offset = readU32(req.data, 0);
  const size = readU32(req.data, 4);
  const packetSize = readU32(req.data, 8);
  return { after: () => streamFlash(core, offset, size, packetSize) };
};

async function streamFlash(core: LoaderCore, offset: number, size: number, packetSize: number): Promise<LoaderError | undefined> {
  if (packetSize > MAX_READ_PACKET || packetSize === 0) return 'bad-length';
  const md5 = createHash('md5');
  let sent = 0;
  let acked = 0;
  while (acked < size) {
    if (sent < size) {
      const n = Math.min(packetSize, size - sent);
      if (offset + sent + n > core.ctx.flash.size) return 'flash-read';
      const data = core.ctx.flash.read(offset + sent, n);
      md5.update(data);
      core.sendFrame(data);
      sent += n;
    }
    const ack = await core.nextFrame();
    if (ack === undefined) return undefined; // reset mid-transfer
    if (ack.length !== 4) break; // the stub gives up on a malformed acknowledgement and sends the digest
    acked = readU32(ack, 0);
  }
  core.sendFrame(new Uint8Array(md5.digest()));
  return undefined;
}
