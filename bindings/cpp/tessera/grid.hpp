// tessera C++17 wrapper: grid maps, grid path queries (A*, JPS, block-based JPS), graphs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core.hpp"

namespace tess {

/// Grid search algorithm.
enum class GridAlgorithm : uint32_t { AStar = TESS_GRID_ALGO_ASTAR, Jps = TESS_GRID_ALGO_JPS, JpsBlock = TESS_GRID_ALGO_JPS_BLOCK };
/// Allowed steps: 8-connected without corner cutting, or 4-connected.
enum class GridMoves : uint32_t { Octile = TESS_GRID_MOVES_OCTILE, Cardinal = TESS_GRID_MOVES_CARDINAL };
/// Path output: turning points only, or every cell.
enum class GridPathStyle : uint32_t { TurningPoints = TESS_GRID_PATH_TURNING_POINTS, EveryCell = TESS_GRID_PATH_EVERY_CELL };
/// Graph A* heuristic on node coordinates.
enum class GraphHeuristic : uint32_t {
    Zero = TESS_GRAPH_HEURISTIC_ZERO,
    Euclidean = TESS_GRAPH_HEURISTIC_EUCLIDEAN,
    Manhattan = TESS_GRAPH_HEURISTIC_MANHATTAN,
    Chebyshev = TESS_GRAPH_HEURISTIC_CHEBYSHEV
};

/// Immutable, shareable occupancy grid. Move-only owner of one reference.
class GridMap {
public:
    /// Parses Moving AI `.map` text; throws tess::Error (PARSE_ERROR) when malformed.
    static GridMap parse(const std::string &text) {
        const TessGridMap *raw = nullptr;
        check(tess_grid_map_parse(reinterpret_cast<const uint8_t *>(text.data()), static_cast<uint32_t>(text.size()), &raw));
        return GridMap(raw);
    }
    /// Reads a Moving AI `.map` file.
    static GridMap load(const std::string &path) {
        const TessGridMap *raw = nullptr;
        check(tess_grid_map_load(path.c_str(), &raw));
        return GridMap(raw);
    }
    /// Row-major cells, 0 = passable, anything else blocked.
    static GridMap from_bytes(const std::vector<uint8_t> &cells, uint32_t width, uint32_t height) {
        const TessGridMap *raw = nullptr;
        check(tess_grid_map_from_bytes(cells.data(), width, height, &raw));
        return GridMap(raw);
    }
    uint32_t width() const { return size().x; }
    uint32_t height() const { return size().y; }
    bool passable(uint32_t x, uint32_t y) const {
        uint8_t v = 0;
        check(tess_grid_map_is_passable(map_.get(), x, y, &v));
        return v != 0;
    }
    /// Region id, or TESS_GRID_NO_REGION for a blocked or outside cell.
    uint32_t region(uint32_t x, uint32_t y) const {
        uint32_t r = 0;
        check(tess_grid_map_region(map_.get(), x, y, &r));
        return r;
    }
    uint32_t region_count() const {
        uint32_t n = 0;
        check(tess_grid_map_region_count(map_.get(), &n));
        return n;
    }
    /// SVG picture of the map with a path and expanded cells.
    std::string svg(const std::vector<TessGridCell> &path, const std::vector<TessGridCell> &expanded = {}) const {
        uint32_t n = 0;
        check(tess_grid_render_svg(map_.get(), path.data(), static_cast<uint32_t>(path.size()), expanded.data(),
                                   static_cast<uint32_t>(expanded.size()), nullptr, 0, &n));
        std::string out(n, '\0');
        check(tess_grid_render_svg(map_.get(), path.data(), static_cast<uint32_t>(path.size()), expanded.data(),
                                   static_cast<uint32_t>(expanded.size()), reinterpret_cast<uint8_t *>(&out[0]), n, &n));
        return out;
    }
    const TessGridMap *raw() const noexcept { return map_.get(); }

private:
    explicit GridMap(const TessGridMap *raw) : map_(raw) {}
    TessGridCell size() const {
        TessGridCell s{};
        check(tess_grid_map_size(map_.get(), &s.x, &s.y));
        return s;
    }
    Owned<const TessGridMap, tess_grid_map_free> map_;
};

/// Result of a grid search: `found` false means no path (not an error).
struct GridPath {
    bool found = false;
    double length = 0.0;
    std::vector<TessGridCell> cells;
};

/// Per-thread grid query (all scratch preallocated). Move-only.
class GridQuery {
public:
    explicit GridQuery(const GridMap &map) {
        TessGridQuery *raw = nullptr;
        check(tess_grid_query_new(map.raw(), &raw));
        query_ = Owned<TessGridQuery, tess_grid_query_free>(raw);
    }
    /// Shortest path; throws tess::Error for a bad start/goal or option.
    GridPath find_path(TessGridCell start, TessGridCell goal, GridAlgorithm algorithm = GridAlgorithm::JpsBlock,
                       GridMoves moves = GridMoves::Octile, GridPathStyle style = GridPathStyle::TurningPoints,
                       bool record_expanded = false) {
        TessGridSearchOptions o{};
        o.algorithm = static_cast<uint32_t>(algorithm);
        o.moves = static_cast<uint32_t>(moves);
        o.path_style = static_cast<uint32_t>(style);
        o.record_expanded = record_expanded ? 1 : 0;
        GridPath result;
        uint32_t n = 0;
        TessStatus s = check(tess_grid_query_find_path(query_.get(), start, goal, &o, &result.length,
                                                       buffer_.data(), static_cast<uint32_t>(buffer_.size()), &n));
        if (tess_status_has_detail(s, TESS_BUFFER_TOO_SMALL)) {
            buffer_.resize(n);
            s = check(tess_grid_query_find_path(query_.get(), start, goal, &o, &result.length, buffer_.data(), n, &n));
        }
        result.found = !tess_status_has_detail(s, TESS_NO_PATH);
        result.cells.assign(buffer_.begin(), buffer_.begin() + n);
        return result;
    }
    /// Cells expanded by the last search that recorded them.
    std::vector<TessGridCell> expanded() const {
        uint32_t n = 0;
        check(tess_grid_query_expanded(query_.get(), nullptr, 0, &n));
        std::vector<TessGridCell> out(n);
        check(tess_grid_query_expanded(query_.get(), out.data(), n, &n));
        return out;
    }

private:
    Owned<TessGridQuery, tess_grid_query_free> query_;
    std::vector<TessGridCell> buffer_ = std::vector<TessGridCell>(256);
};

/// Immutable directed graph (CSR) with its strongly connected components. Move-only owner.
class Graph {
public:
    /// `offsets` has node_count + 1 entries; `weights` empty means all 1; `coords` empty means none.
    Graph(const std::vector<uint32_t> &offsets, const std::vector<uint32_t> &targets,
          const std::vector<double> &weights = {}, const std::vector<TessVec3> &coords = {}) {
        const TessGraph *raw = nullptr;
        uint32_t nodes = offsets.empty() ? 0 : static_cast<uint32_t>(offsets.size() - 1);
        check(tess_graph_new(offsets.data(), nodes, targets.data(), static_cast<uint32_t>(targets.size()),
                             weights.empty() ? nullptr : weights.data(), coords.empty() ? nullptr : coords.data(), &raw));
        graph_ = Owned<const TessGraph, tess_graph_free>(raw);
    }
    uint32_t node_count() const { return counts().first; }
    uint32_t scc_count() const { return counts().second; }
    /// Component id per node (reverse topological order of the condensation).
    std::vector<uint32_t> scc_ids() const { return read(tess_graph_scc_ids); }
    std::vector<uint32_t> condensation_offsets() const { return read(tess_graph_condensation_offsets); }
    std::vector<uint32_t> condensation_targets() const { return read(tess_graph_condensation_targets); }
    const TessGraph *raw() const noexcept { return graph_.get(); }

private:
    std::pair<uint32_t, uint32_t> counts() const {
        uint32_t n = 0, c = 0;
        check(tess_graph_counts(graph_.get(), &n, &c));
        return {n, c};
    }
    std::vector<uint32_t> read(TessStatus (*fn)(const TessGraph *, uint32_t *, uint32_t, uint32_t *)) const {
        uint32_t n = 0;
        check(fn(graph_.get(), nullptr, 0, &n));
        std::vector<uint32_t> out(n);
        check(fn(graph_.get(), out.data(), n, &n));
        return out;
    }
    Owned<const TessGraph, tess_graph_free> graph_;
};

/// Result of a graph search.
struct GraphPath {
    bool found = false;
    double cost = 0.0;
    std::vector<uint32_t> nodes;
};

/// Per-thread graph query. Move-only.
class GraphQuery {
public:
    explicit GraphQuery(const Graph &graph) {
        TessGraphQuery *raw = nullptr;
        check(tess_graph_query_new(graph.raw(), &raw));
        query_ = Owned<TessGraphQuery, tess_graph_query_free>(raw);
        nodes_ = graph.node_count();
    }
    GraphPath bfs(uint32_t source, uint32_t goal) {
        return run([&](double *c, uint32_t *p, uint32_t cap, uint32_t *n) {
            return tess_graph_query_bfs(query_.get(), source, goal, c, p, cap, n);
        });
    }
    GraphPath dijkstra(uint32_t source, uint32_t goal) {
        return run([&](double *c, uint32_t *p, uint32_t cap, uint32_t *n) {
            return tess_graph_query_dijkstra(query_.get(), source, goal, c, p, cap, n);
        });
    }
    GraphPath astar(uint32_t source, uint32_t goal, GraphHeuristic h, double weight = 1.0) {
        return run([&](double *c, uint32_t *p, uint32_t cap, uint32_t *n) {
            return tess_graph_query_astar(query_.get(), source, goal, static_cast<uint32_t>(h), weight, c, p, cap, n);
        });
    }
    /// Dijkstra distances to every node (+infinity when unreachable).
    std::vector<double> distances(uint32_t source) {
        std::vector<double> out(nodes_);
        uint32_t n = 0;
        check(tess_graph_query_distances(query_.get(), source, out.data(), nodes_, &n));
        return out;
    }
    bool reachable(uint32_t from, uint32_t to) {
        uint8_t r = 0;
        check(tess_graph_query_reachable(query_.get(), from, to, &r));
        return r != 0;
    }

private:
    template <typename F>
    GraphPath run(F call) {
        GraphPath out;
        std::vector<uint32_t> buf(nodes_);
        uint32_t n = 0;
        TessStatus s = check(call(&out.cost, buf.data(), nodes_, &n));
        out.found = !tess_status_has_detail(s, TESS_NO_PATH);
        buf.resize(n);
        out.nodes = std::move(buf);
        return out;
    }
    Owned<TessGraphQuery, tess_graph_query_free> query_;
    uint32_t nodes_ = 0;
};

}  // namespace tess
