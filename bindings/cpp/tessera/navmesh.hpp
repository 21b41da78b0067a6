// tessera C++17 wrapper: navigation meshes (shared, immutable) and per-thread queries.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core.hpp"

namespace tess {

/// Include/exclude flags and per-area costs (64 areas). Defaults: everything passes, cost 1.
struct QueryFilter {
    TessQueryFilter raw{};
    QueryFilter() { check(tess_query_filter_init(&raw)); }
    QueryFilter &include(uint16_t flags) { raw.include_flags = flags; return *this; }
    QueryFilter &exclude(uint16_t flags) { raw.exclude_flags = flags; return *this; }
    QueryFilter &cost(uint32_t area, float cost) { raw.area_cost[area] = cost; return *this; }
};

/// A polygon found near a point.
struct NearestPoly {
    uint64_t poly = 0;  ///< 0 when nothing is within the search box.
    TessVec3 point{};
};

/// A path search result: polygon refs plus PARTIAL / OUT_OF_NODES details.
struct PolyPath {
    std::vector<uint64_t> polys;
    TessStatus status = 0;
    bool partial() const noexcept { return tess_status_has_detail(status, TESS_PARTIAL_RESULT) != 0; }
};

/// An immutable navigation mesh. Copies share the same mesh (reference counted across threads).
class NavMesh {
public:
    /// Builds from polygon OBJ text.
    static NavMesh from_obj(const std::string &text) {
        const TessNavMesh *raw = nullptr;
        check(tess_navmesh_from_obj(text.c_str(), &raw));
        return NavMesh(raw);
    }
    /// Builds from arrays (see tess_navmesh_new); areas/flags may be empty.
    static NavMesh from_arrays(const std::vector<TessVec3> &vertices, const std::vector<uint32_t> &indices,
                               const std::vector<uint32_t> &poly_sizes, const std::vector<uint8_t> &areas = {},
                               const std::vector<uint16_t> &flags = {},
                               const std::vector<TessOffMeshConnection> &off_mesh = {}) {
        const TessNavMesh *raw = nullptr;
        check(tess_navmesh_new(vertices.data(), static_cast<uint32_t>(vertices.size()), indices.data(),
                               static_cast<uint32_t>(indices.size()), poly_sizes.data(),
                               static_cast<uint32_t>(poly_sizes.size()), areas.empty() ? nullptr : areas.data(),
                               flags.empty() ? nullptr : flags.data(), off_mesh.data(),
                               static_cast<uint32_t>(off_mesh.size()), nullptr, 0, nullptr, 0, nullptr, &raw));
        return NavMesh(raw);
    }
    /// Builds from a triangle soup (weld, clean, Hertel–Mehlhorn merge).
    static NavMesh from_triangles(const std::vector<TessVec3> &vertices, const std::vector<uint32_t> &indices,
                                  const TessSoupSettings *settings = nullptr) {
        const TessNavMesh *raw = nullptr;
        check(tess_navmesh_from_triangles(vertices.data(), static_cast<uint32_t>(vertices.size()), indices.data(),
                                          static_cast<uint32_t>(indices.size()), nullptr, settings, &raw));
        return NavMesh(raw);
    }
    /// Loads a blob from save().
    static NavMesh load(const std::vector<uint8_t> &blob) {
        const TessNavMesh *raw = nullptr;
        check(tess_navmesh_load(blob.data(), static_cast<uint32_t>(blob.size()), &raw));
        return NavMesh(raw);
    }

