import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { wasmCryptoImports } from '../../../../extension/src/lab/wasm/wasm-crypto';

const WASM_DIR = join(resolve(__dirname, '../../../..'), 'firmware/wasm');

/**
 * Runs firmware/test/test_crypto.c, built for WebAssembly against epv_crypto_wasm.c, with the lab's crypto
 * imports: the vectors the mbedTLS and PSA backends pass, through the path the shipped firmware takes.
 * Its stdio (the CHECK failure lines) goes to a minimal WASI fd_write kept here.
 */
function runVectors(crypto = wasmCryptoImports): { failures: number; output: string } {
  const r = spawnSync('make', ['-C', WASM_DIR, '-s', 'test'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `make -C firmware/wasm test:\n${r.stdout}${r.stderr}`);
  const module = new WebAssembly.Module(readFileSync(join(WASM_DIR, 'build/crypto_vectors.wasm')));
  let memory: WebAssembly.Memory | undefined = undefined;
  const mem = () => new Uint8Array(memory!.buffer);
  let output = '';
  const wasi = {
    fd_write: (_fd: number, iovs: number, count: number, written: number) => {
      const view = new DataView(memory!.buffer);
      let n = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view.getUint32(iovs + 8 * i, true);
        const len = view.getUint32(iovs + 8 * i + 4, true);
        output += Buffer.from(mem().subarray(ptr, ptr + len)).toString('utf8');
        n += len;
      }
      view.setUint32(written, n, true);
      return 0;
    },
    fd_close: () => 0,
    fd_seek: () => 70, // ESPIPE: stderr is a stream
  };
  const instance = new WebAssembly.Instance(module, { epv: crypto(mem), wasi_snapshot_preview1: wasi });
  memory = instance.exports.memory as WebAssembly.Memory;
  const failures = (instance.exports.epv_run_crypto_vectors as () => number)();
  return { failures, output };
}

test('the wasm crypto backend passes the C vector tests (RFC 4231, RFC 5869, NIST CCM, sealed credentials)', () => {
  const { failures, output } = runVectors();
  assert.equal(failures, 0, output);
  assert.equal(output, '');
});

test('the vector run notices a broken primitive (a CCM open that ignores the tag)', () => {
  const lenient = (mem: () => Uint8Array) => {
    const real = wasmCryptoImports(mem);
    // Decrypts with the tag the data deserves, so a tampered frame "verifies".
    return {
      ...real,
      aead_open: (key: number, nonce: number, ad: number, adLen: number, ct: number, len: number, pt: number, tag: number) => {
        const m = mem();
        const scratch = m.length - 64;
        const rc = real.aead_seal!(key, nonce, ad, adLen, ct, len, pt, scratch);
        m.copyWithin(tag, scratch, scratch + 16);
        return rc;
      },
    };
  };
  const { failures, output } = runVectors(lenient);
  assert.ok(failures > 0, 'a lenient AEAD must fail the vectors');
  assert.match(output, /CHECK\(.*\) failed/);
});
