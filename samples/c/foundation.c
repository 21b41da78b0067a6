/* tessera from C: fast inverse square root, weighted loot drops with an alias table,
 * a critical-hit roll with PRD, and what an error looks like. */
#include <stdio.h>

#include "tessera.h"

static void report(const char *what, TessStatus status) {
    char message[256];
    tess_last_error_message(message, sizeof message);
    printf("%s -> %s: %s\n", what, tess_status_str(status), message);
}

int main(void) {
    printf("tessera %s (ABI %u)\n", tess_version(), tess_abi_version());

    float y;
    const char *names[3] = {"Quake", "Lomont", "Moroz"};
    for (uint32_t magic = 0; magic < 3; magic++) {
        tess_rsqrt_f32(2.0f, magic, 1, &y);
        printf("rsqrt(2) with %-6s constant, 1 Newton step: %.7f (exact 0.7071068)\n", names[magic], y);
    }

    const char *loot[4] = {"common", "uncommon", "rare", "legendary"};
    const double weights[4] = {70.0, 25.0, 4.9, 0.1};
    TessAliasTable *table = NULL;
    tess_alias_table_new(weights, 4, &table);
    TessRng rng;
    tess_rng_seed(&rng, 2024);
    uint32_t drops[100000];
    unsigned counts[4] = {0, 0, 0, 0};
    tess_alias_table_sample(table, &rng, drops, 100000);
    for (int i = 0; i < 100000; i++) counts[drops[i]]++;
    for (int i = 0; i < 4; i++) printf("%-10s %6u drops (weight %.1f%%)\n", loot[i], counts[i], weights[i]);
    tess_alias_table_free(table);

    TessPrd crit;
    tess_prd_init(&crit, 0.25);
    printf("25%% crit chance with PRD (C = %.5f): ", crit.c);
    for (int i = 0; i < 40; i++) {
        uint8_t hit;
        tess_prd_roll(&crit, &rng, &hit);
        putchar(hit ? 'X' : '.');
    }
    putchar('\n');

    const double bad[2] = {1.0, -3.0};
    report("alias table with a negative weight", tess_alias_table_new(bad, 2, &table));
    report("PRD with p = 1.5", tess_prd_init(&crit, 1.5));
    return 0;
}
