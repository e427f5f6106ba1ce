/* The NVS reader against Espressif's own output: test/fixtures/nvs/reference.bin was made by ESP-IDF's
 * nvs_partition_gen.py from reference.csv (see the README there). Corruptions are applied to a copy, at the
 * entry offsets that image has (page 0: namespace "fixture" at entry 0, u8..i64 at 1..8, empty_str 9,
 * long_str 11 (span 5), short_blob chunk 16 + index 18, big_blob chunk 0 at 19; page 1: big_blob chunk 1 at 0,
 * its index at 52, namespace "espnow_prov" at 53, role 54, ssid 55, password 57, channel 59, pair_key 60+62). */
#include <stdlib.h>
#include "../core/epv_bytes.h"
#include "../core/epv_nvs.h"
#include "epv_test.h"

#define NVS_DIR "../../test/fixtures/nvs/"
#define REF_SIZE 0x6000u
#define PAGE EPV_NVS_PAGE_SIZE
#define ENTRY(page, i) ((page) * PAGE + 64u + (i) * 32u)

static uint8_t ref[REF_SIZE];
static uint8_t img[REF_SIZE];
static uint8_t blob[5000];
static uint8_t out[6000];

static size_t load_bin(const char *path, uint8_t *dst, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  cannot open %s\n", path);
        return 0;
    }
    size_t n = fread(dst, 1, cap, f);
    fclose(f);
    return n;
}

static epv_nvs_t load_ref(void)
{
    CHECK_EQ(load_bin(NVS_DIR "reference.bin", ref, sizeof ref), REF_SIZE);
    CHECK_EQ(load_bin(NVS_DIR "reference-blob.bin", blob, sizeof blob), sizeof blob);
    memcpy(img, ref, sizeof img);
    epv_nvs_t nvs;
    CHECK_EQ(epv_nvs_init(&nvs, img, sizeof img), EPV_OK);
    return nvs;
}

/* Recomputes the CRC of the entry at off, as a writer that meant this content would. */
static void fix_entry_crc(uint8_t *p, size_t off)
{
    uint32_t crc = epv_nvs_crc32(0xffffffffu, p + off, 4);
    epv_put_le32(p + off + 4, epv_nvs_crc32(crc, p + off + 8, 24));
}

static epv_status_t find(const epv_nvs_t *nvs, const char *ns, const char *key, epv_nvs_value_t *v)
{
    memset(out, 0xee, sizeof out);
    return epv_nvs_find(nvs, ns, key, v, out, sizeof out);
}

void test_nvs_crc32(void)
{
    const uint8_t digits[] = "123456789";
    CHECK_EQ(epv_nvs_crc32(0xffffffffu, digits, 9), 0xd202d277u); /* Python zlib.crc32(data, 0xffffffff) */
    CHECK_EQ(epv_nvs_crc32(epv_nvs_crc32(0xffffffffu, digits, 4), digits + 4, 5), 0xd202d277u);
    CHECK_EQ(epv_nvs_crc32(0xffffffffu, (const uint8_t *)"", 1), 0xffffffffu); /* empty_str's data CRC */
    load_ref();
    CHECK_EQ(epv_le32(ref + 28), epv_nvs_crc32(0xffffffffu, ref + 4, 24));
}

