/* Crypto and key schedule against published vectors, and the failure paths of sealed credentials. */
#include "../core/epv_session.h"
#include "epv_test.h"

static void unhex(const char *s, uint8_t *out)
{
    for (size_t i = 0; s[2 * i]; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

void test_hmac_rfc4231(void)
{
    uint8_t out[32], want[32];
    unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want);
    const char *msg = "what do ya want for nothing?";
    CHECK_EQ(epv_crypto_hmac_sha256((const uint8_t *)"Jefe", 4, (const uint8_t *)msg, strlen(msg), out), EPV_OK);
    CHECK(memcmp(out, want, 32) == 0);
}

void test_hkdf_rfc5869(void)
{
    uint8_t ikm[22], salt[13], info[10], okm[42], want[42];
    memset(ikm, 0x0b, sizeof(ikm));
    unhex("000102030405060708090a0b0c", salt);
    unhex("f0f1f2f3f4f5f6f7f8f9", info);
    unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", want);
    CHECK_EQ(epv_hkdf_sha256(salt, sizeof(salt), ikm, sizeof(ikm), info, sizeof(info), okm, sizeof(okm)), EPV_OK);
    CHECK(memcmp(okm, want, sizeof(want)) == 0);
    /* test case 3: no salt, no info */
    unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", want);
    CHECK_EQ(epv_hkdf_sha256(NULL, 0, ikm, sizeof(ikm), NULL, 0, okm, sizeof(okm)), EPV_OK);
    CHECK(memcmp(okm, want, sizeof(want)) == 0);
}

static void creds(epv_creds_t *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->ssid, "myssid", 6);
    c->ssid_len = 6;
    memcpy(c->password, "mypassword", 10);
    c->password_len = 10;
}

void test_session_seal_open(void)
{
    uint8_t rn[EPV_NONCE_LEN], in[EPV_NONCE_LEN], k1[32], k2[32];
    memset(rn, 1, sizeof(rn));
    memset(in, 2, sizeof(in));
    CHECK_EQ(epv_session_key(TEST_KEY, rn, in, MAC_R, MAC_I, k1), EPV_OK);
    in[0] ^= 1;
    epv_session_key(TEST_KEY, rn, in, MAC_R, MAC_I, k2);
    CHECK(memcmp(k1, k2, 32) != 0); /* a fresh nonce gives a fresh key */
    in[0] ^= 1;
    epv_creds_t c, out;
    creds(&c);
    epv_s_creds_t s;
    memcpy(s.initiator_nonce, in, EPV_NONCE_LEN);
    memset(s.aead_nonce, 7, EPV_AEAD_NONCE_LEN);
    CHECK_EQ(epv_session_seal(k1, rn, MAC_R, MAC_I, &c, &s), EPV_OK);
    CHECK_EQ(epv_session_open(k1, rn, MAC_R, MAC_I, &s, &out), EPV_OK);
    CHECK(out.ssid_len == 6 && out.password_len == 10 && !memcmp(out.password, "mypassword", 10));
    c.password_len = 64;
    memset(c.password, 'x', 64);
    CHECK_EQ(epv_session_seal(k1, rn, MAC_R, MAC_I, &c, &s), EPV_OK);
    CHECK_EQ(epv_session_open(k1, rn, MAC_R, MAC_I, &s, &out), EPV_OK);
    CHECK_EQ(out.password_len, 64);
}

void test_session_tamper_and_wrong_key(void)
{
    uint8_t rn[EPV_NONCE_LEN], k[32], other[32];
    memset(rn, 1, sizeof(rn));
    epv_creds_t c, out;
    creds(&c);
    epv_s_creds_t s;
    memset(&s, 0, sizeof(s));
    memset(s.initiator_nonce, 2, EPV_NONCE_LEN);
    epv_session_key(TEST_KEY, rn, s.initiator_nonce, MAC_R, MAC_I, k);
    epv_session_seal(k, rn, MAC_R, MAC_I, &c, &s);
    for (size_t i = 0; i < sizeof(s.ct); i += 7) {
        s.ct[i] ^= 0x80;
        CHECK_EQ(epv_session_open(k, rn, MAC_R, MAC_I, &s, &out), EPV_ERR_AUTH);
        CHECK(out.password_len == 0 && out.password[0] == 0);
        s.ct[i] ^= 0x80;
    }
    s.tag[15] ^= 1;
    CHECK_EQ(epv_session_open(k, rn, MAC_R, MAC_I, &s, &out), EPV_ERR_AUTH);
    s.tag[15] ^= 1;
    CHECK_EQ(epv_session_open(k, rn, MAC_I, MAC_R, &s, &out), EPV_ERR_AUTH); /* MACs swapped */
    rn[3] ^= 1;
    CHECK_EQ(epv_session_open(k, rn, MAC_R, MAC_I, &s, &out), EPV_ERR_AUTH); /* other session's nonce */
    rn[3] ^= 1;
    uint8_t wrong[32];
    memset(wrong, 0x42, sizeof(wrong));
    epv_session_key(wrong, rn, s.initiator_nonce, MAC_R, MAC_I, other);
    CHECK_EQ(epv_session_open(other, rn, MAC_R, MAC_I, &s, &out), EPV_ERR_AUTH);
    CHECK_EQ(epv_session_open(k, rn, MAC_R, MAC_I, &s, &out), EPV_OK);
}
