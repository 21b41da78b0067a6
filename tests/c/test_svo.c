/* Sparse voxel octree host test: builds from .3dmap text, voxels, a box callback and a mesh;
 * paths checked against a brute-force voxel grid written here; every named bad input with its
 * exact status (NaN/inf, outside the bounds, inside solid, zero/negative voxel size, malformed
 * .3dmap, truncated/corrupted blob, NULL and stale handles). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tessera.h"

#define N 16
static int grid[N][N][N];

/* Walls: a sealed 3x3x3 room at 10..12 (shell 9..13), plus a wall x = 5 with a hole. */
static void make_grid(void) {
    int x, y, z;
    memset(grid, 0, sizeof grid);
    for (x = 9; x < 14; x++)
        for (y = 9; y < 14; y++)
            for (z = 9; z < 14; z++)
                if (!(x >= 10 && x < 13 && y >= 10 && y < 13 && z >= 10 && z < 13)) grid[x][y][z] = 1;
    for (y = 0; y < N; y++)
        for (z = 0; z < 8; z++)
            if (!(y == 2 && z == 2)) grid[5][y][z] = 1;
}

static int blocked_at(int x, int y, int z) {
    if (x < 0 || y < 0 || z < 0 || x >= N || y >= N || z >= N) return 1;
    return grid[x][y][z];
}

/* Brute force: does the closed segment touch a blocked voxel's closed cube (slab test per voxel)? */
static int segment_hits(TessVec3 a, TessVec3 b) {
    int x, y, z;
    for (x = -1; x <= N; x++)
        for (y = -1; y <= N; y++)
            for (z = -1; z <= N; z++) {
                double lo[3], hi[3], p[3], d[3], t0 = 0.0, t1 = 1.0;
                int k, hit = 1;
                if (!blocked_at(x, y, z)) continue;
                lo[0] = x - 1e-9; lo[1] = y - 1e-9; lo[2] = z - 1e-9;
                hi[0] = x + 1 + 1e-9; hi[1] = y + 1 + 1e-9; hi[2] = z + 1 + 1e-9;
                p[0] = a.x; p[1] = a.y; p[2] = a.z;
                d[0] = b.x - a.x; d[1] = b.y - a.y; d[2] = b.z - a.z;
                for (k = 0; k < 3 && hit; k++) {
                    if (fabs(d[k]) < 1e-15) {
                        if (p[k] < lo[k] || p[k] > hi[k]) hit = 0;
                    } else {
                        double u = (lo[k] - p[k]) / d[k], w = (hi[k] - p[k]) / d[k];
                        if (u > w) { double s = u; u = w; w = s; }
                        if (u > t0) t0 = u;
                        if (w < t1) t1 = w;
                        if (t0 > t1) hit = 0;
                    }
                }
                if (hit) return 1;
            }
    return 0;
}

static char *map_text(size_t *len) {
    size_t cap = 65536, n = 0;
    char *s = malloc(cap);
    int x, y, z;
    n += (size_t)sprintf(s + n, "voxel %d %d %d\n", N, N, N);
    for (x = 0; x < N; x++)
        for (y = 0; y < N; y++)
            for (z = 0; z < N; z++)
                if (grid[x][y][z]) n += (size_t)sprintf(s + n, "%d %d %d\n", x, y, z);
    *len = n;
    return s;
}

static TessVec3 v3(float x, float y, float z) {
    TessVec3 v;
    v.x = x; v.y = y; v.z = z;
    return v;
}

static uint8_t box_blocked(void *user, const TessVec3 *lo, const TessVec3 *hi) {
    int x, y, z;
    int *calls = (int *)user;
    (*calls)++;
    for (x = (int)lo->x; x < (int)hi->x; x++)
        for (y = (int)lo->y; y < (int)hi->y; y++)
            for (z = (int)lo->z; z < (int)hi->z; z++)
                if (blocked_at(x, y, z)) return 1;
    return 0;
}

