/* libFuzzer target: the NVS reader on arbitrary partition bytes (up to 6 pages), each input twice: as it is,
 * and with every page header CRC and written entry CRC recomputed, so mutations reach the entry, span and
 * blob logic behind the CRC checks. The partition is an exactly sized heap copy, so ASan sees any read past
 * its end. Seeded with Espressif's reference image (test/fixtures/nvs/reference.bin). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../core/epv_bytes.h"
#include "../core/epv_nvs.h"

#define MAX_PAGES 6u

static const char *const NAMESPACES[] = {"fixture", "espnow_prov"};
static const char *const KEYS[] = {"u8", "i64", "empty_str", "long_str", "short_blob", "big_blob", "role", "ssid", "pair_key"};

static void lookups(const uint8_t *img, size_t size)
{
    static uint8_t out[6000];
    epv_nvs_t nvs;
    if (epv_nvs_init(&nvs, img, size) != EPV_OK) {
        return;
    }
    for (size_t n = 0; n < sizeof NAMESPACES / sizeof NAMESPACES[0]; n++) {
        for (size_t k = 0; k < sizeof KEYS / sizeof KEYS[0]; k++) {
            epv_nvs_value_t v;
            (void)epv_nvs_find(&nvs, NAMESPACES[n], KEYS[k], &v, out, sizeof out);
            (void)epv_nvs_find(&nvs, NAMESPACES[n], KEYS[k], &v, out, 7);
        }
    }
    size_t len;
    uint8_t u8;
    uint32_t u32;
    (void)epv_nvs_get_u8(&nvs, "espnow_prov", "role", &u8);
    (void)epv_nvs_get_u32(&nvs, "fixture", "u32", &u32);
    (void)epv_nvs_get_str(&nvs, "espnow_prov", "ssid", (char *)out, 33, &len);
    (void)epv_nvs_get_blob(&nvs, "espnow_prov", "pair_key", out, 32, &len);
}

static void repair_crcs(uint8_t *img, size_t pages)
{
    for (size_t p = 0; p < pages; p++) {
        uint8_t *page = img + p * EPV_NVS_PAGE_SIZE;
        epv_put_le32(page + 28, epv_nvs_crc32(0xffffffffu, page + 4, 24));
        for (unsigned i = 0; i < EPV_NVS_ENTRY_COUNT; i++) {
            if (((page[32 + i / 4] >> ((i % 4) * 2)) & 3u) == 2u) {
                uint8_t *e = page + 64 + i * 32;
                epv_put_le32(e + 4, epv_nvs_crc32(epv_nvs_crc32(0xffffffffu, e, 4), e + 8, 24));
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pages = size / EPV_NVS_PAGE_SIZE;
    pages = pages == 0 ? 1 : pages > MAX_PAGES ? MAX_PAGES : pages;
    size_t len = pages * EPV_NVS_PAGE_SIZE;
    uint8_t *img = malloc(len);
    if (!img) {
        return 0;
    }
    memset(img, 0xff, len);
    memcpy(img, data, size < len ? size : len);
    lookups(img, len);
    repair_crcs(img, pages);
    lookups(img, len);
    free(img);
    return 0;
}