    NavMesh(const NavMesh &other) : raw_(nullptr) {
        if (other.raw_) check(tess_navmesh_shared_clone(other.raw_, &raw_));
    }
    NavMesh &operator=(const NavMesh &other) {
        if (this != &other) {
            NavMesh copy(other);
            std::swap(raw_, copy.raw_);
        }
        return *this;
    }
    NavMesh(NavMesh &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    NavMesh &operator=(NavMesh &&other) noexcept {
        std::swap(raw_, other.raw_);
        return *this;
    }
    ~NavMesh() { tess_navmesh_free(raw_); }

    uint32_t poly_count() const {
        uint32_t n = 0;
        check(tess_navmesh_poly_count(raw_, &n));
        return n;
    }
    uint64_t poly_ref(uint32_t index) const {
        uint64_t r = 0;
        check(tess_navmesh_poly_ref(raw_, index, &r));
        return r;
    }
    std::vector<TessVec3> poly_vertices(uint64_t poly) const {
        std::vector<TessVec3> out(TESS_NAVMESH_MAX_POLY_VERTS);
        uint32_t n = 0;
        check(tess_navmesh_poly_vertices(raw_, poly, out.data(), static_cast<uint32_t>(out.size()), &n));
        out.resize(n);
        return out;
    }
    std::vector<uint8_t> save() const {
        uint32_t n = 0;
        check(tess_navmesh_save(raw_, nullptr, 0, &n));
        std::vector<uint8_t> out(n);
        check(tess_navmesh_save(raw_, out.data(), n, &n));
        return out;
    }
    /// Writes an SVG top view with a funnel path and an optimal path.
    void write_svg(const std::vector<TessVec3> &funnel, const std::vector<TessVec3> &optimal,
                   const std::string &path) const {
        check(tess_navmesh_write_svg(raw_, funnel.data(), static_cast<uint32_t>(funnel.size()), optimal.data(),
                                     static_cast<uint32_t>(optimal.size()), path.c_str()));
    }
    const TessNavMesh *raw() const noexcept { return raw_; }

private:
    explicit NavMesh(const TessNavMesh *raw) : raw_(raw) {}
    const TessNavMesh *raw_;
};

/// A per-thread query object (node pool allocated once). Move-only.
class NavMeshQuery {
public:
    NavMeshQuery(const NavMesh &mesh, uint32_t max_nodes) {
        TessNavMeshQuery *raw = nullptr;
        check(tess_navmesh_query_new(mesh.raw(), max_nodes, &raw));
        q_ = Owned<TessNavMeshQuery, tess_navmesh_query_free>(raw);
        path_.resize(max_nodes);
    }

