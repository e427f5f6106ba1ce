/* nvs_get FILE NS KEY [NS KEY]...: prints what epv_nvs reads for each key of an NVS partition file, one line
 * each: "NS:KEY TYPE VALUE" (integers in decimal, strings and blobs in hex), "NS:KEY absent", or
 * "NS:KEY error STATUS". Reads through a read callback on the open file, as a board reads flash. For the
 * round-trip test of the TypeScript writer (test/unit/core/nvs/nvs-c-reader.test.ts). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "../core/epv_nvs.h"

static epv_status_t read_file(void *ctx, size_t offset, uint8_t *dst, size_t len)
{
    FILE *f = ctx;
    if (fseek(f, (long)offset, SEEK_SET) != 0 || fread(dst, 1, len, f) != len) {
        return EPV_ERR_SHORT;
    }
    return EPV_OK;
}

static const char *type_name(epv_nvs_type_t t)
{
    switch (t) {
    case EPV_NVS_U8: return "u8";
    case EPV_NVS_I8: return "i8";
    case EPV_NVS_U16: return "u16";
    case EPV_NVS_I16: return "i16";
    case EPV_NVS_U32: return "u32";
    case EPV_NVS_I32: return "i32";
    case EPV_NVS_U64: return "u64";
    case EPV_NVS_I64: return "i64";
    case EPV_NVS_STR: return "string";
    case EPV_NVS_BLOB: return "blob";
    }
    return "?";
}

int main(int argc, char **argv)
{
    static uint8_t out[600000];
    if (argc < 4 || argc % 2) {
        fprintf(stderr, "usage: nvs_get FILE NS KEY [NS KEY]...\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        perror(argv[1]);
        return 2;
    }
    long size = ftell(f);
    epv_nvs_t nvs;
    if (size < 0 || epv_nvs_init_read(&nvs, read_file, f, (size_t)size) != EPV_OK) {
        fprintf(stderr, "%s: not a whole number of %u-byte pages\n", argv[1], EPV_NVS_PAGE_SIZE);
        return 2;
    }
    for (int a = 2; a + 1 < argc; a += 2) {
        epv_nvs_value_t v;
        epv_status_t st = epv_nvs_find(&nvs, argv[a], argv[a + 1], &v, out, sizeof out);
        printf("%s:%s ", argv[a], argv[a + 1]);
        if (st == EPV_ERR_NOT_FOUND) {
            printf("absent\n");
        } else if (st != EPV_OK) {
            printf("error %s\n", epv_status_str(st));
        } else if (v.type == EPV_NVS_STR || v.type == EPV_NVS_BLOB) {
            printf("%s ", type_name(v.type));
            for (size_t i = 0; i < v.len; i++) {
                printf("%02x", out[i]);
            }
            printf("\n");
        } else if (v.type & 0x10) {
            printf("%s %" PRId64 "\n", type_name(v.type), v.i);
        } else {
            printf("%s %" PRIu64 "\n", type_name(v.type), v.u);
        }
    }
    fclose(f);
    return 0;
}
