// Pool host test for the C++ wrapper: typed tess::Pool<T>, constructor/destructor counts as the
// oracle for object lifetimes, stale/double-free/foreign handles as exceptions with exact statuses.
#include <string>
#include <vector>

#include "check.h"
#include "tessera/pool.hpp"
#include "throws.hpp"

static int alive = 0;

struct Enemy {
    std::string name;
    int hp;
    Enemy(std::string n, int h) : name(std::move(n)), hp(h) { ++alive; }
    Enemy(const Enemy &o) : name(o.name), hp(o.hp) { ++alive; }
    ~Enemy() { --alive; }
};

int main() {
    {
        tess::Pool<Enemy> pool(4);
        auto a = pool.emplace("orc", 10);
        auto b = pool.emplace("troll", 30);
        CHECK(alive == 2 && pool.size() == 2);
        CHECK(pool.at(a).name == "orc" && pool.get(b)->hp == 30);
        pool.at(b).hp -= 5;
        CHECK(pool.get(b)->hp == 25);
        pool.free(a);
        CHECK(alive == 1);
        CHECK(pool.get(a) == nullptr);
        CHECK(throws_detail([&] { pool.free(a); }, TESS_STALE_HANDLE));  // double free
        CHECK(throws_detail([&] { pool.at(a); }, TESS_STALE_HANDLE));
        CHECK(throws_detail([&] { pool.at(0); }, TESS_STALE_HANDLE));
        pool.emplace("elf", 1);
        pool.emplace("imp", 2);
        pool.emplace("bat", 3);
        CHECK(throws_detail([&] { pool.emplace("one too many", 0); }, TESS_FULL));
        CHECK(alive == 4);
        int total = 0;
        pool.for_each([&](tess::Pool<Enemy>::Handle, Enemy &e) { total += e.hp; });
        CHECK(total == 25 + 1 + 2 + 3);
        CHECK(pool.handles().size() == 4);

        tess::Pool<Enemy> other(4);
        auto foreign = other.emplace("ghost", 0);
        CHECK(pool.get(foreign) == nullptr);
        CHECK(throws_detail([&] { pool.free(foreign); }, TESS_STALE_HANDLE));

        tess::Pool<Enemy> moved(std::move(other));
        CHECK(moved.get(foreign) != nullptr && alive == 5);
        pool.clear();
        CHECK(alive == 1 && pool.size() == 0 && pool.get(b) == nullptr);
    }
    CHECK(alive == 0);  // destructors ran for everything left

    {
        tess::Pool<Enemy> ring(2, tess::PoolPolicy::EvictOldest);
        auto first = ring.emplace("first", 1);
        ring.emplace("second", 2);
        tess::Pool<Enemy>::Handle evicted = 0;
        auto third = ring.emplace_evicting(&evicted, "third", 3);
        CHECK(evicted == first && alive == 2);
        CHECK(ring.get(first) == nullptr && ring.at(third).name == "third");
        CHECK(ring.stats().evictions == 1);
    }
    CHECK(alive == 0);

    {
        tess::Pool<double> grow(0, tess::PoolPolicy::Grow);
        std::vector<std::pair<uint64_t, double *>> seen;
        for (int i = 0; i < 500; i++) {
            auto h = grow.alloc(i * 2.0);
            seen.emplace_back(h, grow.get(h));
        }
        bool stable = true;
        for (size_t i = 0; i < seen.size(); i++) stable = stable && grow.get(seen[i].first) == seen[i].second && *seen[i].second == i * 2.0;
        CHECK(stable);
        CHECK(grow.stats().capacity >= 500 && grow.stats().high_water == 500);
    }

    CHECK(throws_detail([] { tess::Pool<int> bad(0, tess::PoolPolicy::Fail); }, TESS_INVALID_PARAM));
    return check_summary();
}
