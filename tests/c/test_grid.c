/* Grid host test: Moving AI arena scenarios (optimal lengths from the data file) through the C API
 * with all three algorithms, path legality checked here, graph searches against a Floyd–Warshall
 * oracle, and every bad input the grid API names with its exact status. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tessera.h"

static int passable(const TessGridMap *map, uint32_t x, uint32_t y) {
    uint8_t v = 0;
    tess_grid_map_is_passable(map, x, y, &v);
    return v;
}

/* Walks a path given as every cell; returns its length or -1 when a step is illegal. */
static double walk(const TessGridMap *map, const TessGridCell *p, uint32_t n) {
    double len = 0;
    for (uint32_t i = 0; i + 1 < n; i++) {
        long dx = (long)p[i + 1].x - (long)p[i].x, dy = (long)p[i + 1].y - (long)p[i].y;
        if (labs(dx) > 1 || labs(dy) > 1 || (dx == 0 && dy == 0)) return -1;
        if (!passable(map, p[i + 1].x, p[i + 1].y)) return -1;
        if (dx && dy) {
            if (!passable(map, p[i].x + (uint32_t)dx, p[i].y) || !passable(map, p[i].x, p[i].y + (uint32_t)dy)) return -1;
            len += sqrt(2.0);
        } else {
            len += 1;
        }
    }
    return len;
}

static void test_arena_scenarios(void) {
    const TessGridMap *map = NULL;
    CHECK_STATUS(tess_grid_map_load("data/movingai/grid/arena.map", &map), TESS_SUCCESS);
    uint32_t w = 0, h = 0;
    CHECK_STATUS(tess_grid_map_size(map, &w, &h), TESS_SUCCESS);
    CHECK(w == 49 && h == 49);
    TessGridQuery *q = NULL;
    CHECK_STATUS(tess_grid_query_new(map, &q), TESS_SUCCESS);
    FILE *f = fopen("data/movingai/grid/arena.map.scen", "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[256];
    if (!fgets(line, sizeof line, f)) line[0] = 0;
    static TessGridCell path[4096];
    int scenarios = 0, exact = 0, legal = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned bucket, mw, mh, sx, sy, gx, gy;
        char name[128];
        double optimal;
        if (sscanf(line, "%u %127s %u %u %u %u %u %u %lf", &bucket, name, &mw, &mh, &sx, &sy, &gx, &gy, &optimal) != 9) continue;
        scenarios++;
        for (uint32_t algo = 0; algo < 3; algo++) {
            TessGridSearchOptions o = {algo, TESS_GRID_MOVES_OCTILE, TESS_GRID_PATH_EVERY_CELL, 0, {0, 0, 0}};
            TessGridCell s = {sx, sy}, g = {gx, gy};
            double len = 0;
            uint32_t n = 0;
            TessStatus st = tess_grid_query_find_path(q, s, g, &o, &len, path, 4096, &n);
            if (st == TESS_SUCCESS && fabs(len - optimal) <= 1e-3 * optimal) exact++;
            if (st == TESS_SUCCESS && n > 0 && fabs(walk(map, path, n) - len) < 1e-6 && path[0].x == sx && path[n - 1].y == gy) legal++;
        }
    }
    fclose(f);
    CHECK(scenarios == 160);
    CHECK(exact == 3 * scenarios);
    CHECK(legal == 3 * scenarios);
    tess_grid_query_free(q);
    tess_grid_map_free(map);
}

