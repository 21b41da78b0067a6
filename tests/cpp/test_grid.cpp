// Grid host test for the C++17 wrapper: den520d scenarios against the data file's optimal
// lengths, RAII/move-only ownership, exceptions carrying the exact status, graphs.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "tessera.hpp"
#include "tessera/grid.hpp"
#include "throws.hpp"

int main() {
    tess::GridMap map = tess::GridMap::load("data/movingai/grid/den520d.map");
    CHECK(map.width() == 256 && map.height() == 257);
    tess::GridQuery query(map);
    std::ifstream scen("data/movingai/grid/den520d.map.scen");
    std::string line;
    std::getline(scen, line);
    int count = 0, sampled = 0, exact = 0;
    while (std::getline(scen, line)) {
        std::istringstream in(line);
        unsigned bucket, w, h, sx, sy, gx, gy;
        std::string name;
        double optimal;
        if (!(in >> bucket >> name >> w >> h >> sx >> sy >> gx >> gy >> optimal)) continue;
        if (count++ % 9 != 0) continue;  // every 9th scenario keeps the host run short
        sampled++;
        bool ok = true;
        for (auto algo : {tess::GridAlgorithm::AStar, tess::GridAlgorithm::Jps, tess::GridAlgorithm::JpsBlock}) {
            tess::GridPath p = query.find_path({sx, sy}, {gx, gy}, algo);
            ok = ok && p.found && std::fabs(p.length - optimal) <= 1e-3 * optimal && p.cells.front().x == sx &&
                 p.cells.back().y == gy;
        }
        exact += ok ? 1 : 0;
    }
    CHECK(count == 888);
    CHECK(sampled == 99 && exact == sampled);

    // Every cell of a path is one step apart.
    tess::GridPath cells = query.find_path({10, 139}, {244, 18}, tess::GridAlgorithm::JpsBlock, tess::GridMoves::Octile,
                                           tess::GridPathStyle::EveryCell, true);
    bool adjacent = cells.found;
    for (size_t i = 1; i < cells.cells.size(); i++)
        adjacent = adjacent && std::abs(int(cells.cells[i].x) - int(cells.cells[i - 1].x)) <= 1 &&
                   std::abs(int(cells.cells[i].y) - int(cells.cells[i - 1].y)) <= 1;
    CHECK(adjacent);
    CHECK(!query.expanded().empty());
    CHECK(map.svg(cells.cells, query.expanded()).rfind("<svg", 0) == 0);

    // Bad input throws the exact status.
    CHECK(throws_status([] { tess::GridMap::parse("type octile\nheight 2\nwidth 2\nmap\n..\n"); },
                        TESS_FAILURE | TESS_PARSE_ERROR));
    CHECK(throws_status([] { tess::GridMap::parse("type octile\nheight 1\nwidth 2\nmap\n.?\n"); },
                        TESS_FAILURE | TESS_PARSE_ERROR));
    CHECK(throws_status([&] { query.find_path({999, 0}, {1, 1}); }, TESS_FAILURE | TESS_INVALID_PARAM));
    CHECK(throws_status([&] { query.find_path({0, 0}, {10, 139}); }, TESS_FAILURE | TESS_INVALID_PARAM));  // (0,0) is blocked
    CHECK(throws_status([&] { query.find_path({10, 139}, {10, 141}, tess::GridAlgorithm::Jps, tess::GridMoves::Cardinal); },
                        TESS_FAILURE | TESS_INVALID_PARAM));

    // Move-only ownership: the moved-from map is empty, the query keeps the map alive.
    tess::GridMap small = tess::GridMap::from_bytes({0, 1, 0}, 3, 1);
    tess::GridMap moved = std::move(small);
    CHECK(moved.region_count() == 2);
    tess::GridQuery q2(moved);
    { tess::GridMap gone = std::move(moved); }
    CHECK(!q2.find_path({0, 0}, {2, 0}).found);  // different regions: no path, not an error

    // Graphs: 0 -> 1 -> 2 -> 0, 2 -> 3.
    tess::Graph graph({0, 1, 2, 4, 4}, {1, 2, 0, 3}, {1.0, 2.0, 1.0, 5.0});
    CHECK(graph.scc_count() == 2);
    std::vector<uint32_t> ids = graph.scc_ids();
    CHECK(ids[0] == ids[1] && ids[1] == ids[2] && ids[3] < ids[0]);
    tess::GraphQuery gq(graph);
    tess::GraphPath d = gq.dijkstra(0, 3);
    CHECK(d.found && d.cost == 8.0 && d.nodes.size() == 4);
    CHECK(gq.bfs(1, 3).cost == 2.0);
    CHECK(gq.reachable(1, 3) && !gq.reachable(3, 1));
    CHECK(gq.distances(3)[0] == INFINITY);
    CHECK(throws_status([] { tess::Graph g({0, 1}, {4}); }, TESS_FAILURE | TESS_INVALID_PARAM));
    CHECK(throws_status([] { tess::Graph g({0}, {}); }, TESS_FAILURE | TESS_INVALID_PARAM));
    tess::Graph negative({0, 1, 1}, {1}, {-1.0});
    tess::GraphQuery nq(negative);
    CHECK(throws_status([&] { nq.dijkstra(0, 1); }, TESS_FAILURE | TESS_INVALID_PARAM));
    return check_summary();
}
