// tessera C++17 wrapper: uniform spatial grid over the XZ plane (neighbour queries, pair scan,
// k nearest, AOI enter/leave events).
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "core.hpp"

namespace tess {

/// Uniform grid over the XZ plane (Y up) holding entities under the caller's 64-bit ids.
/// Distances are inclusive (an entity at exactly the radius is inside). Positions outside the
/// bounds are kept and filed in border cells. Move-only owner of a TessSpatialGrid.
/// Const member functions may run concurrently; mutating ones need exclusive access.
class SpatialGrid {
public:
    /// Grid over [min_x, max_x] x [min_z, max_z] with square cells of side `cell_size`.
    SpatialGrid(float min_x, float min_z, float max_x, float max_z, float cell_size) {
        TessSpatialGrid *raw = nullptr;
        check(tess_spatial_grid_new(min_x, min_z, max_x, max_z, cell_size, &raw));
        grid_ = Owned<TessSpatialGrid, tess_spatial_grid_free>(raw);
    }

    uint32_t size() const {
        uint32_t n = 0;
        check(tess_spatial_grid_len(grid_.get(), &n));
        return n;
    }

    /// Adds an entity; `radius` is its AOI view radius and per-entity query reach (0 = none).
    void insert(uint64_t id, float x, float z, float radius = 0.0f) {
        check(tess_spatial_grid_insert(grid_.get(), id, x, z, radius));
    }
    void remove(uint64_t id) { check(tess_spatial_grid_remove(grid_.get(), id)); }
    void move(uint64_t id, float x, float z) { check(tess_spatial_grid_move(grid_.get(), id, x, z)); }
    void set_radius(uint64_t id, float radius) { check(tess_spatial_grid_set_radius(grid_.get(), id, radius)); }

    /// Moves every `ids[i]` to `positions[i]` (y ignored) in one call; all or nothing.
    void move_batch(const std::vector<uint64_t> &ids, const std::vector<TessVec3> &positions) {
        if (ids.size() != positions.size()) {
            throw Error(TESS_FAILURE | TESS_INVALID_PARAM, "move_batch: ids and positions differ in length");
        }
        check(tess_spatial_grid_move_batch(grid_.get(), ids.data(), positions.data(),
                                           static_cast<uint32_t>(ids.size())));
    }

    /// Position (x, z) of an entity.
    std::pair<float, float> position(uint64_t id) const {
        float x = 0, z = 0, r = 0;
        check(tess_spatial_grid_get(grid_.get(), id, &x, &z, &r));
        return {x, z};
    }

    /// Ids within `radius` of (x, z), into `out` (resized to the result).
    void query_circle(float x, float z, float radius, std::vector<uint64_t> &out) const {
        fill(out, [&](uint64_t *p, uint32_t cap, uint32_t *len) {
            return tess_spatial_grid_query_circle(grid_.get(), x, z, radius, p, cap, len);
        });
    }
    std::vector<uint64_t> query_circle(float x, float z, float radius) const {
        std::vector<uint64_t> out;
        query_circle(x, z, radius, out);
        return out;
    }

    /// Ids in the closed box.
    std::vector<uint64_t> query_aabb(float min_x, float min_z, float max_x, float max_z) const {
        std::vector<uint64_t> out;
        fill(out, [&](uint64_t *p, uint32_t cap, uint32_t *len) {
            return tess_spatial_grid_query_aabb(grid_.get(), min_x, min_z, max_x, max_z, p, cap, len);
        });
        return out;
    }

    /// Other entities within entity `id`'s own radius.
    std::vector<uint64_t> query_entity(uint64_t id) const {
        std::vector<uint64_t> out;
        fill(out, [&](uint64_t *p, uint32_t cap, uint32_t *len) {
            return tess_spatial_grid_query_entity(grid_.get(), id, p, cap, len);
        });
        return out;
    }

    /// Up to `k` nearest within `max_dist` (INFINITY: no limit), nearest first.
    std::vector<TessSpatialHit> nearest(float x, float z, uint32_t k, float max_dist = std::numeric_limits<float>::infinity()) const {
        std::vector<TessSpatialHit> out(k);
        uint32_t len = 0;
        check(tess_spatial_grid_nearest(grid_.get(), x, z, max_dist, out.data(), k, &len));
        out.resize(len);
        return out;
    }

    /// Every pair within `r`, each once, a < b.
    void pairs_within(float r, std::vector<TessIdPair> &out) const {
        fill(out, [&](TessIdPair *p, uint32_t cap, uint32_t *len) {
            return tess_spatial_grid_pairs_within(grid_.get(), r, p, cap, len);
        });
    }

    /// AOI update: (observer, target) pairs that entered and left view since the last update.
    void aoi_update(std::vector<TessIdPair> &enter, std::vector<TessIdPair> &leave) {
        uint32_t ne = 0, nl = 0;
        TessStatus s = check(tess_spatial_grid_aoi_update(grid_.get(), enter.data(), cap(enter), &ne, leave.data(),
                                                          cap(leave), &nl));
        if (tess_status_has_detail(s, TESS_BUFFER_TOO_SMALL)) {
            events(TESS_AOI_ENTER, enter, ne);
            events(TESS_AOI_LEAVE, leave, nl);
        }
        enter.resize(ne);
        leave.resize(nl);
    }

    const TessSpatialGrid *raw() const noexcept { return grid_.get(); }
    TessSpatialGrid *raw() noexcept { return grid_.get(); }

private:
    template <typename T>
    static uint32_t cap(std::vector<T> &v) {
        v.resize(v.capacity());
        return static_cast<uint32_t>(v.size());
    }

    /// Calls `query(ptr, cap, len)` with the vector's capacity, grows it once if the result did not fit.
    template <typename T, typename Q>
    static void fill(std::vector<T> &out, Q query) {
        uint32_t len = 0;
        TessStatus s = check(query(out.data(), cap(out), &len));
        if (tess_status_has_detail(s, TESS_BUFFER_TOO_SMALL)) {
            out.resize(len);
            check(query(out.data(), len, &len));
        }
        out.resize(len);
    }

    void events(uint32_t kind, std::vector<TessIdPair> &out, uint32_t n) const {
        out.resize(n);
        uint32_t len = 0;
        check(tess_spatial_grid_aoi_events(grid_.get(), kind, out.data(), n, &len));
    }

    Owned<TessSpatialGrid, tess_spatial_grid_free> grid_;
};

}  // namespace tess