static void test_bad_maps(void) {
    const TessGridMap *map = (const TessGridMap *)1;
    const char *wrong_row = "type octile\nheight 2\nwidth 3\nmap\n...\n..\n";
    CHECK_STATUS(tess_grid_map_parse((const uint8_t *)wrong_row, (uint32_t)strlen(wrong_row), &map), FAILED_WITH(TESS_PARSE_ERROR));
    CHECK(map == NULL);
    const char *unknown = "type octile\nheight 1\nwidth 3\nmap\n.x.\n";
    CHECK_STATUS(tess_grid_map_parse((const uint8_t *)unknown, (uint32_t)strlen(unknown), &map), FAILED_WITH(TESS_PARSE_ERROR));
    const char *truncated = "type octile\nheight 3\nwidth 3\nmap\n...\n";
    CHECK_STATUS(tess_grid_map_parse((const uint8_t *)truncated, (uint32_t)strlen(truncated), &map), FAILED_WITH(TESS_PARSE_ERROR));
    char msg[256];
    tess_last_error_message(msg, sizeof msg);
    CHECK(strstr(msg, "truncated") != NULL);
    const char *zero = "type octile\nheight 0\nwidth 3\nmap\n";
    CHECK_STATUS(tess_grid_map_parse((const uint8_t *)zero, (uint32_t)strlen(zero), &map), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_grid_map_parse(NULL, 4, &map), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_grid_map_parse((const uint8_t *)unknown, 4, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_grid_map_load("data/does-not-exist.map", &map), FAILED_WITH(TESS_IO_ERROR));
    CHECK_STATUS(tess_grid_map_load(NULL, &map), FAILED_WITH(TESS_NULL_PARAM));
    uint8_t cells[4] = {0, 0, 0, 0};
    CHECK_STATUS(tess_grid_map_from_bytes(cells, 0, 4, &map), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_grid_map_from_bytes(NULL, 2, 2, &map), FAILED_WITH(TESS_NULL_PARAM));
    tess_grid_map_free(NULL);
}

static void test_bad_queries(void) {
    /* 4 x 3:  . . @ .
     *         . . @ .
     *         . . . .   */
    uint8_t cells[12] = {0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0};
    const TessGridMap *map = NULL;
    CHECK_STATUS(tess_grid_map_from_bytes(cells, 4, 3, &map), TESS_SUCCESS);
    uint32_t regions = 0;
    CHECK_STATUS(tess_grid_map_region_count(map, &regions), TESS_SUCCESS);
    CHECK(regions == 1);
    TessGridQuery *q = NULL;
    CHECK_STATUS(tess_grid_query_new(map, &q), TESS_SUCCESS);
    TessGridCell path[8];
    double len = 0;
    uint32_t n = 0;
    TessGridSearchOptions o = {TESS_GRID_ALGO_JPS_BLOCK, TESS_GRID_MOVES_OCTILE, TESS_GRID_PATH_TURNING_POINTS, 1, {0, 0, 0}};
    TessGridCell a = {0, 0}, b = {3, 0}, out = {4, 0}, wall = {2, 0};
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &o, &len, path, 8, &n), TESS_SUCCESS);
    /* One diagonal into row 1 or 2, then along row 2 and up column 3: the diagonals
     * (1,1)->(2,2) and (2,2)->(3,1) would cut the wall's corner. Length 5 + sqrt(2). */
    CHECK_NEAR(len, 5.0 + sqrt(2.0), 1e-9);
    CHECK_STATUS(tess_grid_query_find_path(q, a, out, &o, &len, path, 8, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_grid_query_find_path(q, wall, b, &o, &len, path, 8, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_grid_query_find_path(q, a, wall, &o, &len, path, 8, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_grid_query_find_path(NULL, a, b, &o, &len, path, 8, &n), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &o, NULL, path, 8, &n), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &o, &len, path, 8, NULL), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &o, &len, NULL, 8, &n), FAILED_WITH(TESS_NULL_PARAM));
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &o, &len, NULL, 0, &n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    TessGridSearchOptions bad = o;
    bad.algorithm = 42;
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &bad, &len, path, 8, &n), FAILED_WITH(TESS_INVALID_PARAM));
    bad = o;
    bad.moves = TESS_GRID_MOVES_CARDINAL;
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &bad, &len, path, 8, &n), FAILED_WITH(TESS_INVALID_PARAM));
    bad.algorithm = TESS_GRID_ALGO_ASTAR;
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &bad, &len, path, 8, &n), TESS_SUCCESS);
    CHECK_NEAR(len, 7.0, 1e-12);
    uint32_t en = 0;
    CHECK_STATUS(tess_grid_query_expanded(q, NULL, 0, &en), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    CHECK(en > 0);
    /* SVG size query, then the document. */
    CHECK_STATUS(tess_grid_render_svg(map, path, 2, NULL, 0, NULL, 0, &n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    char *svg = malloc(n);
    CHECK_STATUS(tess_grid_render_svg(map, path, 2, NULL, 0, (uint8_t *)svg, n, &n), TESS_SUCCESS);
    CHECK(svg && memcmp(svg, "<svg", 4) == 0);
    free(svg);
    tess_grid_query_free(q);
    CHECK_STATUS(tess_grid_query_find_path(q, a, b, &o, &len, path, 8, &n), FAILED_WITH(TESS_STALE_HANDLE));
    tess_grid_query_free(NULL);
    tess_grid_map_free(map);
    CHECK_STATUS(tess_grid_map_region_count(map, &regions), FAILED_WITH(TESS_STALE_HANDLE));

    /* Unreachable goal: a normal NO_PATH. */
    uint8_t split[3] = {0, 1, 0};
    CHECK_STATUS(tess_grid_map_from_bytes(split, 3, 1, &map), TESS_SUCCESS);
    CHECK_STATUS(tess_grid_query_new(map, &q), TESS_SUCCESS);
    TessGridCell l = {0, 0}, r = {2, 0};
    CHECK_STATUS(tess_grid_query_find_path(q, l, r, NULL, &len, path, 8, &n), TESS_SUCCESS | TESS_NO_PATH);
    CHECK(n == 0);
    tess_grid_query_free(q);
    tess_grid_map_free(map);
}

#define GN 7
static void test_graphs(void) {
    /* Random-ish weighted digraph; oracle: Floyd–Warshall written here. */
    uint32_t offsets[GN + 1], targets[GN * 3];
    double weights[GN * 3];
    uint32_t m = 0;
    uint64_t x = 12345;
    for (uint32_t v = 0; v < GN; v++) {
        offsets[v] = m;
        for (int k = 0; k < 2; k++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            targets[m] = (uint32_t)(x >> 33) % GN;
            weights[m] = 1.0 + (double)((x >> 20) % 9);
            m++;
        }
    }
    offsets[GN] = m;
    double d[GN][GN];
    for (int i = 0; i < GN; i++)
        for (int j = 0; j < GN; j++) d[i][j] = i == j ? 0 : INFINITY;
    for (uint32_t v = 0; v < GN; v++)
        for (uint32_t e = offsets[v]; e < offsets[v + 1]; e++)
            if (weights[e] < d[v][targets[e]]) d[v][targets[e]] = weights[e];
    for (int k = 0; k < GN; k++)
        for (int i = 0; i < GN; i++)
            for (int j = 0; j < GN; j++)
                if (d[i][k] + d[k][j] < d[i][j]) d[i][j] = d[i][k] + d[k][j];
    const TessGraph *g = NULL;
    CHECK_STATUS(tess_graph_new(offsets, GN, targets, m, weights, NULL, &g), TESS_SUCCESS);
    TessGraphQuery *q = NULL;
    CHECK_STATUS(tess_graph_query_new(g, &q), TESS_SUCCESS);
    uint32_t ids[GN], n = 0;
    CHECK_STATUS(tess_graph_scc_ids(g, ids, GN, &n), TESS_SUCCESS);
    int dijkstra_ok = 1, reach_ok = 1, scc_ok = 1;
    for (uint32_t s = 0; s < GN; s++) {
        for (uint32_t t = 0; t < GN; t++) {
            double cost = -1;
            uint32_t path[GN];
            TessStatus st = tess_graph_query_dijkstra(q, s, t, &cost, path, GN, &n);
            if (isinf(d[s][t])) dijkstra_ok &= st == (TESS_SUCCESS | TESS_NO_PATH);
            else dijkstra_ok &= st == TESS_SUCCESS && fabs(cost - d[s][t]) < 1e-9 && path[0] == s && path[n - 1] == t;
            uint8_t r = 9;
            tess_graph_query_reachable(q, s, t, &r);
            reach_ok &= r == !isinf(d[s][t]);
            scc_ok &= (ids[s] == ids[t]) == (!isinf(d[s][t]) && !isinf(d[t][s]));
        }
    }
    CHECK(dijkstra_ok);
    CHECK(reach_ok);
    CHECK(scc_ok);
    double cost;
    uint32_t path[GN];
    CHECK_STATUS(tess_graph_query_dijkstra(q, 0, GN, &cost, path, GN, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_graph_query_astar(q, 0, 1, TESS_GRAPH_HEURISTIC_EUCLIDEAN, 1.0, &cost, path, GN, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_graph_query_bfs(q, 0, 1, NULL, path, GN, &n), FAILED_WITH(TESS_NULL_PARAM));
    tess_graph_query_free(q);
    tess_graph_free(g);
    CHECK_STATUS(tess_graph_query_new(g, &q), FAILED_WITH(TESS_STALE_HANDLE));

    /* Empty graph, edge to a missing node, negative weight for Dijkstra. */
    uint32_t zero = 0;
    CHECK_STATUS(tess_graph_new(&zero, 0, NULL, 0, NULL, NULL, &g), FAILED_WITH(TESS_INVALID_PARAM));
    uint32_t off2[3] = {0, 1, 1}, missing[1] = {2}, ok_t[1] = {1};
    CHECK_STATUS(tess_graph_new(off2, 2, missing, 1, NULL, NULL, &g), FAILED_WITH(TESS_INVALID_PARAM));
    double neg[1] = {-1.0};
    CHECK_STATUS(tess_graph_new(off2, 2, ok_t, 1, neg, NULL, &g), TESS_SUCCESS);
    CHECK_STATUS(tess_graph_query_new(g, &q), TESS_SUCCESS);
    CHECK_STATUS(tess_graph_query_dijkstra(q, 0, 1, &cost, path, GN, &n), FAILED_WITH(TESS_INVALID_PARAM));
    CHECK_STATUS(tess_graph_query_bfs(q, 0, 1, &cost, path, GN, &n), TESS_SUCCESS);
    CHECK(n == 2 && cost == 1.0);
    tess_graph_query_free(q);
    tess_graph_free(g);
    tess_graph_free(NULL);
    tess_graph_query_free(NULL);
}

int main(void) {
    test_arena_scenarios();
    test_bad_maps();
    test_bad_queries();
    test_graphs();
    return check_summary();
}
