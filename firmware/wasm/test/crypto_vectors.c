/* The C crypto tests (firmware/test/test_crypto.c: RFC 4231, RFC 5869, NIST CCM vectors, sealed
 * credentials and their failure paths) built for WebAssembly against the wasm backend, whose primitives
 * the lab implements with Node's crypto. Run by test/unit/lab/wasm/wasm-crypto-vectors.test.ts: the same
 * vectors as the mbedTLS and PSA backends, through the same imports the shipped firmware uses. */
#include "../../test/epv_test.h"

int epv_test_failures;

__attribute__((export_name("epv_run_crypto_vectors"))) int epv_run_crypto_vectors(void);
int epv_run_crypto_vectors(void)
{
    epv_test_failures = 0;
    test_hmac_rfc4231();
    test_hkdf_rfc5869();
    test_ccm_nist_vectors();
    test_session_seal_open();
    test_session_tamper_and_wrong_key();
    fflush(stderr);
    return epv_test_failures;
}
