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

/* RFC 4231 section 4 (cases 1-4, 6, 7; case 5 truncates the output), plus empty key and message, which
 * HMAC defines (RFC 2104) and the PSA backend has to map onto a key it accepts. */
void test_hmac_rfc4231(void)
{
    static const struct {
        const char *key, *msg, *mac;
    } V[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL /* 0xdd x 50 */,
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819", NULL /* 0xcd x 50 */,
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {NULL /* 0xaa x 131 */, "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {NULL, "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
               "to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
        {"", "", "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"},
    };
    for (size_t i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
        uint8_t key[131], msg[160], want[32], out[32];
        size_t key_len, msg_len;
        if (V[i].key) {
            key_len = strlen(V[i].key) / 2;
            unhex(V[i].key, key);
        } else {
            key_len = 131;
            memset(key, 0xaa, key_len);
        }
        if (i == 2 || i == 3) {
            msg_len = 50;
            memset(msg, i == 2 ? 0xdd : 0xcd, msg_len);
        } else if (i < 2) {
            msg_len = strlen(V[i].msg) / 2;
            unhex(V[i].msg, msg);
        } else {
            msg_len = strlen(V[i].msg);
            memcpy(msg, V[i].msg, msg_len);
        }
        unhex(V[i].mac, want);
        memset(out, 0, sizeof(out));
        CHECK_EQ(epv_crypto_hmac_sha256(key, key_len, msg, msg_len, out), EPV_OK);
        if (memcmp(out, want, 32) != 0) {
            fprintf(stderr, "  HMAC vector %zu differs\n", i);
            CHECK(0);
        }
    }
    uint8_t out[32];
    CHECK_EQ(epv_crypto_hmac_sha256(NULL, 0, NULL, 0, out), EPV_OK);
    CHECK_EQ(epv_crypto_hmac_sha256(NULL, 1, NULL, 0, out), EPV_ERR_ARG);
}

/* RFC 5869 appendix A, cases 1-3 (SHA-256). */
void test_hkdf_rfc5869(void)
{
    uint8_t ikm[80], salt[80], info[80], okm[82], want[82];
    memset(ikm, 0x0b, 22);
    unhex("000102030405060708090a0b0c", salt);
    unhex("f0f1f2f3f4f5f6f7f8f9", info);
    unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", want);
    CHECK_EQ(epv_hkdf_sha256(salt, 13, ikm, 22, info, 10, okm, 42), EPV_OK);
    CHECK(memcmp(okm, want, 42) == 0);
    /* case 2: 80-byte ikm, salt and info, 82 bytes out (three HMAC blocks) */
    for (int i = 0; i < 80; i++) {
        ikm[i] = (uint8_t)i;
        salt[i] = (uint8_t)(0x60 + i);
        info[i] = (uint8_t)(0xb0 + i);
    }
    unhex("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f0"
          "9b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87", want);
    CHECK_EQ(epv_hkdf_sha256(salt, 80, ikm, 80, info, 80, okm, 82), EPV_OK);
    CHECK(memcmp(okm, want, 82) == 0);
    /* case 3: no salt, no info */
    memset(ikm, 0x0b, 22);
    unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", want);
    CHECK_EQ(epv_hkdf_sha256(NULL, 0, ikm, 22, NULL, 0, okm, 42), EPV_OK);
    CHECK(memcmp(okm, want, 42) == 0);
    CHECK_EQ(epv_hkdf_sha256(salt, 13, ikm, 22, info, EPV_HKDF_INFO_MAX + 1, okm, 42), EPV_ERR_ARG);
}

/* NIST CAVS CCM vectors for AES-256 with a 13-byte nonce and a 16-byte tag (the only shape secure mode uses;
 * RFC 3610's packets are AES-128 with shorter tags). Names as in NIST's VADT / VPT / VTT files. */
void test_ccm_nist_vectors(void)
{
    static const struct {
        const char *name, *key, *nonce, *ad, *pt, *ct_tag;
    } V[] = {
        {"VADT AES-256 #1 (P=24, A=0)", "26511fb51fcfa75cb4b44da75a6e5a0eb8d9c8f3b906f886df3ba3e6da3a1389",
         "72a60f345a1978fb40f28a2fa4", "", "30d56ff2a25b83fee791110fcaea48e41db7c7f098a81000",
         "55f068c0bbba8b598013dd1841fd740fda2902322148ab5e935753e601b79db4ae730b6ae3500731"},
        {"VPT AES-256 #1 (P=0, A=32)", "c6c14c655e52c8a4c7e8d54e974d698e1f21ee3ba717a0adfa6136d02668c476",
         "291e91b19de518cd7806de44f6", "b4f8326944a45d95f91887c2a6ac36b60eea5edef84c1c358146a666b6878335", "",
         "ca482c674b599046cc7d7ee0d00eec1e"},
        {"VPT AES-256 #5 (P=4, A=32)", "62b82637e567ad27c3066d533ed76e314522ac5c53851a8c958ce6c64b82ffd0",
         "5bc2896d8b81999546f88232ab", "fffb40b0d18cb23018aac109bf62d849adca42629d8a9ad1299b83fe274f9a63",
         "87294078", "2bc22735ab21dfdcfe95bd83592fb6b4168d9a23"},
        {"VTT AES-256 #7 (P=24, A=32)", "60823b64e0b2da3a7eb772bd5941c534e6ff94ea96b564e2b38f82c78bb54522",
         "48526f1bffc97dd65e42906983", "fab62b3e5deda7a9c1128663cc81c44b74ab1bfe70bc1c9dec7c7fd08173b80a",
         "a8be794613835c4366e75817d228438f011a2ec8a86f9797",
         "cc3efe04d84a4ec5cb6a6c28dc2c2d386a359d9550dbdec963ddd56464aed6d0613159d1aa181dcb"},
    };
    for (size_t i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
        uint8_t key[32], nonce[13], ad[32], pt[32], want[48], ct[32], tag[16], back[32];
        size_t ad_len = strlen(V[i].ad) / 2, len = strlen(V[i].pt) / 2;
        unhex(V[i].key, key);
        unhex(V[i].nonce, nonce);
        unhex(V[i].ad, ad);
        unhex(V[i].pt, pt);
        unhex(V[i].ct_tag, want);
        int before = epv_test_failures;
        CHECK_EQ(epv_crypto_aead_seal(key, nonce, ad_len ? ad : NULL, ad_len, len ? pt : NULL, len, len ? ct : NULL, tag),
                 EPV_OK);
        CHECK(memcmp(ct, want, len) == 0 && memcmp(tag, want + len, 16) == 0);
        CHECK_EQ(epv_crypto_aead_open(key, nonce, ad_len ? ad : NULL, ad_len, len ? want : NULL, len,
                                      len ? back : NULL, want + len),
                 EPV_OK);
        CHECK(memcmp(back, pt, len) == 0);
        want[len + 15] ^= 1; /* a flipped tag bit: refused, and the plaintext buffer wiped */
        memset(back, 0x5a, sizeof(back));
        CHECK_EQ(epv_crypto_aead_open(key, nonce, ad, ad_len, len ? want : NULL, len, len ? back : NULL, want + len),
                 EPV_ERR_AUTH);
        for (size_t k = 0; k < len; k++) {
            CHECK(back[k] == 0);
        }
        if (epv_test_failures != before) {
            fprintf(stderr, "  CCM vector %s\n", V[i].name);
        }
    }
    /* in place (ct == pt), as the AEAD contract allows */
    uint8_t key[32], nonce[13], buf[EPV_AEAD_MAX_LEN + 1], tag[16];
    memset(key, 1, sizeof(key));
    memset(nonce, 2, sizeof(nonce));
    memset(buf, 3, sizeof(buf));
    CHECK_EQ(epv_crypto_aead_seal(key, nonce, NULL, 0, buf, 98, buf, tag), EPV_OK);
    CHECK_EQ(epv_crypto_aead_open(key, nonce, NULL, 0, buf, 98, buf, tag), EPV_OK);
    CHECK(buf[0] == 3 && buf[97] == 3);
    CHECK_EQ(epv_crypto_aead_seal(key, nonce, NULL, 0, buf, EPV_AEAD_MAX_LEN + 1, buf, tag), EPV_ERR_ARG);
    CHECK_EQ(epv_crypto_aead_seal(key, nonce, NULL, 1, buf, 1, buf, tag), EPV_ERR_ARG);
}

static void creds(epv_creds_t *c)
{
    CHECK_EQ(epv_creds_set(c, (const uint8_t *)"myssid", 6, (const uint8_t *)"mypassword", 10), EPV_OK);
}

void test_creds_set_bounds(void)
{
    uint8_t big[EPV_PASSWORD_MAX + 1];
    memset(big, 'x', sizeof(big));
    epv_creds_t c;
    CHECK_EQ(epv_creds_set(&c, big, EPV_SSID_MAX, big, EPV_PASSWORD_MAX), EPV_OK);
    CHECK(c.ssid_len == EPV_SSID_MAX && c.password_len == EPV_PASSWORD_MAX && c.ssid[EPV_SSID_MAX] == 0);
    CHECK_EQ(epv_creds_set(&c, big, 4, NULL, 0), EPV_OK); /* an open network: no password */
    CHECK(c.ssid_len == 4 && c.password_len == 0 && c.password[0] == 0);
    CHECK_EQ(epv_creds_set(&c, big, EPV_SSID_MAX + 1, big, 1), EPV_ERR_VALUE);
    CHECK(c.ssid_len == 0 && c.ssid[0] == 0); /* a refused set leaves nothing behind */
    CHECK_EQ(epv_creds_set(&c, big, 1, big, EPV_PASSWORD_MAX + 1), EPV_ERR_VALUE);
    CHECK_EQ(epv_creds_set(&c, big, 0, big, 1), EPV_ERR_VALUE);
    CHECK_EQ(epv_creds_set(&c, NULL, 3, NULL, 0), EPV_ERR_VALUE);
    CHECK_EQ(epv_creds_set(NULL, big, 3, NULL, 0), EPV_ERR_ARG);
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
