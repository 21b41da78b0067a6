// C++ side of the two-process router demo: a game-server process with id "cpp".
//
//   router_host <unix-socket-path>
//
// It listens on the path and answers the C# process ("cs", samples/csharp/router/RouterClient.cs):
//   cpp::pathfinder  0x0101 path request  -> 0x0102 shortest path length on a seeded grid (BFS)
//   cpp::spatial     0x0201 near request  -> 0x0202 ids of the entities within a radius
//   multicast tick   0x0301               -> 0x0302 per destination that got it
//   group "world"    0x0401 hello         -> 0x0402 reply, and a 0x0403 broadcast back
//   cpp::npc7        0x0501 moves; after 80 of them the entity migrates to "cs" (0x0502 handoff)
//   cpp::control     0x0F01 quit          -> 0x0F02 bye with the counts, then exit
// Both processes build the grid and the entity positions from tessera's seeded RNG, so each side
// can check the other's answers independently. Prints "N passed, N failed" for its own checks.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "tessera/random.hpp"
#include "tessera/router.hpp"

namespace {

constexpr int W = 32, H = 32;
constexpr int ENTITIES = 64;
constexpr uint32_t MIGRATE_AFTER = 80;

int passed = 0, failed = 0;
void check(bool ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        std::printf("FAIL %s\n", what);
    }
}

uint32_t u32_at(const std::vector<uint8_t> &p, size_t at) {
    uint32_t v = 0;
    if (p.size() >= at + 4) std::memcpy(&v, p.data() + at, 4);
    return v;
}
void put_u32(std::vector<uint8_t> &p, uint32_t v) {
    uint8_t b[4];
    std::memcpy(b, &v, 4);
    p.insert(p.end(), b, b + 4);
}

/// Grid cells: true = blocked; 25% walls from seed 2024, corners open.
std::vector<bool> make_grid() {
    tess::Rng rng(2024);
    std::vector<bool> g(W * H);
    for (int i = 0; i < W * H; i++) g[i] = rng.below(100) < 25;
    g[0] = g[W * H - 1] = false;
    return g;
}

