/* Runs every case in EPV_TESTS; `--write-fixtures DIR` regenerates test/fixtures/frames instead. */
#include <stdlib.h>
#include "epv_test.h"

int epv_test_failures;
int write_fixtures(const char *dir);

typedef struct {
    const char *name;
    void (*fn)(void);
} test_case_t;

#define EPV_ENTRY(name) {#name, test_##name},
static const test_case_t CASES[] = {EPV_TESTS(EPV_ENTRY)};

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-fixtures")) {
        return write_fixtures(argv[2]);
    }
    int ok = 0, bad = 0;
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        if (argc == 2 && strcmp(argv[1], CASES[i].name)) {
            continue;
        }
        int before = epv_test_failures;
        CASES[i].fn();
        if (epv_test_failures == before) {
            ok++;
            printf("ok - %s\n", CASES[i].name);
        } else {
            bad++;
            printf("not ok - %s\n", CASES[i].name);
        }
    }
    printf("# c-tests cases=%d ok=%d bad=%d\n", ok + bad, ok, bad);
    return bad ? 1 : 0;
}
