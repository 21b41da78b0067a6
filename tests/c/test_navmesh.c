/* Navmesh host test: build from arrays, OBJ text and blobs, every query through the C API,
 * and every bad input with its exact status. Oracles are geometric facts of the small test
 * mesh (a 3x2 grid of unit squares plus a separate island square) and brute-force checks. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tessera.h"

#define OK TESS_SUCCESS

static TessVec3 V(float x, float y, float z) {
    TessVec3 v;
    v.x = x;
    v.y = y;
    v.z = z;
    return v;
}

/* Grid vertices id(x,z) = z*4 + x for x 0..3, z 0..2; island 12..15 at x 5..6, z 0..1. */
static TessVec3 verts[16];
static uint32_t idx[28];
static uint32_t sizes[7] = {4, 4, 4, 4, 4, 4, 4};

static void make_mesh_arrays(void) {
    int n = 0;
    for (int z = 0; z < 3; z++)
        for (int x = 0; x < 4; x++) verts[n++] = V((float)x, 0.0f, (float)z);
    verts[12] = V(5, 0, 0);
    verts[13] = V(5, 0, 1);
    verts[14] = V(6, 0, 1);
    verts[15] = V(6, 0, 0);
    int k = 0;
    for (int z = 0; z < 2; z++)
        for (int x = 0; x < 3; x++) {
            idx[k++] = (uint32_t)(z * 4 + x);
            idx[k++] = (uint32_t)((z + 1) * 4 + x);
            idx[k++] = (uint32_t)((z + 1) * 4 + x + 1);
            idx[k++] = (uint32_t)(z * 4 + x + 1);
        }
    idx[k++] = 12;
    idx[k++] = 13;
    idx[k++] = 14;
    idx[k++] = 15;
}

static const TessNavMesh *build(const uint32_t *indices, uint32_t nidx, const uint32_t *psizes, uint32_t npolys,
                                TessStatus *status) {
    const TessNavMesh *mesh = NULL;
    *status = tess_navmesh_new(verts, 16, indices, nidx, psizes, npolys, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, NULL,
                               &mesh);
    return mesh;
}

static int last_error_contains(const char *needle) {
    char msg[512];
    tess_last_error_message(msg, sizeof msg);
    return strstr(msg, needle) != NULL;
}

