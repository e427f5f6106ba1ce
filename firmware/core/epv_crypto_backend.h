/* Which backend implements epv_crypto.h in this build, decided at compile time from the Mbed TLS version:
 * Mbed TLS 4 (ESP-IDF >= 6.0, TF-PSA-Crypto) removed mbedtls/ccm.h and mbedtls_md_hmac, so it gets the PSA
 * Crypto backend (epv_crypto_psa.c); 2.28 (Debian) and 3.x (ESP-IDF 5.x) keep the mbedtls_* backend
 * (epv_crypto_mbedtls.c). Both files are always compiled (ESP-IDF globs every .c file in core) and each is empty unless
 * selected. A build may force the PSA backend on 2.28 / 3.x with -DEPV_CRYPTO_PSA=1 (the host vector tests
 * do, so both backends run the same tests here). Included only by the backend files: the core itself never
 * sees an Mbed TLS header. */
#ifndef EPV_CRYPTO_BACKEND_H
#define EPV_CRYPTO_BACKEND_H

#include "mbedtls/version.h"

#ifndef EPV_CRYPTO_PSA
#if MBEDTLS_VERSION_MAJOR >= 4
#define EPV_CRYPTO_PSA 1
#else
#define EPV_CRYPTO_PSA 0
#endif
#endif

#if !EPV_CRYPTO_PSA && MBEDTLS_VERSION_MAJOR >= 4
#error "Mbed TLS 4 has no legacy CCM / HMAC API: the PSA backend is the only one that builds"
#endif

#endif
