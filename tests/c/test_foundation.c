/* Foundation host test: version, status, last error, rsqrt, RNG (against a reference
 * xoshiro256++/SplitMix64 written here from the published algorithms), alias tables, PRD,
 * and every bad input those APIs name. Prints VECTOR lines that the harness compares across
 * the C, C++, C# and Rust hosts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tessera.h"

/* ---- reference generator (Blackman & Vigna) ---- */
static uint64_t ref_splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t ref_next(uint64_t s[4]) {
    uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void test_version_and_status(void) {
    CHECK(strcmp(tess_version(), TESS_VERSION_STRING) == 0);
    CHECK(tess_abi_version() == TESS_ABI_VERSION);
    CHECK(tess_status_succeeded(TESS_SUCCESS | TESS_BUFFER_TOO_SMALL) == 1);
    CHECK(tess_status_failed(TESS_SUCCESS) == 0);
    CHECK(tess_status_failed(TESS_FAILURE | TESS_NULL_PARAM) == 1);
    CHECK(tess_status_in_progress(TESS_IN_PROGRESS) == 1);
    CHECK(tess_status_has_detail(TESS_FAILURE | TESS_INVALID_PARAM, TESS_INVALID_PARAM) == 1);
    CHECK(tess_status_has_detail(TESS_FAILURE | TESS_INVALID_PARAM, TESS_NULL_PARAM) == 0);
    CHECK(strcmp(tess_status_str(TESS_SUCCESS), "SUCCESS") == 0);
    CHECK(strcmp(tess_status_str(TESS_FAILURE | TESS_STALE_HANDLE), "STALE_HANDLE") == 0);
}

static void test_last_error(void) {
    float out;
    tess_last_error_clear();
    CHECK(tess_last_error_message(NULL, 0) == 0);
    CHECK_STATUS(tess_rsqrt_f32(2.0f, 99, 1, &out), FAILED_WITH(TESS_INVALID_PARAM));
    size_t n = tess_last_error_message(NULL, 0);
    CHECK(n > 10);
    char small[8];
    CHECK(tess_last_error_message(small, sizeof small) == n);
    CHECK(strlen(small) == 7);
    char *full = malloc(n + 1);
    tess_last_error_message(full, n + 1);
    CHECK(strstr(full, "magic") != NULL);
    free(full);
    /* A success leaves the message alone. */
    CHECK_STATUS(tess_rsqrt_f32(2.0f, TESS_RSQRT_QUAKE, 1, &out), TESS_SUCCESS);
    CHECK(tess_last_error_message(NULL, 0) == n);
}

static void test_rsqrt(void) {
    float y = 0;
    double yd = 0;
    CHECK_STATUS(tess_rsqrt_f32(1.0f, TESS_RSQRT_QUAKE, 1, &y), TESS_SUCCESS);
    CHECK_NEAR(y, 1.0, 1.8e-3);
    for (uint32_t magic = 0; magic < 3; magic++) {
        for (uint32_t it = 1; it <= 4; it++) {
            for (float x = 0.001f; x < 1e6f; x *= 3.7f) {
                tess_rsqrt_f32(x, magic, it, &y);
                CHECK_NEAR(y * sqrt(x), 1.0, 1.8e-3);
            }
        }
        CHECK_STATUS(tess_rsqrt_f64(2.0, magic, 4, &yd), TESS_SUCCESS);
        CHECK_NEAR(yd, 1.0 / sqrt(2.0), 1e-15);
    }
    CHECK_STATUS(tess_rsqrt_f32(0.0f, TESS_RSQRT_QUAKE, 1, &y), TESS_SUCCESS);
    CHECK(isinf(y) && y > 0);
    CHECK_STATUS(tess_rsqrt_f32(-1.0f, TESS_RSQRT_QUAKE, 1, &y), TESS_SUCCESS);
    CHECK(isnan(y));
    CHECK_STATUS(tess_rsqrt_f32(NAN, TESS_RSQRT_QUAKE, 1, &y), TESS_SUCCESS);
    CHECK(isnan(y));
    CHECK_STATUS(tess_rsqrt_f32(INFINITY, TESS_RSQRT_QUAKE, 1, &y), TESS_SUCCESS);
    CHECK(y == 0.0f);
    const float tiny = 1e-42f; /* subnormal */
    CHECK_STATUS(tess_rsqrt_f32(tiny, TESS_RSQRT_MOROZ, 2, &y), TESS_SUCCESS);
    CHECK_NEAR(y * sqrt((double)tiny), 1.0, 1e-5);
    /* Bad input. */
    CHECK_STATUS(tess_rsqrt_f32(1.0f, 3, 1, &y), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_rsqrt_f32(1.0f, TESS_RSQRT_QUAKE, 5, &y), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_rsqrt_f32(1.0f, TESS_RSQRT_QUAKE, 1, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rsqrt_f64(1.0, TESS_RSQRT_QUAKE, 1, NULL), FAILED_WITH(TESS_NULL_PARAM));

    /* Batches: out of place, in place, overlap, NULL. */
    float in[64], out[64];
    for (int i = 0; i < 64; i++) in[i] = 0.5f + (float)i;
    CHECK_STATUS(tess_rsqrt_f32_batch(in, out, 64, TESS_RSQRT_LOMONT, 2), TESS_SUCCESS);
    int all_close = 1;
    for (int i = 0; i < 64; i++) all_close &= fabs(out[i] * sqrt(in[i]) - 1.0) < 1e-5;
    CHECK(all_close);
    CHECK_STATUS(tess_rsqrt_f32_batch(in, in, 64, TESS_RSQRT_LOMONT, 2), TESS_SUCCESS);
    CHECK(memcmp(in, out, sizeof in) == 0);
    CHECK_STATUS(tess_rsqrt_f32_batch(in, in + 1, 32, TESS_RSQRT_LOMONT, 2), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_rsqrt_f32_batch(NULL, out, 4, TESS_RSQRT_LOMONT, 2), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rsqrt_f32_batch(NULL, NULL, 0, TESS_RSQRT_LOMONT, 2), TESS_SUCCESS);
    double ind[3] = {4.0, 9.0, 0.25}, outd[3];
    CHECK_STATUS(tess_rsqrt_f64_batch(ind, outd, 3, TESS_RSQRT_QUAKE, 4), TESS_SUCCESS);
    CHECK_NEAR(outd[1], 1.0 / 3.0, 1e-15);
    CHECK_STATUS(tess_rsqrt_f64_batch(ind, NULL, 3, TESS_RSQRT_QUAKE, 4), FAILED_WITH(TESS_NULL_PARAM));

    TessVec3 v = {3.0f, 0.0f, 4.0f}, n;
    CHECK_STATUS(tess_normalize3(v, TESS_RSQRT_MOROZ, 2, &n), TESS_SUCCESS);
    CHECK_NEAR(n.x, 0.6, 1e-5);
    CHECK_NEAR(n.z, 0.8, 1e-5);
    TessVec3 bad = {NAN, 0.0f, 1.0f};
    CHECK_STATUS(tess_normalize3(bad, TESS_RSQRT_MOROZ, 2, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_normalize3(v, TESS_RSQRT_MOROZ, 2, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_normalize3(v, 7, 2, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_normalize3_batch(NULL, 2, TESS_RSQRT_QUAKE, 3), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_normalize3_batch(NULL, 0, TESS_RSQRT_QUAKE, 3), TESS_SUCCESS);
    TessVec3 many[2] = {{0, 2, 0}, {0, 0, 0}};
    CHECK_STATUS(tess_normalize3_batch(many, 2, TESS_RSQRT_QUAKE, 3), TESS_SUCCESS);
    CHECK_NEAR(many[0].y, 1.0, 1e-6);
    CHECK(many[1].x == 0 && many[1].y == 0 && many[1].z == 0);
}

static void test_rng(void) {
    TessRng rng;
    CHECK_STATUS(tess_rng_seed(&rng, 42), TESS_SUCCESS);
    uint64_t sm = 42, ref[4];
    for (int i = 0; i < 4; i++) ref[i] = ref_splitmix64(&sm);
    int same = 1;
    printf("VECTOR rng");
    for (int i = 0; i < 1000; i++) {
        uint64_t got = 0;
        tess_rng_next_u64(&rng, &got);
        same &= got == ref_next(ref);
        if (i < 8) printf(" %llu", (unsigned long long)got);
    }
    printf("\n");
    CHECK(same);
    uint64_t fill[16], b;
    TessRng copy = rng;
    CHECK_STATUS(tess_rng_fill_u64(&copy, fill, 16), TESS_SUCCESS);
    int fill_same = 1;
    for (int i = 0; i < 16; i++) fill_same &= fill[i] == ref_next(ref);
    CHECK(fill_same);
    double d;
    float f;
    uint32_t u;
    CHECK_STATUS(tess_rng_next_f64(&rng, &d), TESS_SUCCESS);
    CHECK(d >= 0.0 && d < 1.0);
    CHECK_STATUS(tess_rng_next_f32(&rng, &f), TESS_SUCCESS);
    CHECK(f >= 0.0f && f < 1.0f);
    CHECK_STATUS(tess_rng_next_u32(&rng, &u), TESS_SUCCESS);
    CHECK_STATUS(tess_rng_below(&rng, 6, &b), TESS_SUCCESS);
    CHECK(b < 6);
    CHECK_STATUS(tess_rng_jump(&rng), TESS_SUCCESS);
    /* Bad input. */
    TessRng zero = {{0, 0, 0, 0}};
    CHECK_STATUS(tess_rng_next_u64(&zero, &b), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_rng_next_u64(NULL, &b), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_next_u64(&rng, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_below(&rng, 0, &b), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_rng_below(&rng, 3, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_below(NULL, 3, &b), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_next_u32(&rng, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_next_u32(NULL, &u), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_next_f64(&rng, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_next_f64(&zero, &d), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_rng_next_f32(&rng, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_jump(&zero), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_rng_seed(NULL, 1), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_jump(NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_rng_fill_u64(&rng, NULL, 3), FAILED_WITH(TESS_NULL_PARAM));
}

static void test_alias(void) {
    const double weights[4] = {1.0, 2.0, 3.0, 4.0};
    TessAliasTable *table = NULL;
    CHECK_STATUS(tess_alias_table_new(weights, 4, &table), TESS_SUCCESS);
    uint32_t n = 0;
    CHECK_STATUS(tess_alias_table_len(table, &n), TESS_SUCCESS);
    CHECK(n == 4);
    TessRng rng;
    tess_rng_seed(&rng, 1);
    enum { SAMPLES = 200000 };
    static uint32_t out[SAMPLES];
    CHECK_STATUS(tess_alias_table_sample(table, &rng, out, SAMPLES), TESS_SUCCESS);
    unsigned counts[4] = {0, 0, 0, 0};
    for (int i = 0; i < SAMPLES; i++) counts[out[i]]++;
    double chi2 = 0;
    for (int i = 0; i < 4; i++) {
        double expected = SAMPLES * weights[i] / 10.0;
        chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    }
    CHECK(chi2 < 21.1); /* chi-square, 3 dof, p = 1e-4 */

    /* Cross-language vector: weights 1..10, seed 7. */
    double w10[10];
    for (int i = 0; i < 10; i++) w10[i] = i + 1;
    TessAliasTable *t10 = NULL;
    tess_alias_table_new(w10, 10, &t10);
    tess_rng_seed(&rng, 7);
    uint32_t vec[32];
    CHECK_STATUS(tess_alias_table_sample(t10, &rng, vec, 32), TESS_SUCCESS);
    printf("VECTOR alias");
    for (int i = 0; i < 32; i++) printf(" %u", vec[i]);
    printf("\n");

    /* The prefix-sum sampler agrees in distribution. */
    TessCdfSampler *cdf = NULL;
    CHECK_STATUS(tess_cdf_sampler_new(weights, 4, &cdf), TESS_SUCCESS);
    CHECK_STATUS(tess_cdf_sampler_sample(cdf, &rng, out, SAMPLES), TESS_SUCCESS);
    unsigned c3 = 0;
    for (int i = 0; i < SAMPLES; i++) c3 += out[i] == 3;
    CHECK_NEAR(c3 / (double)SAMPLES, 0.4, 0.005);

    /* Bad weights. */
    TessAliasTable *bad = (TessAliasTable *)1;
    const double negative[2] = {1.0, -0.5}, with_nan[2] = {1.0, NAN}, with_inf[2] = {INFINITY, 1.0};
    const double zeros[3] = {0, 0, 0}, huge[2] = {1.7e308, 1.7e308};
    CHECK_STATUS(tess_alias_table_new(weights, 0, &bad), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(bad == NULL);
    CHECK_STATUS(tess_alias_table_new(negative, 2, &bad), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_alias_table_new(with_nan, 2, &bad), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_alias_table_new(with_inf, 2, &bad), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_alias_table_new(zeros, 3, &bad), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_alias_table_new(huge, 2, &bad), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_cdf_sampler_new(negative, 2, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_alias_table_new(NULL, 2, &bad), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_alias_table_new(weights, 4, NULL), FAILED_WITH(TESS_NULL_PARAM));
    /* Bad handles: NULL, wrong type, freed; NULL rng and out. */
    uint32_t one;
    CHECK_STATUS(tess_alias_table_sample(NULL, &rng, &one, 1), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_alias_table_sample((const TessAliasTable *)cdf, &rng, &one, 1),
                 FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_alias_table_sample(table, NULL, &one, 1), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_alias_table_sample(table, &rng, NULL, 1), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_alias_table_len(table, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_alias_table_len(NULL, &n), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_cdf_sampler_sample(NULL, &rng, &one, 1), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_cdf_sampler_sample(cdf, &rng, NULL, 4), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_cdf_sampler_sample((const TessCdfSampler *)table, &rng, &one, 1),
                 FAILED_WITH(TESS_STALE_HANDLE));
    tess_alias_table_free(table);
    CHECK_STATUS(tess_alias_table_sample(table, &rng, &one, 1), FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_alias_table_len(table, &n), FAILED_WITH(TESS_STALE_HANDLE));
    tess_last_error_clear();
    tess_alias_table_free(table); /* double free: ignored, reported */
    CHECK(tess_last_error_message(NULL, 0) > 0);
    tess_alias_table_free(NULL);
    tess_cdf_sampler_free(NULL);
    tess_alias_table_free(t10);
    tess_cdf_sampler_free(cdf);
}

static void test_prd(void) {
    double c = 0;
    CHECK_STATUS(tess_prd_c_from_p(0.05, &c), TESS_SUCCESS);
    CHECK_NEAR(c, 0.00380, 5e-6);
    CHECK_STATUS(tess_prd_c_from_p(0.5, &c), TESS_SUCCESS);
    CHECK_NEAR(c, 0.30210, 5e-6);
    CHECK_STATUS(tess_prd_c_from_p(0.0, &c), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_prd_c_from_p(1.5, &c), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_prd_c_from_p(NAN, &c), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_prd_c_from_p(0.5, NULL), FAILED_WITH(TESS_NULL_PARAM));

    TessPrd prd;
    TessRng rng;
    tess_rng_seed(&rng, 9);
    CHECK_STATUS(tess_prd_init(&prd, 0.25), TESS_SUCCESS);
    printf("VECTOR prd ");
    for (int i = 0; i < 64; i++) {
        uint8_t hit;
        tess_prd_roll(&prd, &rng, &hit);
        printf("%d", hit);
    }
    printf("\n");
    unsigned hits = 0;
    for (int i = 0; i < 200000; i++) {
        uint8_t hit;
        tess_prd_roll(&prd, &rng, &hit);
        hits += hit;
    }
    CHECK_NEAR(hits / 200000.0, 0.25, 5 * sqrt(0.25 * 0.75 / 200000));
    CHECK_STATUS(tess_prd_init(&prd, -1.0), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_prd_init(NULL, 0.5), FAILED_WITH(TESS_NULL_PARAM));
    TessPrd uninit = {0.0, 0, 0};
    uint8_t hit;
    CHECK_STATUS(tess_prd_roll(&uninit, &rng, &hit), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_prd_roll(&prd, NULL, &hit), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_prd_roll(&prd, &rng, NULL), FAILED_WITH(TESS_NULL_PARAM));
}

int main(void) {
    test_version_and_status();
    test_last_error();
    test_rsqrt();
    test_rng();
    test_alias();
    test_prd();
    return check_summary();
}
