// tessera C++17 wrapper: sparse voxel octree build, save/load and path queries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core.hpp"

namespace tess {

namespace detail {
inline void free_svo(const TessSvo *s) { tess_svo_free(s); }
inline void free_svo_query(TessSvoQuery *q) { tess_svo_query_free(q); }
}  // namespace detail

/// Distance estimate of SvoQuery::find_path.
enum class SvoHeuristic : uint8_t {
    Octile = TESS_SVO_HEURISTIC_OCTILE,       ///< 3D octile distance (default): fastest, paths slightly longer
    Euclidean = TESS_SVO_HEURISTIC_EUCLIDEAN  ///< straight-line distance: slower, paths slightly shorter
};

/// The default path options (tess_svo_path_options_default) with the given heuristic.
inline TessSvoPathOptions svo_path_options(SvoHeuristic heuristic = SvoHeuristic::Octile) {
    TessSvoPathOptions o{};
    check(tess_svo_path_options_default(&o));
    o.heuristic = static_cast<uint8_t>(heuristic);
    return o;
}

/// Result of SvoQuery::find_path.
struct SvoPath {
    std::vector<TessVec3> points;  ///< start first, goal last; empty without a path
    TessSvoPathInfo info{};        ///< length, expanded nodes, found/partial flags
    TessStatus status = 0;         ///< SUCCESS, SUCCESS|NO_PATH or SUCCESS|PARTIAL_RESULT|OUT_OF_NODES
};

/// A built, immutable octree (shared by any number of queries and threads). Move-only.
class Svo {
public:
    /// From Moving AI .3dmap text (voxel size 1 at the origin). Throws tess::Error (PARSE_ERROR names the line).
    static Svo from_3dmap(const std::string &text) {
        const TessSvo *raw = nullptr;
        check(tess_svo_build_3dmap(reinterpret_cast<const uint8_t *>(text.data()), static_cast<uint32_t>(text.size()), &raw));
        return Svo(raw);
    }
    /// From an engine overlap test `bool(const TessVec3 &min, const TessVec3 &max)`, coarse boxes first.
    template <typename F>
    static Svo from_callback(const TessSvoBuildParams &params, F &&blocked) {
        const TessSvo *raw = nullptr;
        auto thunk = [](void *user, const TessVec3 *lo, const TessVec3 *hi) -> uint8_t {
            return (*static_cast<F *>(user))(*lo, *hi) ? 1 : 0;
        };
        check(tess_svo_build_callback(&params, thunk, static_cast<void *>(&blocked), &raw));
        return Svo(raw);
    }
    /// From triangles (3 indices each) by exact triangle/box overlap.
    static Svo from_mesh(const std::vector<TessVec3> &vertices, const std::vector<uint32_t> &indices,
                         const TessSvoBuildParams &params) {
        const TessSvo *raw = nullptr;
        check(tess_svo_build_mesh(vertices.data(), static_cast<uint32_t>(vertices.size()), indices.data(),
                                  static_cast<uint32_t>(indices.size()), &params, &raw));
        return Svo(raw);
    }
    /// From a blob written by save(). Throws on CORRUPT_DATA / VERSION_MISMATCH.
    static Svo load(const std::vector<uint8_t> &blob) {
        const TessSvo *raw = nullptr;
        check(tess_svo_load(blob.data(), static_cast<uint32_t>(blob.size()), &raw));
        return Svo(raw);
    }
    std::vector<uint8_t> save() const {
        uint32_t n = 0;
        check(tess_svo_save(get(), nullptr, 0, &n));
        std::vector<uint8_t> out(n);
        check(tess_svo_save(get(), out.data(), n, &n));
        return out;
    }
    TessSvoInfo info() const {
        TessSvoInfo i{};
        check(tess_svo_info(get(), &i));
        return i;
    }
    /// Bytes per layer (0 = voxels, 1 = leaves, l = level l).
    std::vector<uint64_t> memory() const {
        uint32_t n = 0;
        check(tess_svo_memory(get(), nullptr, 0, &n));
        std::vector<uint64_t> out(n);
        check(tess_svo_memory(get(), out.data(), n, &n));
        return out;
    }
    bool is_blocked(const TessVec3 &p) const {
        uint8_t b = 0;
        check(tess_svo_is_blocked(get(), p, &b));
        return b != 0;
    }
    /// True when the segment touches a blocked voxel; `t` gets the hit fraction (1 when clear).
    bool raycast(const TessVec3 &from, const TessVec3 &to, float *t = nullptr) const {
        uint8_t hit = 0;
        check(tess_svo_raycast(get(), from, to, &hit, t));
        return hit != 0;
    }
    /// SVG picture (seen from above) with an optional path.
    std::string svg(const std::vector<TessVec3> &path = {}) const {
        uint32_t n = 0;
        check(tess_svo_write_svg(get(), path.data(), static_cast<uint32_t>(path.size()), nullptr, 0, &n));
        std::string out(n, '\0');
        check(tess_svo_write_svg(get(), path.data(), static_cast<uint32_t>(path.size()),
                                 reinterpret_cast<uint8_t *>(&out[0]), n, &n));
        return out;
    }
    const TessSvo *get() const noexcept { return owned_.get(); }

private:
    explicit Svo(const TessSvo *raw) : owned_(raw) {}
    Owned<const TessSvo, detail::free_svo> owned_;
};

/// Per-thread query object (scratch allocated once). Move-only; one thread at a time.
class SvoQuery {
public:
    SvoQuery(const Svo &svo, uint32_t max_nodes) {
        TessSvoQuery *raw = nullptr;
        check(tess_svo_query_new(svo.get(), max_nodes, &raw));
        owned_ = Owned<TessSvoQuery, detail::free_svo_query>(raw);
    }
    /// Throws tess::Error for bad points or options (INVALID_PARAM, NOT_FOUND inside solid); an unreachable goal is
    /// not an error. `options`: NULL = defaults, or see svo_path_options().
    SvoPath find_path(const TessVec3 &start, const TessVec3 &goal, const TessSvoPathOptions *options = nullptr) {
        SvoPath path;
        uint32_t n = 0;
        path.points.resize(256);
        path.status = check(tess_svo_query_find_path(owned_.get(), start, goal, options, &path.info, path.points.data(),
                                                     static_cast<uint32_t>(path.points.size()), &n));
        if (n > path.points.size()) {
            path.points.resize(n);
            path.status = check(tess_svo_query_find_path(owned_.get(), start, goal, options, &path.info,
                                                         path.points.data(), n, &n));
        }
        path.points.resize(n);
        return path;
    }
    TessVec3 nearest_free(const TessVec3 &p, float max_distance) {
        TessVec3 out{};
        check(tess_svo_query_nearest_free(owned_.get(), p, max_distance, &out));
        return out;
    }
    TessSvoQuery *get() const noexcept { return owned_.get(); }

private:
    Owned<TessSvoQuery, detail::free_svo_query> owned_;
};

}  // namespace tess
