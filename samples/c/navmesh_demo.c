/* Navmesh from C: load a Recast navmesh, find a path with A* + funnel and with the exact
 * any-angle mode, and write an SVG top view of both (build/demo/navmesh_demo.svg). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tessera.h"

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = 0;
    fclose(f);
    return buf;
}

int main(void) {
    char *text = read_file("data/navmesh/undulating.navmesh.obj");
    if (!text) {
        printf("navmesh demo: data/navmesh/undulating.navmesh.obj not found\n");
        return 1;
    }
    const TessNavMesh *mesh = NULL;
    TessStatus st = tess_navmesh_from_obj(text, &mesh);
    free(text);
    if (tess_status_failed(st)) return 1;
    TessNavMeshQuery *q = NULL;
    tess_navmesh_query_new(mesh, 2048, &q);

    /* Two far-apart points: the first and last polygon corners of the mesh. */
    TessVec3 a[32], b[32];
    uint32_t na = 0, nb = 0, count = 0;
    uint64_t first = 0, last = 0;
    tess_navmesh_poly_count(mesh, &count);
    tess_navmesh_poly_ref(mesh, 0, &first);
    tess_navmesh_poly_ref(mesh, count - 1, &last);
    tess_navmesh_poly_vertices(mesh, first, a, 32, &na);
    tess_navmesh_poly_vertices(mesh, last, b, 32, &nb);
    TessVec3 ext = {0.5f, 4.0f, 0.5f};
    TessVec3 sp, ep;
    uint64_t s = 0, e = 0;
    TessVec3 sa = {(a[0].x + a[1].x + a[2].x) / 3, a[0].y, (a[0].z + a[1].z + a[2].z) / 3};
    TessVec3 eb = {(b[0].x + b[1].x + b[2].x) / 3, b[0].y, (b[0].z + b[1].z + b[2].z) / 3};
    tess_navmesh_query_find_nearest_poly(q, sa, ext, NULL, &s, &sp);
    tess_navmesh_query_find_nearest_poly(q, eb, ext, NULL, &e, &ep);

    uint64_t path[512];
    uint32_t np = 0;
    st = tess_navmesh_query_find_path(q, s, e, sp, ep, NULL, path, 512, &np);
    TessStraightPoint corners[1024];
    uint32_t nc = 0;
    tess_navmesh_query_find_straight_path(q, sp, ep, path, np, 0, corners, 1024, &nc);
    TessVec3 funnel[1024];
    float funnel_len = 0;
    for (uint32_t i = 0; i < nc; i++) {
        funnel[i] = corners[i].pos;
        if (i > 0) funnel_len += hypotf(funnel[i].x - funnel[i - 1].x, funnel[i].z - funnel[i - 1].z);
    }
    TessVec3 optimal[1024];
    uint32_t no = 0;
    float opt_len = 0;
    tess_navmesh_query_find_optimal_path(q, s, e, sp, ep, NULL, &opt_len, optimal, 1024, &no);
    printf("navmesh: %u polygons; A* corridor %u polygons, funnel %u corners, length %.2f; optimal %u corners, length %.2f\n",
           count, np, nc, funnel_len, no, opt_len);
    st = tess_navmesh_write_svg(mesh, funnel, nc, optimal, no, "build/demo/navmesh_demo.svg");
    printf("navmesh: SVG top view %s\n", tess_status_succeeded(st) ? "written to build/demo/navmesh_demo.svg" : "not written");
    tess_navmesh_query_free(q);
    tess_navmesh_free(mesh);
    return 0;
}
