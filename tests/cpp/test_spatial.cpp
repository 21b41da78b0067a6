// Spatial grid host test for the C++17 wrapper: queries against brute force, the pair scan, AOI
// events across batch moves against brute-force set differences, exceptions with exact statuses,
// and move-only ownership.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "tessera/spatial.hpp"
#include "throws.hpp"

static bool within(float ax, float az, float bx, float bz, float r) {
    double dx = double(ax) - double(bx), dz = double(az) - double(bz);
    return dx * dx + dz * dz <= double(r) * double(r);
}

struct Ent {
    uint64_t id;
    float x, z, r;
};

int main() {
    std::mt19937_64 gen(99);
    std::uniform_real_distribution<float> any(-20.0f, 220.0f);
    std::uniform_int_distribution<int> lattice(-2, 44);
    auto coord = [&] { return (gen() & 1) ? any(gen) : float(lattice(gen)) * 5.0f; };

    tess::SpatialGrid grid(0, 0, 200, 200, 10);
    std::vector<Ent> ents;
    for (uint64_t i = 0; i < 300; i++) {
        Ent e{i * 7 + 3, coord(), coord(), (i % 4 == 0) ? 0.0f : float(i % 6) * 4.0f};
        grid.insert(e.id, e.x, e.z, e.r);
        ents.push_back(e);
    }
    CHECK(grid.size() == 300);

    std::vector<uint64_t> got;
    for (int q = 0; q < 100; q++) {
        float qx = coord(), qz = coord(), r = float(q % 8) * 5.0f;
        grid.query_circle(qx, qz, r, got);
        std::vector<uint64_t> expect;
        for (auto &e : ents)
            if (within(e.x, e.z, qx, qz, r)) expect.push_back(e.id);
        std::sort(got.begin(), got.end());
        std::sort(expect.begin(), expect.end());
        CHECK(got == expect);
        auto box = grid.query_aabb(qx - r, qz - r, qx + r, qz + r);
        size_t in_box = 0;
        for (auto &e : ents) in_box += (e.x >= qx - r && e.x <= qx + r && e.z >= qz - r && e.z <= qz + r);
        CHECK(box.size() == in_box);
        auto near = grid.nearest(qx, qz, 5);
        CHECK(near.size() == 5);
        size_t closer = 0;
        for (auto &e : ents) {
            double dx = double(e.x) - qx, dz = double(e.z) - qz;
            closer += dx * dx + dz * dz < near.back().dist_sq;
        }
        CHECK(closer <= 5);
    }

    std::vector<TessIdPair> pairs;
    grid.pairs_within(6.0f, pairs);
    std::set<std::pair<uint64_t, uint64_t>> expect_pairs, got_pairs;
    for (size_t i = 0; i < ents.size(); i++)
        for (size_t j = i + 1; j < ents.size(); j++)
            if (within(ents[i].x, ents[i].z, ents[j].x, ents[j].z, 6.0f))
                expect_pairs.insert({std::min(ents[i].id, ents[j].id), std::max(ents[i].id, ents[j].id)});
    for (auto &p : pairs) got_pairs.insert({p.a, p.b});
    CHECK(got_pairs.size() == pairs.size());  // each pair once
    CHECK(got_pairs == expect_pairs);

    // AOI across random batch moves against brute-force set differences.
    std::set<std::pair<uint64_t, uint64_t>> before;
    std::vector<TessIdPair> enter, leave;
    std::vector<uint64_t> ids;
    std::vector<TessVec3> pos(ents.size());
    for (auto &e : ents) ids.push_back(e.id);
    std::uniform_real_distribution<float> step(-6.0f, 6.0f);
    for (int frame = 0; frame < 5; frame++) {
        if (frame > 0) {
            for (size_t i = 0; i < ents.size(); i++) {
                ents[i].x += step(gen);
                ents[i].z += step(gen);
                pos[i] = TessVec3{ents[i].x, 0.0f, ents[i].z};
            }
            grid.move_batch(ids, pos);
        }
        std::set<std::pair<uint64_t, uint64_t>> now;
        for (auto &o : ents)
            for (auto &t : ents)
                if (o.id != t.id && o.r > 0 && within(t.x, t.z, o.x, o.z, o.r)) now.insert({o.id, t.id});
        std::set<std::pair<uint64_t, uint64_t>> want_enter, want_leave, got_enter, got_leave;
        std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                            std::inserter(want_enter, want_enter.end()));
        std::set_difference(before.begin(), before.end(), now.begin(), now.end(),
                            std::inserter(want_leave, want_leave.end()));
        grid.aoi_update(enter, leave);
        for (auto &p : enter) got_enter.insert({p.a, p.b});
        for (auto &p : leave) got_leave.insert({p.a, p.b});
        CHECK(got_enter == want_enter);
        CHECK(got_leave == want_leave);
        CHECK(got_enter.size() == enter.size());
        before = now;
    }

    // Exceptions carry the exact status.
    CHECK(throws_status([] { tess::SpatialGrid bad(0, 0, 10, 10, 0); }, TESS_FAILURE | TESS_INVALID_PARAM));
    CHECK(throws_status([] { tess::SpatialGrid bad(0, 0, 0, 10, 1); }, TESS_FAILURE | TESS_INVALID_PARAM));
    CHECK(throws_status([&] { grid.insert(3, 1, 1); }, TESS_FAILURE | TESS_ALREADY_EXISTS));
    CHECK(throws_status([&] { grid.move(1, 1, 1); }, TESS_FAILURE | TESS_NOT_FOUND));
    CHECK(throws_status([&] { grid.remove(1); }, TESS_FAILURE | TESS_NOT_FOUND));
    CHECK(throws_status([&] { grid.move(3, std::numeric_limits<float>::quiet_NaN(), 1); },
                        TESS_FAILURE | TESS_INVALID_PARAM));
    CHECK(throws_status([&] { grid.insert(5, 1, std::numeric_limits<float>::infinity()); },
                        TESS_FAILURE | TESS_INVALID_PARAM));

    // Move-only ownership: the moved-from grid is empty and reports NULL_PARAM.
    tess::SpatialGrid moved = std::move(grid);
    CHECK(moved.size() == 300);
    CHECK(grid.raw() == nullptr);
    CHECK(throws_status([&] { grid.size(); }, TESS_FAILURE | TESS_NULL_PARAM));
    return check_summary();
}