    NearestPoly find_nearest_poly(TessVec3 center, TessVec3 half_extents, const QueryFilter &f = QueryFilter()) {
        NearestPoly r;
        check(tess_navmesh_query_find_nearest_poly(q_.get(), center, half_extents, &f.raw, &r.poly, &r.point));
        return r;
    }
    /// Closest point on a polygon; `over` tells whether `pos` lies over it in XZ.
    TessVec3 closest_point_on_poly(uint64_t poly, TessVec3 pos, bool *over = nullptr) {
        TessVec3 p{};
        uint8_t o = 0;
        check(tess_navmesh_query_closest_point_on_poly(q_.get(), poly, pos, &p, &o));
        if (over) *over = o != 0;
        return p;
    }
    NearestPoly random_point_around_circle(uint64_t start, TessVec3 center, float radius, TessRng *rng,
                                           const QueryFilter &f = QueryFilter()) {
        NearestPoly r;
        check(tess_navmesh_query_find_random_point_around_circle(q_.get(), start, center, radius, &f.raw, rng, &r.poly,
                                                                 &r.point));
        return r;
    }
    float poly_height(uint64_t poly, TessVec3 pos) {
        float h = 0;
        check(tess_navmesh_query_poly_height(q_.get(), poly, pos, &h));
        return h;
    }
    PolyPath find_path(uint64_t start, uint64_t end, TessVec3 start_pos, TessVec3 end_pos,
                       const QueryFilter &f = QueryFilter()) {
        PolyPath p;
        uint32_t n = 0;
        p.status = check(tess_navmesh_query_find_path(q_.get(), start, end, start_pos, end_pos, &f.raw, path_.data(),
                                                      static_cast<uint32_t>(path_.size()), &n));
        p.polys.assign(path_.begin(), path_.begin() + (n < path_.size() ? n : path_.size()));
        return p;
    }
    std::vector<TessStraightPoint> find_straight_path(TessVec3 start_pos, TessVec3 end_pos,
                                                      const std::vector<uint64_t> &path, uint32_t options = 0) {
        std::vector<TessStraightPoint> out(2 * path.size() + 4);
        uint32_t n = 0;
        check(tess_navmesh_query_find_straight_path(q_.get(), start_pos, end_pos, path.data(),
                                                    static_cast<uint32_t>(path.size()), options, out.data(),
                                                    static_cast<uint32_t>(out.size()), &n));
        out.resize(n);
        return out;
    }
    /// Exact any-angle shortest path (Polyanya); empty when unreachable.
    std::vector<TessVec3> find_optimal_path(uint64_t start, uint64_t end, TessVec3 start_pos, TessVec3 end_pos,
                                            float *length = nullptr, const QueryFilter &f = QueryFilter()) {
        std::vector<TessVec3> out(64);
        uint32_t n = 0;
        float len = 0;
        TessStatus st = check(tess_navmesh_query_find_optimal_path(q_.get(), start, end, start_pos, end_pos, &f.raw,
                                                                  &len, out.data(), 64, &n));
        if (tess_status_has_detail(st, TESS_BUFFER_TOO_SMALL)) {
            out.resize(n);
            check(tess_navmesh_query_find_optimal_path(q_.get(), start, end, start_pos, end_pos, &f.raw, &len,
                                                       out.data(), n, &n));
        }
        out.resize(n);
        if (length) *length = len;
        return out;
    }
    TessRaycastHit raycast(uint64_t start, TessVec3 from, TessVec3 to, const QueryFilter &f = QueryFilter()) {
        TessRaycastHit hit{};
        uint32_t n = 0;
        check(tess_navmesh_query_raycast(q_.get(), start, from, to, &f.raw, &hit, nullptr, 0, &n));
        return hit;
    }
    TessVec3 move_along_surface(uint64_t start, TessVec3 from, TessVec3 to, const QueryFilter &f = QueryFilter()) {
        TessVec3 pos{};
        uint32_t n = 0;
        check(tess_navmesh_query_move_along_surface(q_.get(), start, from, to, &f.raw, &pos, nullptr, 0, &n));
        return pos;
    }
    float distance_to_wall(uint64_t start, TessVec3 center, float max_radius, const QueryFilter &f = QueryFilter()) {
        float d = 0;
        check(tess_navmesh_query_find_distance_to_wall(q_.get(), start, center, max_radius, &f.raw, &d, nullptr,
                                                       nullptr));
        return d;
    }
    std::vector<TessPolyCost> polys_around_circle(uint64_t start, TessVec3 center, float radius,
                                                  const QueryFilter &f = QueryFilter()) {
        std::vector<TessPolyCost> out(path_.size());
        uint32_t n = 0;
        check(tess_navmesh_query_find_polys_around_circle(q_.get(), start, center, radius, &f.raw, out.data(),
                                                          static_cast<uint32_t>(out.size()), &n));
        out.resize(n < out.size() ? n : out.size());
        return out;
    }
    NearestPoly random_point(TessRng *rng, const QueryFilter &f = QueryFilter()) {
        NearestPoly r;
        check(tess_navmesh_query_find_random_point(q_.get(), &f.raw, rng, &r.poly, &r.point));
        return r;
    }
    /// Sliced search: init, then update until it returns SUCCESS, then finalize.
    TessStatus init_sliced(uint64_t start, uint64_t end, TessVec3 start_pos, TessVec3 end_pos,
                           const QueryFilter &f = QueryFilter()) {
        return check(tess_navmesh_query_init_sliced_find_path(q_.get(), start, end, start_pos, end_pos, &f.raw));
    }
    TessStatus update_sliced(uint32_t max_iterations) {
        return check(tess_navmesh_query_update_sliced_find_path(q_.get(), max_iterations, nullptr));
    }
    PolyPath finalize_sliced() {
        PolyPath p;
        uint32_t n = 0;
        p.status = check(tess_navmesh_query_finalize_sliced_find_path(q_.get(), path_.data(),
                                                                      static_cast<uint32_t>(path_.size()), &n));
        p.polys.assign(path_.begin(), path_.begin() + (n < path_.size() ? n : path_.size()));
        return p;
    }
    TessNavMeshQuery *raw() const noexcept { return q_.get(); }

private:
    Owned<TessNavMeshQuery, tess_navmesh_query_free> q_;
    std::vector<uint64_t> path_;
};

}  // namespace tess
