import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/** Sizes of epv_crypto.h: AES-256-CCM with a 13-byte nonce and a 16-byte tag. */
const KEY_LEN = 32;
const NONCE_LEN = 13;
const TAG_LEN = 16;

/** Status codes of wasm_imports.h's crypto imports. */
const OK = 0;
const AUTH_FAILED = 1;
const ERROR = -1;

/**
 * The crypto imports of the firmware's wasm port (firmware/wasm/wasm_imports.h), implemented with Node's
 * crypto. `memory` returns the instance's memory; every pointer and length the firmware passes is checked
 * against it, and intermediate buffers holding key material or plaintext are zeroed before returning.
 */
export function wasmCryptoImports(memory: () => Uint8Array): Record<string, (...args: number[]) => number> {
  const span = (ptr: number, len: number): Uint8Array => {
    const m = memory();
    if (!Number.isInteger(ptr) || !Number.isInteger(len) || ptr < 0 || len < 0 || ptr + len > m.length) throw new RangeError('out of bounds');
    return m.subarray(ptr, ptr + len);
  };
  const guarded = (fn: (...args: number[]) => number) => (...args: number[]): number => {
    try {
      return fn(...args);
    } catch {
      return ERROR;
    }
  };
  return {
    hmac_sha256: guarded((key, keyLen, msg, msgLen, out) => {
      const digest = createHmac('sha256', span(key, keyLen)).update(span(msg, msgLen)).digest();
      span(out, 32).set(digest);
      digest.fill(0);
      return OK;
    }),
    aead_seal: guarded((key, nonce, ad, adLen, pt, len, ct, tag) => {
      const c = createCipheriv('aes-256-ccm', span(key, KEY_LEN), span(nonce, NONCE_LEN), { authTagLength: TAG_LEN });
      c.setAAD(span(ad, adLen), { plaintextLength: len });
      const body = Buffer.concat([c.update(span(pt, len)), c.final()]);
      span(ct, len).set(body);
      span(tag, TAG_LEN).set(c.getAuthTag());
      body.fill(0);
      return OK;
    }),
    aead_open: (key, nonce, ad, adLen, ct, len, pt, tag) => {
      let body: Buffer | undefined;
      try {
        const d = createDecipheriv('aes-256-ccm', span(key, KEY_LEN), span(nonce, NONCE_LEN), { authTagLength: TAG_LEN });
        d.setAuthTag(span(tag, TAG_LEN));
        d.setAAD(span(ad, adLen), { plaintextLength: len });
        body = d.update(span(ct, len));
        try {
          d.final();
        } catch {
          return AUTH_FAILED; // CCM reports a tag mismatch as an exception from final()
        }
        span(pt, len).set(body);
        return OK;
      } catch {
        return ERROR;
      } finally {
        body?.fill(0);
      }
    },
  };
}