static void test_paths(const TessSvo *svo) {
    TessSvoQuery *q = NULL;
    TessVec3 pts[128];
    uint32_t n = 0, i;
    TessSvoPathInfo info;
    TessSvoPathOptions opt;
    const TessVec3 start = v3(1.5f, 1.5f, 1.5f), goal = v3(8.5f, 1.5f, 1.5f);
    TessVec3 free_pt;
    uint8_t hit = 9;
    float t = 0.0f;

    CHECK_STATUS(tess_svo_query_new(svo, 4096, &q), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_query_find_path(q, start, goal, NULL, &info, pts, 128, &n), TESS_SUCCESS);
    CHECK(info.found == 1 && n >= 3); /* the straight line is blocked by the wall */
    CHECK_NEAR(pts[0].x, 1.5, 0.0);
    CHECK_NEAR(pts[n - 1].x, 8.5, 0.0);
    for (i = 0; i + 1 < n; i++) CHECK(segment_hits(pts[i], pts[i + 1]) == 0);
    CHECK(info.length >= 7.0f);

    CHECK_STATUS(tess_svo_path_options_default(&opt), TESS_SUCCESS);
    CHECK(opt.heuristic == TESS_SVO_HEURISTIC_OCTILE);
    opt.smooth = 0;
    CHECK_STATUS(tess_svo_query_find_path(q, start, goal, &opt, &info, pts, 128, &n), TESS_SUCCESS);
    for (i = 0; i + 1 < n; i++) CHECK(segment_hits(pts[i], pts[i + 1]) == 0);
    opt.smooth = 1;
    opt.heuristic = TESS_SVO_HEURISTIC_EUCLIDEAN;
    CHECK_STATUS(tess_svo_query_find_path(q, start, goal, &opt, &info, pts, 128, &n), TESS_SUCCESS);
    CHECK(info.found == 1);
    for (i = 0; i + 1 < n; i++) CHECK(segment_hits(pts[i], pts[i + 1]) == 0);
    opt.heuristic = 7;
    CHECK_STATUS(tess_svo_query_find_path(q, start, goal, &opt, &info, pts, 128, &n), FAILED_WITH(TESS_INVALID_PARAM));
    opt.heuristic = TESS_SVO_HEURISTIC_OCTILE;

    /* Unreachable (sealed room) and truncated results. */
    CHECK_STATUS(tess_svo_query_find_path(q, start, v3(11.5f, 11.5f, 11.5f), NULL, &info, pts, 128, &n),
                 TESS_SUCCESS | TESS_NO_PATH);
    CHECK(n == 0 && info.found == 0);
    CHECK_STATUS(tess_svo_query_find_path(q, start, goal, NULL, NULL, pts, 1, &n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    CHECK(n >= 3);

    /* Bad points. */
    CHECK_STATUS(tess_svo_query_find_path(q, v3(NAN, 1, 1), goal, NULL, &info, pts, 128, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_query_find_path(q, start, v3(1, INFINITY, 1), NULL, &info, pts, 128, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_query_find_path(q, v3(-1, 1, 1), goal, NULL, &info, pts, 128, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_query_find_path(q, start, v3(1, 1, 99), NULL, &info, pts, 128, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_query_find_path(q, v3(5.5f, 1.5f, 1.5f), goal, NULL, &info, pts, 128, &n), FAILED_WITH(TESS_NOT_FOUND));
    CHECK_STATUS(tess_svo_query_find_path(NULL, start, goal, NULL, &info, pts, 128, &n), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_svo_query_find_path(q, start, goal, NULL, &info, pts, 128, NULL), FAILED_WITH(TESS_NULL_PARAM));
    opt.heuristic_weight = NAN;
    CHECK_STATUS(tess_svo_query_find_path(q, start, goal, &opt, &info, pts, 128, &n), FAILED_WITH(TESS_INVALID_PARAM));

    /* Point queries. */
    CHECK_STATUS(tess_svo_is_blocked(svo, v3(5.5f, 0.5f, 0.5f), &hit), TESS_SUCCESS);
    CHECK(hit == 1);
    CHECK_STATUS(tess_svo_is_blocked(svo, v3(4.5f, 0.5f, 0.5f), &hit), TESS_SUCCESS);
    CHECK(hit == 0);
    CHECK_STATUS(tess_svo_is_blocked(svo, v3(NAN, 0, 0), &hit), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_is_blocked(svo, v3(0, 0, -0.1f), &hit), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_raycast(svo, start, goal, &hit, &t), TESS_SUCCESS);
    CHECK(hit == 1);
    CHECK_NEAR(t, 3.5 / 7.0, 1e-4);
    CHECK_STATUS(tess_svo_raycast(svo, v3(1.5f, 12.5f, 12.5f), v3(8.5f, 12.5f, 12.5f), &hit, &t), TESS_SUCCESS);
    CHECK(hit == 0);
    CHECK_STATUS(tess_svo_query_nearest_free(q, v3(5.2f, 0.5f, 0.5f), 2.0f, &free_pt), TESS_SUCCESS);
    CHECK_NEAR(free_pt.x, 4.5, 0.0);
    CHECK_STATUS(tess_svo_query_nearest_free(q, v3(5.5f, 0.5f, 0.5f), 0.2f, &free_pt), FAILED_WITH(TESS_NOT_FOUND));

    CHECK_STATUS(tess_svo_query_free(q), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_query_free(q), FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_svo_query_free(NULL), TESS_SUCCESS);
}

static void test_blob(const TessSvo *svo) {
    uint32_t len = 0;
    uint8_t *blob;
    const TessSvo *back = NULL;
    CHECK_STATUS(tess_svo_save(svo, NULL, 0, &len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    blob = malloc(len);
    CHECK_STATUS(tess_svo_save(svo, blob, len, &len), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_load(blob, len, &back), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_free(back), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_load(blob, len - 9, &back), FAILED_WITH(TESS_CORRUPT_DATA));
    CHECK(back == NULL);
    blob[len / 2] ^= 0x40;
    CHECK_STATUS(tess_svo_load(blob, len, &back), FAILED_WITH(TESS_CORRUPT_DATA));
    blob[len / 2] ^= 0x40;
    blob[4] = 7;
    CHECK_STATUS(tess_svo_load(blob, len, &back), FAILED_WITH(TESS_VERSION_MISMATCH));
    free(blob);
}

static void test_builders(const TessSvo *from_text) {
    TessSvoBuildParams p;
    const TessSvo *svo = NULL;
    int calls = 0, x, y, z;
    uint8_t a, b;
    const TessVec3 tri[3] = {{0, 2.5f, 0}, {40, 2.5f, 0}, {0, 2.5f, 40}};
    const uint32_t idx[3] = {0, 1, 2};
    const uint32_t vox[3] = {1, 2, 3}, dims[3] = {4, 4, 4};
    const char *bad_maps[] = {"voxel 4 4\n", "voxel 4 4 4\n1 2\n", "voxel 4 4 4\n1 2 7\n", "voxel 4 4 4\na b c\n"};
    char msg[256];
    size_t i;

    p.bounds_min = v3(0, 0, 0);
    p.bounds_max = v3(N, N, N);
    p.voxel_size = 1.0f;
    p.agent_radius = 0.0f;
    CHECK_STATUS(tess_svo_build_callback(&p, box_blocked, &calls, &svo), TESS_SUCCESS);
    CHECK(calls > 0);
    for (x = 0; x < N; x++)
        for (y = 0; y < N; y++)
            for (z = 0; z < N; z++) {
                TessVec3 c = v3(x + 0.5f, y + 0.5f, z + 0.5f);
                tess_svo_is_blocked(svo, c, &a);
                tess_svo_is_blocked(from_text, c, &b);
                if (a != b || a != (uint8_t)grid[x][y][z]) CHECK(a == b && a == (uint8_t)grid[x][y][z]);
            }
    CHECK_STATUS(tess_svo_free(svo), TESS_SUCCESS);

    /* A horizontal triangle at y = 2.5 blocks exactly the y = 2 voxels under it. */
    CHECK_STATUS(tess_svo_build_mesh(tri, 3, idx, 3, &p, &svo), TESS_SUCCESS);
    tess_svo_is_blocked(svo, v3(3.5f, 2.5f, 3.5f), &a);
    CHECK(a == 1);
    tess_svo_is_blocked(svo, v3(3.5f, 3.5f, 3.5f), &a);
    CHECK(a == 0);
    CHECK_STATUS(tess_svo_free(svo), TESS_SUCCESS);

    /* Zero / negative voxel sizes. */
    p.voxel_size = 0.0f;
    CHECK_STATUS(tess_svo_build_callback(&p, box_blocked, &calls, &svo), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(svo == NULL);
    p.voxel_size = -1.0f;
    CHECK_STATUS(tess_svo_build_mesh(tri, 3, idx, 3, &p, &svo), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_build_voxels(vox, 1, dims, v3(0, 0, 0), 0.0f, &svo), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_svo_build_voxels(vox, 1, dims, v3(0, 0, 0), 1.0f, &svo), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_free(svo), TESS_SUCCESS);
    p.voxel_size = 1.0f;
    CHECK_STATUS(tess_svo_build_callback(&p, NULL, NULL, &svo), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_svo_build_callback(NULL, box_blocked, &calls, &svo), FAILED_WITH(TESS_NULL_PARAM));

    /* Malformed .3dmap: PARSE_ERROR naming the line. */
    for (i = 0; i < sizeof bad_maps / sizeof bad_maps[0]; i++) {
        CHECK_STATUS(tess_svo_build_3dmap((const uint8_t *)bad_maps[i], (uint32_t)strlen(bad_maps[i]), &svo),
                     FAILED_WITH(TESS_PARSE_ERROR));
        tess_last_error_message(msg, sizeof msg);
        CHECK(strstr(msg, i == 0 ? "line 1" : "line 2") != NULL);
    }
}

int main(void) {
    size_t len;
    char *text;
    const TessSvo *svo = NULL;
    uint64_t mem[16];
    uint32_t layers = 0;
    TessSvoInfo info;

    make_grid();
    text = map_text(&len);
    CHECK_STATUS(tess_svo_build_3dmap((const uint8_t *)text, (uint32_t)len, &svo), TESS_SUCCESS);
    free(text);
    CHECK_STATUS(tess_svo_info(svo, &info), TESS_SUCCESS);
    CHECK(info.dims[0] == N && info.cube_side == 16 && info.layer_count == 4);
    CHECK_STATUS(tess_svo_memory(svo, mem, 16, &layers), TESS_SUCCESS);
    CHECK(layers == info.layer_count);
    CHECK(mem[0] + mem[1] + mem[2] + mem[3] == info.memory_bytes);

    test_paths(svo);
    test_blob(svo);
    test_builders(svo);

    CHECK_STATUS(tess_svo_free(svo), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_free(svo), FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_svo_free(NULL), TESS_SUCCESS);
    CHECK_STATUS(tess_svo_is_blocked(NULL, v3(0, 0, 0), NULL), FAILED_WITH(TESS_NULL_PARAM));
    return check_summary();
}