static void test_build_errors(void) {
    TessStatus st;
    const TessNavMesh *m;
    /* Out-of-range index in polygon 1. */
    uint32_t bad_idx[8] = {0, 4, 5, 1, 1, 5, 6, 99};
    uint32_t two[2] = {4, 4};
    m = build(bad_idx, 8, two, 2, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(m == NULL);
    CHECK(last_error_contains("polygon 1"));
    /* Non-convex: (0,0) (0,1) (1,1) (0.5,0.5)-like dent; use vertices 0,8,9,5,1 (5 = (1,1)). */
    uint32_t concave[5] = {0, 8, 10, 5, 2};
    uint32_t five[1] = {5};
    m = build(concave, 5, five, 1, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(last_error_contains("not convex"));
    CHECK(last_error_contains("polygon 0"));
    /* Degenerate: collinear corners. */
    uint32_t flat[3] = {0, 1, 2};
    uint32_t three[1] = {3};
    m = build(flat, 3, three, 1, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(last_error_contains("zero area"));
    /* Mixed winding: polygon 1 reversed. */
    uint32_t mixed[8] = {0, 4, 5, 1, 2, 6, 5, 1};
    m = build(mixed, 8, two, 2, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(last_error_contains("polygon 1 winds"));
    /* Edge (1,5) shared by three polygons. */
    uint32_t three_way[12] = {0, 4, 5, 1, 1, 5, 6, 2, 1, 5, 10, 2};
    uint32_t three4[3] = {4, 4, 4};
    m = build(three_way, 12, three4, 3, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(last_error_contains("more than two"));
    /* Too few / too many corners, sizes not matching the index count. */
    uint32_t two_corners[1] = {2};
    m = build(idx, 2, two_corners, 1, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    uint32_t big[1] = {33};
    m = build(idx, 28, big, 1, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    m = build(idx, 27, sizes, 7, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    /* NaN vertex. */
    TessVec3 saved = verts[5];
    verts[5].y = NAN;
    m = build(idx, 28, sizes, 7, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    CHECK(last_error_contains("polygon 0 uses vertex 5"));
    verts[5].y = INFINITY;
    m = build(idx, 28, sizes, 7, &st);
    CHECK_STATUS(st, FAILED_WITH(TESS_INVALID_PARAM));
    verts[5] = saved;
    /* Area >= 64. */
    uint8_t areas[7] = {0, 0, 64, 0, 0, 0, 0};
    const TessNavMesh *out = NULL;
    CHECK_STATUS(tess_navmesh_new(verts, 16, idx, 28, sizes, 7, areas, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, &out),
                 FAILED_WITH(TESS_INVALID_PARAM));
    /* NULL arrays and out. */
    CHECK_STATUS(tess_navmesh_new(NULL, 16, idx, 28, sizes, 7, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, &out),
                 FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_navmesh_new(verts, 16, idx, 28, sizes, 7, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, NULL),
                 FAILED_WITH(TESS_NULL_PARAM));
    /* Off-mesh connection whose endpoint is far from every polygon. */
    TessOffMeshConnection conn;
    memset(&conn, 0, sizeof conn);
    conn.start = V(0.5f, 0, 0.5f);
    conn.end = V(50, 0, 50);
    conn.radius = 0.5f;
    conn.cost = -1;
    conn.flags = 1;
    CHECK_STATUS(tess_navmesh_new(verts, 16, idx, 28, sizes, 7, NULL, NULL, &conn, 1, NULL, 0, NULL, 0, NULL, &out),
                 FAILED_WITH(TESS_INVALID_PARAM));
    /* OBJ parse errors. */
    CHECK_STATUS(tess_navmesh_from_obj("v 0 0\n", &out), FAILED_WITH(TESS_PARSE_ERROR));
    CHECK_STATUS(tess_navmesh_from_obj("v 0 0 0\nv 1 0 0\nf 1 2\n", &out), FAILED_WITH(TESS_PARSE_ERROR));
    CHECK_STATUS(tess_navmesh_from_obj(NULL, &out), FAILED_WITH(TESS_NULL_PARAM));
    /* Triangle soup: index count not a multiple of 3, bad settings. */
    CHECK_STATUS(tess_navmesh_from_triangles(verts, 16, idx, 4, NULL, NULL, &out), FAILED_WITH(TESS_INVALID_PARAM));
    TessSoupSettings s;
    s.weld_distance = -1;
    s.max_slope_degrees = 45;
    s.max_poly_verts = 6;
    CHECK_STATUS(tess_navmesh_from_triangles(verts, 16, idx, 6, NULL, &s, &out), FAILED_WITH(TESS_INVALID_PARAM));
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = (char *)malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = 0;
    fclose(f);
    return buf;
}

static void test_obj_and_blob(void) {
    char *text = read_file("data/navmesh/dungeon.navmesh.obj");
    CHECK(text != NULL);
    if (!text) return;
    const TessNavMesh *mesh = NULL;
    CHECK_STATUS(tess_navmesh_from_obj(text, &mesh), OK);
    free(text);
    uint32_t n = 0;
    CHECK_STATUS(tess_navmesh_poly_count(mesh, &n), OK);
    CHECK(n == 118);
    uint32_t len = 0;
    CHECK_STATUS(tess_navmesh_save(mesh, NULL, 0, &len), OK | TESS_BUFFER_TOO_SMALL);
    uint8_t *blob = (uint8_t *)malloc(len);
    uint32_t len2 = 0;
    CHECK_STATUS(tess_navmesh_save(mesh, blob, len, &len2), OK);
    CHECK(len2 == len);
    const TessNavMesh *back = NULL;
    CHECK_STATUS(tess_navmesh_load(blob, len, &back), OK);
    uint32_t n2 = 0;
    CHECK_STATUS(tess_navmesh_poly_count(back, &n2), OK);
    CHECK(n2 == 118);
    tess_navmesh_free(back);
    const TessNavMesh *bad = NULL;
    CHECK_STATUS(tess_navmesh_load(blob, len - 5, &bad), FAILED_WITH(TESS_CORRUPT_DATA));
    CHECK(bad == NULL);
    CHECK_STATUS(tess_navmesh_load(blob, 7, &bad), FAILED_WITH(TESS_CORRUPT_DATA));
    blob[len / 2] ^= 0x10;
    CHECK_STATUS(tess_navmesh_load(blob, len, &bad), FAILED_WITH(TESS_CORRUPT_DATA));
    blob[len / 2] ^= 0x10;
    blob[8] = 99; /* format version */
    CHECK_STATUS(tess_navmesh_load(blob, len, &bad), FAILED_WITH(TESS_VERSION_MISMATCH));
    CHECK_STATUS(tess_navmesh_load(NULL, 10, &bad), FAILED_WITH(TESS_NULL_PARAM));
    free(blob);
    tess_navmesh_free(mesh);
}

static void test_queries(void) {
    TessStatus st;
    const TessNavMesh *mesh = build(idx, 28, sizes, 7, &st);
    CHECK_STATUS(st, OK);
    const TessNavMesh *other = build(idx, 28, sizes, 7, &st);
    CHECK_STATUS(st, OK);

    TessNavMeshQuery *q = NULL;
    CHECK_STATUS(tess_navmesh_query_new(mesh, 0, &q), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_navmesh_query_new(NULL, 64, &q), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_navmesh_query_new(mesh, 64, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_navmesh_query_new(mesh, 64, &q), OK);
    /* The query keeps the mesh alive: drop the caller's reference through a clone. */
    const TessNavMesh *clone = NULL;
    CHECK_STATUS(tess_navmesh_shared_clone(mesh, &clone), OK);
    tess_navmesh_free(mesh);
    mesh = clone;

    TessQueryFilter filter;
    CHECK_STATUS(tess_query_filter_init(&filter), OK);
    CHECK_STATUS(tess_query_filter_init(NULL), FAILED_WITH(TESS_NULL_PARAM));

    uint64_t start = 0, end = 0, island = 0;
    TessVec3 sp, ep, ip;
    TessVec3 ext = V(0.5f, 1, 0.5f);
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(0.5f, 0.3f, 0.5f), ext, &filter, &start, &sp), OK);
    CHECK_NEAR(sp.y, 0.0, 1e-6);
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(2.5f, 0, 1.5f), ext, NULL, &end, &ep), OK);
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(5.5f, 0, 0.5f), ext, NULL, &island, &ip), OK);
    uint64_t expect = 0;
    CHECK_STATUS(tess_navmesh_poly_ref(mesh, 5, &expect), OK);
    CHECK(end == expect);
    uint64_t none = 99;
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(20, 0, 20), ext, NULL, &none, NULL), OK | TESS_NOT_FOUND);
    CHECK(none == 0);
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(NAN, 0, 0), ext, NULL, &none, NULL), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(0, 0, 0), V(-1, 1, 1), NULL, &none, NULL), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(0, 0, 0), ext, NULL, NULL, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(NULL, V(0, 0, 0), ext, NULL, &none, NULL), FAILED_WITH(TESS_NULL_PARAM));
    TessQueryFilter badf = filter;
    badf.area_cost[3] = NAN;
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(0, 0, 0), ext, &badf, &none, NULL), FAILED_WITH(TESS_INVALID_PARAM));
    badf.area_cost[3] = -1;
    CHECK_STATUS(tess_navmesh_query_find_nearest_poly(q, V(0, 0, 0), ext, &badf, &none, NULL), FAILED_WITH(TESS_INVALID_PARAM));

    /* Height and closest point. */
    float h = -1;
    CHECK_STATUS(tess_navmesh_query_poly_height(q, start, V(0.25f, 9, 0.75f), &h), OK);
    CHECK_NEAR(h, 0.0, 1e-6);
    CHECK_STATUS(tess_navmesh_query_poly_height(q, start, V(3, 0, 3), &h), FAILED_WITH(TESS_NOT_FOUND));
    TessVec3 cp;
    uint8_t over = 9;
    CHECK_STATUS(tess_navmesh_query_closest_point_on_poly(q, start, V(-1, 0, 0.5f), &cp, &over), OK);
    CHECK(over == 0);
    CHECK_NEAR(cp.x, 0.0, 1e-6);
    CHECK_NEAR(cp.z, 0.5, 1e-6);

    /* find_path: the route 0 -> 5 on the grid is 3 polygons or more, all adjacent. */
    uint64_t path[16];
    uint32_t n = 0;
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, path, 16, &n), OK);
    CHECK(n >= 3 && path[0] == start && path[n - 1] == end);
    uint32_t full = n;
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, path, 1, &n), OK | TESS_BUFFER_TOO_SMALL);
    CHECK(n == full);
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, NULL, 0, &n), OK | TESS_BUFFER_TOO_SMALL);
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, NULL, 4, &n), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, path, 16, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_path(q, 0, end, sp, ep, &filter, path, 16, &n), FAILED_WITH(TESS_INVALID_PARAM));
    uint64_t foreign = 0;
    CHECK_STATUS(tess_navmesh_poly_ref(other, 0, &foreign), OK);
    CHECK_STATUS(tess_navmesh_query_find_path(q, foreign, end, sp, ep, &filter, path, 16, &n), FAILED_WITH(TESS_STALE_HANDLE));
    uint64_t out_of_range = (start & 0xFFFFFFFF00000000ULL) | 1000u;
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, out_of_range, sp, ep, &filter, path, 16, &n), FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, V(INFINITY, 0, 0), ep, &filter, path, 16, &n), FAILED_WITH(TESS_INVALID_PARAM));
    /* Unreachable island: partial path to a reachable polygon on the grid's edge nearest the island
     * (polygon 2 or 5, both at x 2..3; Detour measures from portal midpoints). */
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, island, sp, ip, &filter, path, 16, &n), OK | TESS_PARTIAL_RESULT);
    uint64_t p2 = 0, p5 = 0;
    tess_navmesh_poly_ref(mesh, 2, &p2);
    tess_navmesh_poly_ref(mesh, 5, &p5);
    CHECK(path[n - 1] == p2 || path[n - 1] == p5);
    /* Out of nodes with a tiny pool. */
    TessNavMeshQuery *tiny = NULL;
    CHECK_STATUS(tess_navmesh_query_new(mesh, 2, &tiny), OK);
    st = tess_navmesh_query_find_path(tiny, start, end, sp, ep, &filter, path, 16, &n);
    CHECK(tess_status_succeeded(st) && tess_status_has_detail(st, TESS_OUT_OF_NODES));
    tess_navmesh_query_free(tiny);

    /* Straight path: start to end of the grid is a straight segment (the grid is convex). */
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, path, 16, &n), OK);
    TessStraightPoint pts[16];
    uint32_t np = 0;
    CHECK_STATUS(tess_navmesh_query_find_straight_path(q, sp, ep, path, n, 0, pts, 16, &np), OK);
    CHECK(np == 2);
    CHECK(pts[0].flags == TESS_STRAIGHTPATH_START && pts[1].flags == TESS_STRAIGHTPATH_END);
    CHECK_NEAR(pts[1].pos.x, 2.5, 1e-5);
    CHECK_STATUS(tess_navmesh_query_find_straight_path(q, sp, ep, path, n, TESS_STRAIGHTPATH_ALL_CROSSINGS, pts, 16, &np), OK);
    CHECK(np == n + 1);
    CHECK_STATUS(tess_navmesh_query_find_straight_path(q, sp, ep, path, 0, 0, pts, 16, &np), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_straight_path(q, sp, ep, path, n, 8, pts, 16, &np), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_straight_path(q, sp, ep, NULL, 3, 0, pts, 16, &np), FAILED_WITH(TESS_NULL_PARAM));
    uint64_t badpath[2] = {start, foreign};
    CHECK_STATUS(tess_navmesh_query_find_straight_path(q, sp, ep, badpath, 2, 0, pts, 16, &np), FAILED_WITH(TESS_STALE_HANDLE));

    /* Sliced = one-shot. */
    uint32_t done = 0;
    CHECK_STATUS(tess_navmesh_query_update_sliced_find_path(q, 4, &done), FAILED_WITH(TESS_WRONG_STATE));
    CHECK_STATUS(tess_navmesh_query_finalize_sliced_find_path(q, path, 16, &n), FAILED_WITH(TESS_WRONG_STATE));
    CHECK_STATUS(tess_navmesh_query_init_sliced_find_path(q, start, end, sp, ep, &filter), TESS_IN_PROGRESS);
    CHECK_STATUS(tess_navmesh_query_update_sliced_find_path(q, 0, &done), FAILED_WITH(TESS_INVALID_PARAM));
    int guard = 0;
    while ((st = tess_navmesh_query_update_sliced_find_path(q, 1, &done)) == TESS_IN_PROGRESS && guard < 100) guard++;
    CHECK_STATUS(st, OK);
    uint64_t sliced[16];
    uint32_t ns = 0;
    CHECK_STATUS(tess_navmesh_query_finalize_sliced_find_path(q, sliced, 16, &ns), OK);
    uint64_t oneshot[16];
    uint32_t no = 0;
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, oneshot, 16, &no), OK);
    CHECK(ns == no && memcmp(sliced, oneshot, no * sizeof(uint64_t)) == 0);
    CHECK_STATUS(tess_navmesh_query_init_sliced_find_path(q, start, 0, sp, ep, &filter), FAILED_WITH(TESS_INVALID_PARAM));

    /* Raycast: from (0.5, 0.5) towards x = 5 leaves the grid at x = 3, t = 2.5 / 4.5. */
    TessRaycastHit hit;
    uint64_t vis[16];
    uint32_t nv = 0;
    CHECK_STATUS(tess_navmesh_query_raycast(q, start, V(0.5f, 0, 0.5f), V(5, 0, 0.5f), &filter, &hit, vis, 16, &nv), OK);
    CHECK_NEAR(hit.t, 2.5 / 4.5, 1e-5);
    CHECK_NEAR(hit.normal.x, -1.0, 1e-5);
    CHECK(nv == 3);
    CHECK_STATUS(tess_navmesh_query_raycast(q, start, V(0.5f, 0, 0.5f), V(2.5f, 0, 1.5f), &filter, &hit, vis, 1, &nv), OK | TESS_BUFFER_TOO_SMALL);
    CHECK(hit.t > 1e30f);
    CHECK_STATUS(tess_navmesh_query_raycast(q, start, V(0.5f, 0, 0.5f), V(NAN, 0, 0), &filter, &hit, vis, 16, &nv), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_navmesh_query_raycast(q, start, V(0.5f, 0, 0.5f), V(1, 0, 1), &filter, NULL, vis, 16, &nv), FAILED_WITH(TESS_NULL_PARAM));

    /* Move along surface: into the wall z < 0 slides to z = 0. */
    TessVec3 moved;
    CHECK_STATUS(tess_navmesh_query_move_along_surface(q, start, V(0.5f, 0, 0.5f), V(1.5f, 0, -2), &filter, &moved, vis, 16, &nv), OK);
    CHECK_NEAR(moved.z, 0.0, 1e-5);
    CHECK_NEAR(moved.x, 1.5, 1e-5);

    /* Distance to wall from (1.5, 1.0): nearest walls are z = 0 and z = 2, at 1.0. */
    float d = 0;
    TessVec3 wp, wn;
    uint64_t mid = 0;
    tess_navmesh_poly_ref(mesh, 4, &mid);
    CHECK_STATUS(tess_navmesh_query_find_distance_to_wall(q, mid, V(1.5f, 0, 1.2f), 10, &filter, &d, &wp, &wn), OK);
    CHECK_NEAR(d, 0.8, 1e-5);
    CHECK_STATUS(tess_navmesh_query_find_distance_to_wall(q, mid, V(1.5f, 0, 1.2f), -1, &filter, &d, &wp, &wn), FAILED_WITH(TESS_INVALID_PARAM));

    /* Polygons around a small circle at the shared corner (1,1): the four squares touching it. */
    TessPolyCost around[16];
    uint32_t na = 0;
    uint64_t p0 = 0;
    tess_navmesh_poly_ref(mesh, 0, &p0);
    CHECK_STATUS(tess_navmesh_query_find_polys_around_circle(q, p0, V(1, 0, 1), 0.1f, &filter, around, 16, &na), OK);
    CHECK(na == 4);
    CHECK_STATUS(tess_navmesh_query_find_polys_around_circle(q, p0, V(1, 0, 1), NAN, &filter, around, 16, &na), FAILED_WITH(TESS_INVALID_PARAM));

    /* Random points: inside the mesh; zero RNG rejected. */
    TessRng rng;
    tess_rng_seed(&rng, 5);
    for (int i = 0; i < 100; i++) {
        uint64_t rp = 0;
        TessVec3 pos;
        CHECK_STATUS(tess_navmesh_query_find_random_point(q, &filter, &rng, &rp, &pos), OK);
        float hh = 0;
        CHECK_STATUS(tess_navmesh_query_poly_height(q, rp, pos, &hh), OK);
        CHECK_STATUS(tess_navmesh_query_find_random_point_around_circle(q, start, sp, 1.0f, &filter, &rng, &rp, &pos), OK);
        CHECK((pos.x - sp.x) * (pos.x - sp.x) + (pos.z - sp.z) * (pos.z - sp.z) <= 1.0001f);
    }
    TessRng zero;
    memset(&zero, 0, sizeof zero);
    uint64_t rp = 0;
    TessVec3 pos;
    CHECK_STATUS(tess_navmesh_query_find_random_point(q, &filter, &zero, &rp, &pos), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_navmesh_query_find_random_point(q, &filter, NULL, &rp, &pos), FAILED_WITH(TESS_NULL_PARAM));
    TessQueryFilter nothing = filter;
    nothing.include_flags = 0;
    CHECK_STATUS(tess_navmesh_query_find_random_point(q, &nothing, &rng, &rp, &pos), FAILED_WITH(TESS_NOT_FOUND));

    /* Optimal path: straight line on the convex grid; unreachable island is NO_PATH. */
    TessVec3 opt[16];
    uint32_t nopt = 0;
    float len = 0;
    CHECK_STATUS(tess_navmesh_query_find_optimal_path(q, start, end, sp, ep, &filter, &len, opt, 16, &nopt), OK);
    CHECK(nopt == 2);
    CHECK_NEAR(len, 2.2360679774997896, 1e-5); /* sqrt(2^2 + 1^2) */
    CHECK_STATUS(tess_navmesh_query_find_optimal_path(q, start, island, sp, ip, &filter, &len, opt, 16, &nopt), OK | TESS_NO_PATH);
    CHECK(nopt == 0);
    CHECK_STATUS(tess_navmesh_query_find_optimal_path(q, start, end, sp, ep, &filter, NULL, opt, 16, &nopt), FAILED_WITH(TESS_NULL_PARAM));

    /* Polygon introspection. */
    TessVec3 corners[8];
    uint32_t nc = 0;
    CHECK_STATUS(tess_navmesh_poly_vertices(mesh, start, corners, 8, &nc), OK);
    CHECK(nc == 4);
    uint8_t area = 9;
    uint16_t flags = 0;
    CHECK_STATUS(tess_navmesh_poly_area_flags(mesh, start, &area, &flags), OK);
    CHECK(area == 0 && flags == 1);
    CHECK_STATUS(tess_navmesh_poly_area_flags(mesh, foreign, &area, &flags), FAILED_WITH(TESS_STALE_HANDLE));
    CHECK_STATUS(tess_navmesh_poly_ref(mesh, 7, &rp), FAILED_WITH(TESS_INVALID_PARAM));

    /* Stale handles: a freed query and a freed mesh are rejected, double free is harmless. */
    tess_navmesh_query_free(q);
    CHECK_STATUS(tess_navmesh_query_find_path(q, start, end, sp, ep, &filter, path, 16, &n), FAILED_WITH(TESS_STALE_HANDLE));
    tess_navmesh_query_free(q);
    tess_navmesh_free(other);
    CHECK_STATUS(tess_navmesh_poly_count(other, &n), FAILED_WITH(TESS_STALE_HANDLE));
    tess_navmesh_free(other);
    CHECK_STATUS(tess_navmesh_query_new(other, 16, &q), FAILED_WITH(TESS_STALE_HANDLE));
    tess_navmesh_free(mesh);
    tess_navmesh_free(NULL);
    tess_navmesh_query_free(NULL);
}

int main(void) {
    make_mesh_arrays();
    test_build_errors();
    test_obj_and_blob();
    test_queries();
    return check_summary();
}