void test_nvs_reads_espressif_reference(void)
{
    epv_nvs_t nvs = load_ref();
    epv_nvs_value_t v;
    static const struct {
        const char *key;
        epv_nvs_type_t type;
        uint64_t u;
        int64_t i;
    } ints[] = {
        {"u8", EPV_NVS_U8, 255, 255},
        {"i8", EPV_NVS_I8, 0x80, -128},
        {"u16", EPV_NVS_U16, 65535, 65535},
        {"i16", EPV_NVS_I16, 0x8000, -32768},
        {"u32", EPV_NVS_U32, 4294967295u, 4294967295},
        {"i32", EPV_NVS_I32, 0x80000000u, -2147483647 - 1},
        {"u64", EPV_NVS_U64, UINT64_MAX, -1},
        {"i64", EPV_NVS_I64, 0x8000000000000000u, INT64_MIN},
    };
    for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
        CHECK_EQ(find(&nvs, "fixture", ints[k].key, &v), EPV_OK);
        CHECK_EQ(v.type, ints[k].type);
        CHECK(v.u == ints[k].u);
        CHECK(v.i == ints[k].i);
        CHECK_EQ(v.len, ints[k].type & 0x0f);
    }
    const char *lorem = "Lorem ipsum dolor sit amet consectetur adipiscing elit. Fusce quis risus justo. "
                        "Suspendisse egestas in nisi sit amet auctor.";
    CHECK_EQ(find(&nvs, "fixture", "long_str", &v), EPV_OK); /* a string spanning 4 data entries */
    CHECK_EQ(v.type, EPV_NVS_STR);
    CHECK_EQ(v.len, strlen(lorem));
    CHECK(memcmp(out, lorem, v.len) == 0);
    CHECK_EQ(find(&nvs, "fixture", "empty_str", &v), EPV_OK);
    CHECK_EQ(v.len, 0);
    CHECK_EQ(find(&nvs, "fixture", "short_blob", &v), EPV_OK);
    CHECK_EQ(v.type, EPV_NVS_BLOB);
    CHECK_EQ(v.len, 6);
    CHECK(memcmp(out, "\x01\x02\x03\xab\xcd\xef", 6) == 0);
    CHECK_EQ(find(&nvs, "fixture", "big_blob", &v), EPV_OK); /* chunk 0 on page 0, chunk 1 on page 1 */
    CHECK_EQ(v.len, sizeof blob);
    CHECK(memcmp(out, blob, sizeof blob) == 0);
    CHECK_EQ(out[sizeof blob], 0xee);

    uint8_t u8 = 0;
    char s[33];
    size_t len = 0;
    uint8_t key[32];
    CHECK_EQ(epv_nvs_get_u8(&nvs, "espnow_prov", "role", &u8), EPV_OK);
    CHECK_EQ(u8, 1);
    CHECK_EQ(epv_nvs_get_u8(&nvs, "espnow_prov", "channel", &u8), EPV_OK);
    CHECK_EQ(u8, 6);
    CHECK_EQ(epv_nvs_get_str(&nvs, "espnow_prov", "password", s, sizeof s, &len), EPV_OK);
    CHECK(len == 10 && memcmp(s, "mypassword", 10) == 0);
    CHECK_EQ(epv_nvs_get_str(&nvs, "espnow_prov", "password", s, 10, &len), EPV_OK); /* no room for a NUL needed */
    CHECK_EQ(epv_nvs_get_str(&nvs, "espnow_prov", "password", s, 9, &len), EPV_ERR_OVERFLOW);
    CHECK_EQ(len, 10);
    CHECK_EQ(epv_nvs_get_blob(&nvs, "espnow_prov", "pair_key", key, sizeof key, &len), EPV_OK);
    CHECK(len == 32 && key[0] == 0x00 && key[1] == 0x11 && key[31] == 0xff);
    CHECK_EQ(epv_nvs_get_blob(&nvs, "fixture", "big_blob", key, sizeof key, &len), EPV_ERR_OVERFLOW);
    CHECK_EQ(len, sizeof blob);

    /* absent keys and namespaces, wrong types, keys NVS cannot hold */
    uint32_t u32 = 0;
    CHECK_EQ(find(&nvs, "fixture", "nope", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "espnow_prov", "u8", &v), EPV_ERR_NOT_FOUND); /* keys are per namespace */
    CHECK_EQ(find(&nvs, "other", "u8", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(epv_nvs_get_u32(&nvs, "espnow_prov", "role", &u32), EPV_ERR_VALUE);
    CHECK_EQ(epv_nvs_get_str(&nvs, "espnow_prov", "pair_key", s, sizeof s, &len), EPV_ERR_VALUE);
    CHECK_EQ(epv_nvs_get_blob(&nvs, "espnow_prov", "ssid", key, sizeof key, &len), EPV_ERR_VALUE);
    CHECK_EQ(find(&nvs, "fixture", "sixteen_chars_xx", &v), EPV_ERR_ARG);
    CHECK_EQ(find(&nvs, "", "u8", &v), EPV_ERR_ARG);
    CHECK_EQ(epv_nvs_init(&nvs, img, sizeof img - 1), EPV_ERR_ARG);
}

void test_nvs_skips_corrupt_entries(void)
{
    epv_nvs_t nvs = load_ref();
    epv_nvs_value_t v;
    /* an entry whose CRC fails is skipped alone: its neighbours stay */
    img[ENTRY(0, 3) + 8] ^= 0x20; /* "u16" -> "U16" without a new CRC */
    CHECK_EQ(find(&nvs, "fixture", "u16", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "U16", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "i16", &v), EPV_OK);
    CHECK_EQ(find(&nvs, "fixture", "i8", &v), EPV_OK);
    /* the same change with its CRC recomputed is a valid entry under the new key */
    fix_entry_crc(img, ENTRY(0, 3));
    CHECK_EQ(find(&nvs, "fixture", "U16", &v), EPV_OK);
    /* a string whose data CRC fails is gone, the entries after its span are not */
    img[ENTRY(0, 12) + 3] ^= 1;
    CHECK_EQ(find(&nvs, "fixture", "long_str", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "short_blob", &v), EPV_OK);
    /* a string whose header CRC fails: its data entries are read as entries (and fail too) */
    memcpy(img, ref, sizeof img);
    img[ENTRY(0, 11) + 2] = 4; /* span 5 -> 4 */
    CHECK_EQ(find(&nvs, "fixture", "long_str", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "short_blob", &v), EPV_OK);
    /* a span with an entry not marked written (power lost while writing) */
    memcpy(img, ref, sizeof img);
    img[PAGE * 0 + 32 + 13 / 4] |= (uint8_t)(3u << ((13 % 4) * 2));
    CHECK_EQ(find(&nvs, "fixture", "long_str", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "short_blob", &v), EPV_OK);
    /* erased entries (state 00) are not read */
    memcpy(img, ref, sizeof img);
    img[32 + 1 / 4] &= (uint8_t) ~(3u << ((1 % 4) * 2));
    CHECK_EQ(find(&nvs, "fixture", "u8", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "i8", &v), EPV_OK);
    /* a blob with a chunk gone is gone as a whole */
    memcpy(img, ref, sizeof img);
    img[ENTRY(1, 1)] ^= 0xff; /* data of big_blob's chunk 1 */
    CHECK_EQ(find(&nvs, "fixture", "big_blob", &v), EPV_ERR_NOT_FOUND);
    /* a blob index whose size disagrees with its chunks */
    memcpy(img, ref, sizeof img);
    epv_put_le32(img + ENTRY(1, 52) + 24, sizeof blob - 1);
    fix_entry_crc(img, ENTRY(1, 52));
    CHECK_EQ(find(&nvs, "fixture", "big_blob", &v), EPV_ERR_NOT_FOUND);
    epv_put_le32(img + ENTRY(1, 52) + 24, sizeof blob + 1);
    fix_entry_crc(img, ENTRY(1, 52));
    CHECK_EQ(find(&nvs, "fixture", "big_blob", &v), EPV_ERR_NOT_FOUND);
    /* a page whose header CRC fails is not read at all: namespace espnow_prov and big_blob's chunk 1 go */
    memcpy(img, ref, sizeof img);
    img[PAGE + 4] ^= 1; /* sequence number */
    CHECK_EQ(find(&nvs, "espnow_prov", "role", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "big_blob", &v), EPV_ERR_NOT_FOUND);
    CHECK_EQ(find(&nvs, "fixture", "u8", &v), EPV_OK);
    /* nor is a page in an unknown state, or of a newer format version */
    memcpy(img, ref, sizeof img);
    epv_put_le32(img, 0xfffffff0u);
    CHECK_EQ(find(&nvs, "fixture", "u8", &v), EPV_ERR_NOT_FOUND);
    memcpy(img, ref, sizeof img);
    img[8] = 0xfd;
    epv_put_le32(img + 28, epv_nvs_crc32(0xffffffffu, img + 4, 24));
    CHECK_EQ(find(&nvs, "fixture", "u8", &v), EPV_ERR_NOT_FOUND);
}

void test_nvs_newest_duplicate_wins(void)
{
    epv_nvs_t nvs = load_ref();
    epv_nvs_value_t v;
    /* page 2 becomes a copy of page 0 with sequence number 7 in which u8 says 7 */
    memcpy(img + 2 * PAGE, ref, PAGE);
    epv_put_le32(img + 2 * PAGE + 4, 7);
    epv_put_le32(img + 2 * PAGE + 28, epv_nvs_crc32(0xffffffffu, img + 2 * PAGE + 4, 24));
    img[ENTRY(2, 1) + 24] = 7;
    fix_entry_crc(img, ENTRY(2, 1));
    CHECK_EQ(find(&nvs, "fixture", "u8", &v), EPV_OK);
    CHECK_EQ(v.u, 7);
    /* with the newer entry corrupt, the older good one counts again */
    img[ENTRY(2, 1) + 24] = 8;
    CHECK_EQ(find(&nvs, "fixture", "u8", &v), EPV_OK);
    CHECK_EQ(v.u, 255);
    /* on one page, the later of two entries wins */
    memcpy(img, ref, sizeof img);
    memcpy(img + ENTRY(1, 63), img + ENTRY(1, 54), 32); /* a second "role" after the last entry */
    img[ENTRY(1, 63) + 24] = 0;
    fix_entry_crc(img, ENTRY(1, 63));
    img[PAGE + 32 + 63 / 4] &= (uint8_t) ~(1u << ((63 % 4) * 2));
    CHECK_EQ(find(&nvs, "espnow_prov", "role", &v), EPV_OK);
    CHECK_EQ(v.u, 0);
}

typedef struct {
    const uint8_t *data;
    size_t size;
    int reads;
    int fail_after;
} reader_t;

static epv_status_t read_cb(void *ctx, size_t offset, uint8_t *dst, size_t len)
{
    reader_t *r = ctx;
    CHECK(offset + len <= r->size);
    CHECK(len <= EPV_NVS_ENTRY_SIZE); /* the reader never needs a big buffer */
    if (r->fail_after >= 0 && r->reads >= r->fail_after) {
        return EPV_ERR_SHORT;
    }
    r->reads++;
    memcpy(dst, r->data + offset, len);
    return EPV_OK;
}

void test_nvs_read_callback_and_kv_view(void)
{
    load_ref();
    reader_t r = {ref, REF_SIZE, 0, -1};
    epv_nvs_t nvs;
    CHECK_EQ(epv_nvs_init_read(&nvs, read_cb, &r, REF_SIZE), EPV_OK);
    epv_nvs_value_t v;
    CHECK_EQ(find(&nvs, "fixture", "big_blob", &v), EPV_OK);
    CHECK(memcmp(out, blob, sizeof blob) == 0);
    CHECK(r.reads > 0);
    r.fail_after = 3;
    r.reads = 0;
    CHECK_EQ(find(&nvs, "fixture", "big_blob", &v), EPV_ERR_SHORT); /* read errors are not "absent" */

    r.fail_after = -1;
    epv_nvs_view_t view = {&nvs, EPV_KV_NAMESPACE};
    epv_kv_t kv;
    epv_nvs_kv(&kv, &view);
    uint8_t role = 9;
    char ssid[32];
    size_t len = 0;
    CHECK_EQ(kv.get_u8(kv.ctx, EPV_KV_ROLE, &role), EPV_OK);
    CHECK_EQ(role, 1);
    CHECK_EQ(kv.get_str(kv.ctx, EPV_KV_SSID, ssid, sizeof ssid, &len), EPV_OK);
    CHECK(len == 6 && memcmp(ssid, "myssid", 6) == 0);
    uint32_t u32;
    CHECK_EQ(kv.get_u32(kv.ctx, EPV_KV_BEACON_MS, &u32), EPV_ERR_NOT_FOUND);
}
