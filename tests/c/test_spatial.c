/* Spatial grid host test: queries against brute force written here, the pair scan (each pair
 * once), k nearest, AOI events against brute-force set differences across random moves, batch
 * moves, and every bad input the API names with its exact status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tessera.h"

#define N 400
#define WORLD 200.0f
#define CELL 10.0f

static float xs[N], zs[N], rs[N];
static uint64_t ids[N];

static uint64_t lcg_state = 12345;
static double rnd(void) {
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* Half the points on the 5-unit lattice (cell borders, exact distances), half anywhere,
 * some outside the bounds. */
static float coord(void) {
    double u = rnd();
    if (u < 0.5) return (float)((int)(rnd() * 44) - 2) * 5.0f;
    if (u < 0.9) return (float)(rnd() * WORLD);
    return (float)(rnd() * 60.0 - 30.0 + (rnd() < 0.5 ? 0.0 : WORLD));
}

static int within(float ax, float az, float bx, float bz, float r) {
    double dx = (double)ax - (double)bx, dz = (double)az - (double)bz;
    return dx * dx + dz * dz <= (double)r * (double)r;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_pair(const void *a, const void *b) {
    const TessIdPair *x = (const TessIdPair *)a, *y = (const TessIdPair *)b;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

static int find_index(uint64_t id) {
    for (int i = 0; i < N; i++)
        if (ids[i] == id) return i;
    return -1;
}

static void test_bad_input(void) {
    TessSpatialGrid *g = (TessSpatialGrid *)1;
    CHECK_STATUS(tess_spatial_grid_new(0, 0, 10, 10, 0.0f, &g), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(g == NULL);
    CHECK_STATUS(tess_spatial_grid_new(0, 0, 10, 10, -1.0f, &g), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_new(0, 0, 10, 10, NAN, &g), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_new(0, 0, 0, 10, 1.0f, &g), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_new(0, 3, 10, 3, 1.0f, &g), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_new(INFINITY, 0, 10, 10, 1.0f, &g), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_new(0, 0, 10, 10, 1.0f, NULL), FAILED_WITH(TESS_NULL_PARAM));

    CHECK_STATUS(tess_spatial_grid_new(0, 0, 100, 100, 10.0f, &g), TESS_SUCCESS);
    CHECK_STATUS(tess_spatial_grid_insert(g, 1, 5, 5, 0), TESS_SUCCESS);
    CHECK_STATUS(tess_spatial_grid_insert(g, 1, 6, 6, 0), FAILED_WITH(TESS_ALREADY_EXISTS));
    CHECK_STATUS(tess_spatial_grid_insert(g, 2, NAN, 6, 0), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_insert(g, 2, 6, -INFINITY, 0), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_insert(g, 2, 6, 6, -1.0f), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_move(g, 99, 1, 1), FAILED_WITH(TESS_NOT_FOUND));
    CHECK_STATUS(tess_spatial_grid_move(g, 1, NAN, 1), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_remove(g, 99), FAILED_WITH(TESS_NOT_FOUND));
    CHECK_STATUS(tess_spatial_grid_set_radius(g, 99, 1), FAILED_WITH(TESS_NOT_FOUND));

    uint64_t batch_ids[2] = {1, 42};
    TessVec3 pos[2] = {{50, 0, 50}, {1, 0, 1}};
    CHECK_STATUS(tess_spatial_grid_move_batch(g, batch_ids, pos, 2), FAILED_WITH(TESS_NOT_FOUND));
    batch_ids[1] = 1;
    pos[1].z = INFINITY;
    CHECK_STATUS(tess_spatial_grid_move_batch(g, batch_ids, pos, 2), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_move_batch(g, NULL, pos, 2), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_spatial_grid_move_batch(g, NULL, NULL, 0), TESS_SUCCESS);
    float x, z, r;
    CHECK_STATUS(tess_spatial_grid_get(g, 1, &x, &z, &r), TESS_SUCCESS);
    CHECK(x == 5.0f && z == 5.0f); /* failed batches moved nothing */
    CHECK_STATUS(tess_spatial_grid_get(g, 7, &x, &z, &r), FAILED_WITH(TESS_NOT_FOUND));
    CHECK_STATUS(tess_spatial_grid_get(g, 1, NULL, &z, &r), FAILED_WITH(TESS_NULL_PARAM));

    uint64_t out[2];
    uint32_t len = 0;
    CHECK_STATUS(tess_spatial_grid_query_circle(g, NAN, 0, 1, out, 2, &len), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_query_circle(g, 0, 0, -1, out, 2, &len), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_query_circle(g, 0, 0, 1, NULL, 2, &len), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_spatial_grid_query_circle(g, 0, 0, 1, out, 2, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_spatial_grid_query_aabb(g, 5, 0, 1, 1, out, 2, &len), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_query_entity(g, 99, out, 2, &len), FAILED_WITH(TESS_NOT_FOUND));
    TessSpatialHit hits[2];
    CHECK_STATUS(tess_spatial_grid_nearest(g, 0, 0, NAN, hits, 2, &len), FAILED_WITH(TESS_INVALID_PARAM));
    TessIdPair pairs[2];
    CHECK_STATUS(tess_spatial_grid_pairs_within(g, INFINITY, pairs, 2, &len), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_aoi_events(g, 5, pairs, 2, &len), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_spatial_grid_aoi_update(g, pairs, 2, NULL, pairs, 2, &len), FAILED_WITH(TESS_NULL_PARAM));

    /* Buffer too small: a success with the full count. */
    CHECK_STATUS(tess_spatial_grid_insert(g, 2, 6, 6, 0), TESS_SUCCESS);
    CHECK_STATUS(tess_spatial_grid_insert(g, 3, 7, 7, 0), TESS_SUCCESS);
    CHECK_STATUS(tess_spatial_grid_query_circle(g, 6, 6, 5, out, 2, &len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    CHECK(len == 3);
    CHECK_STATUS(tess_spatial_grid_query_circle(g, 6, 6, 5, NULL, 0, &len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    CHECK(len == 3);

    /* NULL and stale handles. */
    tess_spatial_grid_free(g);
    CHECK_STATUS(tess_spatial_grid_insert(g, 9, 1, 1, 0), FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_spatial_grid_len(g, &len), FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_spatial_grid_len(NULL, &len), FAILED_WITH(TESS_NULL_PARAM));
    tess_spatial_grid_free(g); /* double free: ignored */
    tess_spatial_grid_free(NULL);
}

static void test_queries_against_brute_force(TessSpatialGrid *g) {
    uint64_t *out = malloc(sizeof(uint64_t) * N);
    uint64_t *expect = malloc(sizeof(uint64_t) * N);
    uint32_t len;
    for (int q = 0; q < 200; q++) {
        float qx = coord(), qz = coord();
        float r = (q % 3 == 0) ? (float)(q % 7) * 5.0f : (float)(rnd() * 30.0);
        int n = 0;
        for (int i = 0; i < N; i++)
            if (within(xs[i], zs[i], qx, qz, r)) expect[n++] = ids[i];
        CHECK_STATUS(tess_spatial_grid_query_circle(g, qx, qz, r, out, N, &len), TESS_SUCCESS);
        qsort(out, len, sizeof *out, cmp_u64);
        qsort(expect, n, sizeof *expect, cmp_u64);
        CHECK(len == (uint32_t)n && memcmp(out, expect, n * sizeof *out) == 0);

        float x0 = qx - r, x1 = qx + r * 0.5f, z0 = qz - r * 0.5f, z1 = qz + r;
        n = 0;
        for (int i = 0; i < N; i++)
            if (xs[i] >= x0 && xs[i] <= x1 && zs[i] >= z0 && zs[i] <= z1) expect[n++] = ids[i];
        CHECK_STATUS(tess_spatial_grid_query_aabb(g, x0, z0, x1, z1, out, N, &len), TESS_SUCCESS);
        qsort(out, len, sizeof *out, cmp_u64);
        qsort(expect, n, sizeof *expect, cmp_u64);
        CHECK(len == (uint32_t)n && memcmp(out, expect, n * sizeof *out) == 0);

        /* k nearest: every returned hit is at most as far as every id not returned. */
        TessSpatialHit hits[8];
        CHECK_STATUS(tess_spatial_grid_nearest(g, qx, qz, INFINITY, hits, 8, &len), TESS_SUCCESS);
        CHECK(len == 8);
        double worst = hits[len - 1].dist_sq;
        int closer = 0;
        for (int i = 0; i < N; i++) {
            double dx = (double)xs[i] - qx, dz = (double)zs[i] - qz;
            if (dx * dx + dz * dz < worst) closer++;
        }
        CHECK(closer <= 8);
        for (uint32_t k = 1; k < len; k++) CHECK(hits[k - 1].dist_sq <= hits[k].dist_sq);
    }
    free(out);
    free(expect);
}

static void test_pairs(TessSpatialGrid *g) {
    float r = 7.5f;
    uint32_t len = 0;
    CHECK_STATUS(tess_spatial_grid_pairs_within(g, r, NULL, 0, &len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    TessIdPair *pairs = malloc(sizeof(TessIdPair) * (len + 1));
    uint32_t len2 = 0;
    CHECK_STATUS(tess_spatial_grid_pairs_within(g, r, pairs, len + 1, &len2), TESS_SUCCESS);
    CHECK(len2 == len);
    int expect = 0;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) expect += within(xs[i], zs[i], xs[j], zs[j], r);
    CHECK(len == (uint32_t)expect);
    /* Each reported pair is real and ordered, and none repeats: with the count equal to
     * brute force, that makes the sets equal. */
    int bad = 0;
    qsort(pairs, len, sizeof *pairs, cmp_pair);
    for (uint32_t k = 0; k < len; k++) {
        int a = find_index(pairs[k].a), b = find_index(pairs[k].b);
        if (a < 0 || b < 0 || pairs[k].a >= pairs[k].b || !within(xs[a], zs[a], xs[b], zs[b], r)) bad++;
        if (k > 0 && cmp_pair(&pairs[k - 1], &pairs[k]) == 0) bad++;
    }
    CHECK(bad == 0);
    free(pairs);
}

/* Brute-force views: seen[o * N + t] = 1 when observer o sees target t. */
static void brute_views(unsigned char *seen) {
    for (int o = 0; o < N; o++)
        for (int t = 0; t < N; t++)
            seen[o * N + t] = (unsigned char)(o != t && rs[o] > 0 && within(xs[t], zs[t], xs[o], zs[o], rs[o]));
}

static void test_aoi(TessSpatialGrid *g) {
    unsigned char *before = calloc(N * N, 1), *now = calloc(N * N, 1);
    TessIdPair *enter = malloc(sizeof(TessIdPair) * N * 8), *leave = malloc(sizeof(TessIdPair) * N * 8);
    TessVec3 *pos = malloc(sizeof(TessVec3) * N);
    for (int frame = 0; frame < 6; frame++) {
        if (frame > 0) {
            for (int i = 0; i < N; i++) {
                if (rnd() < 0.5) {
                    xs[i] += (float)(rnd() * 16.0 - 8.0);
                    zs[i] += (float)(rnd() * 16.0 - 8.0);
                }
                pos[i].x = xs[i];
                pos[i].y = 3.0f;
                pos[i].z = zs[i];
            }
            CHECK_STATUS(tess_spatial_grid_move_batch(g, ids, pos, N), TESS_SUCCESS);
        }
        brute_views(now);
        uint32_t ne = 0, nl = 0;
        CHECK_STATUS(tess_spatial_grid_aoi_update(g, enter, N * 8, &ne, leave, N * 8, &nl), TESS_SUCCESS);
        int want_enter = 0, want_leave = 0, bad = 0;
        for (int k = 0; k < N * N; k++) {
            want_enter += now[k] && !before[k];
            want_leave += before[k] && !now[k];
        }
        for (uint32_t k = 0; k < ne; k++) {
            int o = find_index(enter[k].a), t = find_index(enter[k].b);
            if (o < 0 || t < 0 || !(now[o * N + t] && !before[o * N + t])) bad++;
        }
        for (uint32_t k = 0; k < nl; k++) {
            int o = find_index(leave[k].a), t = find_index(leave[k].b);
            if (o < 0 || t < 0 || !(before[o * N + t] && !now[o * N + t])) bad++;
        }
        CHECK(ne == (uint32_t)want_enter);
        CHECK(nl == (uint32_t)want_leave);
        CHECK(bad == 0);
        if (frame == 0) CHECK(ne > 0);
        if (frame > 0) CHECK(nl > 0);
        memcpy(before, now, N * N);
    }
    free(before);
    free(now);
    free(enter);
    free(leave);
    free(pos);
}

int main(void) {
    test_bad_input();
    TessSpatialGrid *g = NULL;
    CHECK_STATUS(tess_spatial_grid_new(0, 0, WORLD, WORLD, CELL, &g), TESS_SUCCESS);
    for (int i = 0; i < N; i++) {
        ids[i] = 1000003ULL * (uint64_t)(i + 1);
        xs[i] = coord();
        zs[i] = coord();
        rs[i] = (i % 3 == 0) ? 0.0f : (float)(i % 5) * 5.0f;
        CHECK_STATUS(tess_spatial_grid_insert(g, ids[i], xs[i], zs[i], rs[i]), TESS_SUCCESS);
    }
    uint32_t n = 0;
    CHECK_STATUS(tess_spatial_grid_len(g, &n), TESS_SUCCESS);
    CHECK(n == N);
    test_queries_against_brute_force(g);
    test_pairs(g);
    test_aoi(g);
    tess_spatial_grid_free(g);
    return check_summary();
}
