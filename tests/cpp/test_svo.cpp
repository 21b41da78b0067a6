// Sparse voxel octree host test for the C++17 wrapper: builds, paths checked against the grid,
// save/load, exceptions with exact status details for bad input, move-only ownership.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "tessera/svo.hpp"
#include "throws.hpp"

static bool wall(int x, int y, int z) { return x == 6 && !(y == 3 && z == 3) && z < 10; }

int main() {
    std::string text = "voxel 12 12 12\n";
    for (int x = 0; x < 12; x++)
        for (int y = 0; y < 12; y++)
            for (int z = 0; z < 12; z++)
                if (wall(x, y, z)) text += std::to_string(x) + " " + std::to_string(y) + " " + std::to_string(z) + "\n";
    tess::Svo svo = tess::Svo::from_3dmap(text);
    CHECK(svo.info().cube_side == 16);
    CHECK(svo.is_blocked({6.5f, 0.5f, 0.5f}));
    CHECK(!svo.is_blocked({5.5f, 0.5f, 0.5f}));

    // The same map through the callback builder.
    TessSvoBuildParams p{{0, 0, 0}, {12, 12, 12}, 1.0f, 0.0f};
    int calls = 0;
    tess::Svo cb = tess::Svo::from_callback(p, [&](const TessVec3 &lo, const TessVec3 &hi) {
        calls++;
        for (int x = (int)lo.x; x < (int)hi.x; x++)
            for (int y = (int)lo.y; y < (int)hi.y; y++)
                for (int z = (int)lo.z; z < (int)hi.z; z++)
                    if (x < 12 && y < 12 && z < 12 && wall(x, y, z)) return true;
        return false;
    });
    CHECK(calls > 0);
    CHECK(cb.save() == svo.save());

    tess::SvoQuery q(svo, 4096);
    tess::SvoPath path = q.find_path({1.5f, 1.5f, 1.5f}, {10.5f, 1.5f, 1.5f});
    CHECK(path.status == TESS_SUCCESS && path.info.found == 1 && path.points.size() >= 3);
    for (size_t i = 0; i + 1 < path.points.size(); i++) CHECK(!svo.raycast(path.points[i], path.points[i + 1]));
    CHECK(path.info.length >= 9.0f);
    TessSvoPathOptions euclidean = tess::svo_path_options(tess::SvoHeuristic::Euclidean);
    CHECK(euclidean.heuristic == TESS_SVO_HEURISTIC_EUCLIDEAN && euclidean.smooth == 1);
    tess::SvoPath other = q.find_path({1.5f, 1.5f, 1.5f}, {10.5f, 1.5f, 1.5f}, &euclidean);
    CHECK(other.info.found == 1);
    for (size_t i = 0; i + 1 < other.points.size(); i++) CHECK(!svo.raycast(other.points[i], other.points[i + 1]));
    euclidean.heuristic = 5;
    CHECK(throws_detail([&] { q.find_path({1.5f, 1.5f, 1.5f}, {10.5f, 1.5f, 1.5f}, &euclidean); }, TESS_INVALID_PARAM));
    float t = 0;
    CHECK(svo.raycast({1.5f, 1.5f, 1.5f}, {10.5f, 1.5f, 1.5f}, &t));
    CHECK_NEAR(t, 4.5 / 9.0, 1e-4);

    // Bad input.
    CHECK(throws_detail([&] { q.find_path({NAN, 1, 1}, {1, 1, 1}); }, TESS_INVALID_PARAM));
    CHECK(throws_detail([&] { q.find_path({1, 1, 1}, {1, 1, 30}); }, TESS_INVALID_PARAM));
    CHECK(throws_detail([&] { q.find_path({6.5f, 0.5f, 0.5f}, {1, 1, 1}); }, TESS_NOT_FOUND));
    CHECK(throws_detail([] { tess::Svo::from_3dmap("voxel 2 2 2\n0 0\n"); }, TESS_PARSE_ERROR));
    TessSvoBuildParams bad{{0, 0, 0}, {4, 4, 4}, 0.0f, 0.0f};
    CHECK(throws_detail([&] { tess::Svo::from_callback(bad, [](const TessVec3 &, const TessVec3 &) { return false; }); },
                        TESS_INVALID_PARAM));
    std::vector<uint8_t> blob = svo.save();
    tess::Svo back = tess::Svo::load(blob);
    CHECK(back.info().memory_bytes == svo.info().memory_bytes);
    blob.pop_back();
    CHECK(throws_detail([&] { tess::Svo::load(blob); }, TESS_CORRUPT_DATA));

    // Move-only ownership.
    tess::Svo moved = std::move(back);
    CHECK(moved.get() != nullptr && back.get() == nullptr);
    CHECK(svo.svg(path.points).find("<polyline") != std::string::npos);
    return check_summary();
}
