/* Nanoseconds per call across the C boundary, 10M calls each, -O2, release library. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <time.h>

#include "tessera.h"

#define CALLS 10000000

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    volatile uint32_t sink = 0;
    double t0 = now();
    for (int i = 0; i < CALLS; i++) sink += tess_abi_version();
    double t1 = now();
    printf("tess_abi_version (no arguments, no guard work):   %.2f ns/call\n", (t1 - t0) * 1e9 / CALLS);

    float y = 0;
    t0 = now();
    for (int i = 0; i < CALLS; i++) sink += tess_rsqrt_f32((float)i + 1.0f, TESS_RSQRT_LOMONT, 1, &y);
    t1 = now();
    printf("tess_rsqrt_f32 (validation, panic guard, out-param): %.2f ns/call\n", (t1 - t0) * 1e9 / CALLS);

    TessRng rng;
    tess_rng_seed(&rng, 1);
    uint64_t v = 0;
    t0 = now();
    for (int i = 0; i < CALLS; i++) sink += tess_rng_next_u64(&rng, &v);
    t1 = now();
    printf("tess_rng_next_u64:                                  %.2f ns/call\n", (t1 - t0) * 1e9 / CALLS);

    const double w[4] = {1, 2, 3, 4};
    TessAliasTable *table = NULL;
    tess_alias_table_new(w, 4, &table);
    uint32_t s = 0;
    t0 = now();
    for (int i = 0; i < CALLS; i++) sink += tess_alias_table_sample(table, &rng, &s, 1);
    t1 = now();
    printf("tess_alias_table_sample (handle lookup, 1 sample):  %.2f ns/call\n", (t1 - t0) * 1e9 / CALLS);
    tess_alias_table_free(table);
    return sink == 0;
}
