/* Grid demo: finds a path across den520d with A*, JPS and block-based JPS, prints the lengths and
 * expansion counts, and writes build/demo/grid_demo.svg (the map, the JPS path, the jump points it
 * expanded). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tessera.h"

static int fail(TessStatus s, const char *what) {
    char msg[256];
    tess_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, tess_status_str(s), msg);
    return 1;
}

int main(void) {
    const TessGridMap *map = NULL;
    TessStatus s = tess_grid_map_load("data/movingai/grid/den520d.map", &map);
    if (tess_status_failed(s)) return fail(s, "load");
    TessGridQuery *query = NULL;
    s = tess_grid_query_new(map, &query);
    if (tess_status_failed(s)) return fail(s, "query");
    TessGridCell start = {10, 139}, goal = {244, 18};
    static TessGridCell path[1024];
    uint32_t n = 0;
    const char *names[3] = {"A*", "JPS", "block JPS"};
    for (uint32_t algo = 0; algo < 3; algo++) {
        TessGridSearchOptions o = {algo, TESS_GRID_MOVES_OCTILE, TESS_GRID_PATH_TURNING_POINTS, 1, {0, 0, 0}};
        double length = 0;
        s = tess_grid_query_find_path(query, start, goal, &o, &length, path, 1024, &n);
        if (tess_status_failed(s)) return fail(s, "find_path");
        uint32_t expanded = 0;
        tess_grid_query_expanded(query, NULL, 0, &expanded);
        printf("%-10s length %.4f, %u turning points, %u nodes expanded\n", names[algo], length, n, expanded);
    }
    /* The last search was block JPS: draw it with its expanded jump points. */
    uint32_t en = 0;
    tess_grid_query_expanded(query, NULL, 0, &en);
    TessGridCell *expanded = malloc(sizeof(TessGridCell) * (en ? en : 1));
    tess_grid_query_expanded(query, expanded, en, &en);
    uint32_t bytes = 0;
    tess_grid_render_svg(map, path, n, expanded, en, NULL, 0, &bytes);
    uint8_t *svg = malloc(bytes);
    s = tess_grid_render_svg(map, path, n, expanded, en, svg, bytes, &bytes);
    if (tess_status_failed(s)) return fail(s, "render_svg");
    FILE *f = fopen("build/demo/grid_demo.svg", "wb");
    if (f) {
        fwrite(svg, 1, bytes, f);
        fclose(f);
        printf("wrote build/demo/grid_demo.svg (%u bytes)\n", bytes);
    }
    free(svg);
    free(expanded);
    tess_grid_query_free(query);
    tess_grid_map_free(map);
    return 0;
}
