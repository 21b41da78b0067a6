// Navmesh host test for the C++17 wrapper: shared meshes (copies share one mesh), move-only queries,
// exceptions carrying status details, and path checks on the shipped dungeon mesh.
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "tessera.hpp"
#include "throws.hpp"

static double xz_len(const std::vector<TessVec3> &p) {
    double len = 0;
    for (size_t i = 1; i < p.size(); i++) len += std::hypot(p[i].x - p[i - 1].x, p[i].z - p[i - 1].z);
    return len;
}

int main() {
    std::ifstream file("data/navmesh/dungeon.navmesh.obj");
    std::stringstream text;
    text << file.rdbuf();
    tess::NavMesh original = tess::NavMesh::from_obj(text.str());
    tess::NavMesh mesh = original;  // a second reference to the same mesh
    original = tess::NavMesh::from_obj("v 0 0 0\nv 0 0 1\nv 1 0 1\nv 1 0 0\nf 1 2 3 4\n");
    CHECK(mesh.poly_count() == 118);
    CHECK(original.poly_count() == 1);

    tess::NavMeshQuery q(mesh, 2048);
    tess::NavMeshQuery moved = std::move(q);
    tess::QueryFilter filter;
    TessRng rng;
    tess_rng_seed(&rng, 9);
    int reached = 0;
    for (int i = 0; i < 100; i++) {
        tess::NearestPoly a = moved.random_point(&rng, filter);
        tess::NearestPoly b = moved.random_point(&rng, filter);
        tess::PolyPath path = moved.find_path(a.poly, b.poly, a.point, b.point, filter);
        CHECK(!path.polys.empty() && path.polys.front() == a.poly);
        std::vector<TessStraightPoint> sp = moved.find_straight_path(a.point, b.point, path.polys);
        CHECK(sp.size() >= 2 && (sp.front().flags & TESS_STRAIGHTPATH_START) != 0);
        // Sliced equals one-shot.
        TessStatus st = moved.init_sliced(a.poly, b.poly, a.point, b.point, filter);
        while (st == TESS_IN_PROGRESS) st = moved.update_sliced(2);
        tess::PolyPath sliced = moved.finalize_sliced();
        CHECK(sliced.polys == path.polys && sliced.status == path.status);
        if (!path.partial()) {
            reached++;
            CHECK(path.polys.back() == b.poly);
            std::vector<TessVec3> funnel;
            for (const auto &p : sp) funnel.push_back(p.pos);
            float len = 0;
            std::vector<TessVec3> opt = moved.find_optimal_path(a.poly, b.poly, a.point, b.point, &len, filter);
            CHECK(opt.size() >= 2);
            CHECK(len <= xz_len(funnel) + 1e-3);
            CHECK_NEAR(len, xz_len(opt), 1e-3);
        } else {
            float len = -1;
            CHECK(moved.find_optimal_path(a.poly, b.poly, a.point, b.point, &len, filter).empty());
        }
    }
    CHECK(reached > 10);

    // Closest point, height and random points in a circle on the unit-square mesh.
    tess::NavMeshQuery small(original, 16);
    uint64_t square = original.poly_ref(0);
    bool over = true;
    TessVec3 cp = small.closest_point_on_poly(square, TessVec3{2, 0, 0.5f}, &over);
    CHECK(!over);
    CHECK_NEAR(cp.x, 1.0, 1e-6);
    CHECK_NEAR(small.poly_height(square, TessVec3{0.5f, 3, 0.5f}), 0.0, 1e-6);
    for (int i = 0; i < 20; i++) {
        tess::NearestPoly r = small.random_point_around_circle(square, TessVec3{0.5f, 0, 0.5f}, 0.3f, &rng);
        CHECK(std::hypot(r.point.x - 0.5, r.point.z - 0.5) <= 0.3 + 1e-5);
    }

    // Blob round trip through a second mesh.
    tess::NavMesh back = tess::NavMesh::load(mesh.save());
    CHECK(back.poly_count() == 118);
    std::vector<uint8_t> broken = mesh.save();
    broken[broken.size() / 2] ^= 1;
    CHECK(throws_detail([&] { tess::NavMesh::load(broken); }, TESS_CORRUPT_DATA));

    // Bad input surfaces as exceptions with the exact detail.
    tess::QueryFilter bad;
    bad.cost(5, NAN);
    TessVec3 c{0, 0, 0}, e{1, 1, 1};
    CHECK(throws_detail([&] { moved.find_nearest_poly(c, e, bad); }, TESS_INVALID_PARAM));
    uint64_t foreign = original.poly_ref(0);
    CHECK(throws_detail([&] { moved.find_path(foreign, foreign, c, c); }, TESS_STALE_HANDLE));
    CHECK(throws_detail([&] { tess::NavMeshQuery(mesh, 0); }, TESS_INVALID_PARAM));
    CHECK(throws_detail([&] { tess::NavMesh::from_obj("v 1 2\n"); }, TESS_PARSE_ERROR));
    CHECK(throws_detail([&] { moved.update_sliced(4); }, TESS_WRONG_STATE));
    return check_summary();
}
