/* Sparse voxel octree demo: a room with a wall and a hole, a path around it, an SVG of the map. */
#include <stdio.h>
#include <string.h>

#include "tessera.h"

static uint8_t blocked(void *user, const TessVec3 *lo, const TessVec3 *hi) {
    (void)user;
    /* A wall at x in [14, 16) except a hole at z in [24, 28). */
    return lo->x < 16.0f && hi->x > 14.0f && !(lo->z >= 24.0f && hi->z <= 28.0f);
}

int main(void) {
    TessSvoBuildParams p = {{0, 0, 0}, {32, 8, 32}, 1.0f, 0.0f};
    const TessSvo *svo = NULL;
    TessSvoQuery *q = NULL;
    TessVec3 pts[64];
    TessSvoPathInfo info;
    uint32_t n = 0, len = 0;
    TessVec3 start = {2.5f, 2.5f, 2.5f}, goal = {29.5f, 2.5f, 2.5f};
    static uint8_t svg[1 << 16];
    FILE *f;

    if (tess_status_failed(tess_svo_build_callback(&p, blocked, NULL, &svo))) return 1;
    tess_svo_query_new(svo, 4096, &q);
    tess_svo_query_find_path(q, start, goal, NULL, &info, pts, 64, &n);
    printf("svo path: %u points, length %.2f, %u nodes expanded\n", n, info.length, info.expanded);
    tess_svo_write_svg(svo, pts, n < 64 ? n : 64, svg, sizeof svg, &len);
    f = fopen("build/demo/svo_demo.svg", "wb");
    if (f) {
        fwrite(svg, 1, len < sizeof svg ? len : sizeof svg, f);
        fclose(f);
        printf("wrote build/demo/svo_demo.svg (%u bytes)\n", len);
    }
    tess_svo_query_free(q);
    tess_svo_free(svo);
    return 0;
}
