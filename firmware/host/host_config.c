#include "host_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

epv_status_t host_config_load(const char *path, epv_config_t *cfg, int *line_no, const char **why)
{
    static const size_t max = 64 * 1024;
    *line_no = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = "cannot open config file";
        return EPV_ERR_ARG;
    }
    char *buf = malloc(max); /* host only: the core never allocates */
    if (!buf) {
        fclose(f);
        *why = "out of memory";
        return EPV_ERR_OVERFLOW;
    }
    size_t n = fread(buf, 1, max, f);
    int too_big = n == max;
    fclose(f);
    epv_status_t st = too_big ? EPV_ERR_OVERFLOW : epv_sdkconfig_parse(buf, n, cfg, line_no, why);
    if (too_big) {
        *why = "config file larger than 64 KiB";
    }
    memset(buf, 0, n);
    free(buf);
    return st;
}