int bfs(const std::vector<bool> &g, int ax, int ay, int bx, int by) {
    if (ax < 0 || ay < 0 || bx < 0 || by < 0 || ax >= W || bx >= W || ay >= H || by >= H) return -1;
    if (g[ay * W + ax] || g[by * W + bx]) return -1;
    std::vector<int> dist(W * H, -1);
    std::deque<int> q{ay * W + ax};
    dist[ay * W + ax] = 0;
    while (!q.empty()) {
        int c = q.front();
        q.pop_front();
        if (c == by * W + bx) return dist[c];
        int x = c % W, y = c / W;
        const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
        for (int k = 0; k < 4; k++) {
            int nx = x + dx[k], ny = y + dy[k];
            if (nx < 0 || ny < 0 || nx >= W || ny >= H) continue;
            int n = ny * W + nx;
            if (g[n] || dist[n] >= 0) continue;
            dist[n] = dist[c] + 1;
            q.push_back(n);
        }
    }
    return -1;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: router_host <unix-socket-path>  (run by `cargo xtask demo` with the C# client)\n");
        return 2;
    }
    const std::vector<bool> grid = make_grid();
    std::vector<int32_t> ex(ENTITIES), ey(ENTITIES);
    {
        tess::Rng rng(77);
        for (int i = 0; i < ENTITIES; i++) {
            ex[i] = static_cast<int32_t>(rng.below(1000));
            ey[i] = static_cast<int32_t>(rng.below(1000));
        }
    }
    try {
        tess::Router router("cpp");
        std::string bound = router.listen(std::string("unix:") + argv[1]);
        router.join("world");
        std::printf("cpp: listening on %s\n", bound.c_str());
        std::fflush(stdout);

        uint32_t paths = 0, nears = 0, ticks = 0, hellos = 0, moves = 0, next_move = 0;
        uint64_t move_sum = 0;
        bool migrated = false, quit = false;
        // Bounded: at most 60 s of 10 ms waits with nothing arriving.
        for (int idle = 0; !quit && idle < 6000;) {
            auto m = router.recv(std::chrono::milliseconds(10));
            if (!m) {
                idle++;
                continue;
            }
            idle = 0;
            std::vector<uint8_t> reply;
            switch (m->command) {
            case 0x0101: {
                check(m->destination == "cpp::pathfinder" && m->payload.size() == 20, "path request shape");
                int len = bfs(grid, u32_at(m->payload, 4), u32_at(m->payload, 8), u32_at(m->payload, 12),
                              u32_at(m->payload, 16));
                put_u32(reply, u32_at(m->payload, 0));
                put_u32(reply, static_cast<uint32_t>(len));
                router.send("cs::client", 0x0102, reply);
                paths++;
                break;
            }
            case 0x0201: {
                check(m->destination == "cpp::spatial" && m->payload.size() == 16, "near request shape");
                int64_t x = static_cast<int32_t>(u32_at(m->payload, 4)), y = static_cast<int32_t>(u32_at(m->payload, 8));
                int64_t r = static_cast<int32_t>(u32_at(m->payload, 12));
                std::vector<uint32_t> ids;
                for (int i = 0; i < ENTITIES; i++) {
                    int64_t dx = ex[i] - x, dy = ey[i] - y;
                    if (dx * dx + dy * dy <= r * r) ids.push_back(static_cast<uint32_t>(i));
                }
                put_u32(reply, u32_at(m->payload, 0));
                put_u32(reply, static_cast<uint32_t>(ids.size()));
                for (uint32_t id : ids) put_u32(reply, id);
                router.send("cs::client", 0x0202, reply);
                nears++;
                break;
            }
            case 0x0301: {
                check(m->kind == TESS_ROUTER_MULTICAST, "tick arrives as multicast");
                put_u32(reply, u32_at(m->payload, 0));
                reply.insert(reply.end(), m->destination.begin(), m->destination.end());
                router.send("cs::client", 0x0302, reply);
                ticks++;
                break;
            }
            case 0x0401: {
                check(m->kind == TESS_ROUTER_BROADCAST && m->destination == "world", "hello arrives as broadcast");
                router.send("cs::client", 0x0402, m->payload);
                const char text[] = "hello from C++";
                router.broadcast("world", 0x0403, text, sizeof text - 1);
                hellos++;
                break;
            }
            case 0x0403:
                // Our own broadcast: this process joined "world" too.
                check(m->source == "cpp" && m->kind == TESS_ROUTER_BROADCAST, "own broadcast delivered locally");
                break;
            case 0x0501: {
                check(!migrated && m->destination == "cpp::npc7", "move reaches npc7 before it migrates");
                uint32_t k = u32_at(m->payload, 0);
                check(k == next_move, "moves arrive in order, none lost or repeated");
                next_move = k + 1;
                move_sum += k;
                moves++;
                if (moves == MIGRATE_AFTER) {
                    // Mid-stream: hold npc7's messages, hand its state over, point it at "cs".
                    router.begin_migration("cpp::npc7");
                    std::vector<uint8_t> state;
                    put_u32(state, next_move);
                    put_u32(state, static_cast<uint32_t>(move_sum));
                    router.send("cs::client", 0x0502, state);
                    router.end_migration("cpp::npc7", "cs");
                    migrated = true;
                    std::printf("cpp: npc7 migrated to cs after %u moves\n", moves);
                }
                break;
            }
            case 0x0F01: {
                put_u32(reply, paths);
                put_u32(reply, nears);
                put_u32(reply, ticks);
                put_u32(reply, hellos);
                put_u32(reply, moves);
                router.send("cs::client", 0x0F02, reply);
                router.flush(std::chrono::milliseconds(10000));
                quit = true;
                break;
            }
            default:
                std::printf("cpp: unexpected command 0x%04x for %s from %s\n", m->command, m->destination.c_str(), m->source.c_str());
                check(false, "unexpected command");
            }
        }
        check(quit, "quit received before the idle limit");
        TessRouterStats s = router.stats();
        std::printf("cpp: answered %u paths, %u near queries, %u ticks, %u hellos; npc7 took %u moves here; "
                    "relayed %llu; lost %llu\n",
                    paths, nears, ticks, hellos, moves, static_cast<unsigned long long>(s.relayed),
                    static_cast<unsigned long long>(s.lost));
        check(s.lost == 0, "nothing lost");
        if (s.lost != 0) std::printf("cpp: router log:\n%s\n", router.log().c_str());
    } catch (const tess::Error &e) {
        std::printf("FAIL tess::Error: %s\n", e.what());
        failed++;
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
