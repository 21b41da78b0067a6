// Router host test for the C++17 wrapper: two routers over a Unix socket, move-only ownership,
// exceptions carrying the exact status for each bad input, a large payload through the
// buffer-too-small retry, multicast, broadcast and a migration between the two routers.
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "tessera/router.hpp"
#include "throws.hpp"

using namespace std::chrono_literals;

int main() {
    const std::string address = "unix:/tmp/tess-router-cpp-" + std::to_string(getpid()) + ".sock";
    TessRouterConfig config{};
    tess::check(tess_router_config_default(&config));
    config.max_payload = 100000;
    tess::Router a("a", &config);
    tess::Router b("b", &config);
    CHECK(a.listen(address) == address);
    CHECK(thrown_status([&] { tess::Router c("c"); c.listen(address); }) == (TESS_FAILURE | TESS_ALREADY_EXISTS | TESS_IO_ERROR));
    CHECK(thrown_status([&] { tess::Router("bad id"); }) == (TESS_FAILURE | TESS_INVALID_PARAM));
    b.connect("a", address);
    CHECK(thrown_status([&] { b.connect("a", address); }) == (TESS_FAILURE | TESS_ALREADY_EXISTS));

    // Move-only ownership: the moved-to router keeps working.
    tess::Router moved = std::move(b);
    CHECK(thrown_status([&] { moved.send("nowhere::x", 1, "x", 1); }) == (TESS_FAILURE | TESS_NO_ROUTE));
    std::vector<uint8_t> too_big(100001, 1);
    CHECK(thrown_status([&] { moved.send("a::x", 1, too_big); }) == (TESS_FAILURE | TESS_INVALID_PARAM));

    // A payload larger than the wrapper's first buffer comes through its retry, intact.
    std::vector<uint8_t> big(70000);
    for (size_t i = 0; i < big.size(); i++) big[i] = static_cast<uint8_t>(i * 7 + 3);
    moved.send("a::big", 0x0A01, big, 5);
    auto m = a.recv(10000ms);
    CHECK(m && m->payload == big && m->flags == 5 && m->command == 0x0A01 && m->source == "b");
    CHECK(!a.poll());

    // Many per call: payloads of mixed sizes (one larger than the wrapper's first buffer) arrive intact, in order.
    const uint32_t batch = 40;
    for (uint32_t i = 0; i < batch; i++) {
        std::vector<uint8_t> p(i == 17 ? 70000 : 1 + i * 13);
        for (size_t k = 0; k < p.size(); k++) p[k] = static_cast<uint8_t>(i + k);
        moved.send("a::many", static_cast<uint16_t>(0x0D00 | i), p);
    }
    uint32_t got = 0;
    bool intact = true;
    for (int calls = 0; got < batch && calls < 1000; calls++) {
        auto ms = calls % 2 ? a.poll_many(7) : a.recv_many(10000ms, 7);
        CHECK(ms.size() <= 7);
        for (const auto &x : ms) {
            bool ok = x.command == (0x0D00 | got) && x.destination == "a::many" &&
                      x.payload.size() == (got == 17 ? 70000u : 1 + got * 13);
            for (size_t k = 0; ok && k < x.payload.size(); k++) ok = x.payload[k] == static_cast<uint8_t>(got + k);
            intact &= ok;
            got++;
        }
    }
    CHECK(intact && got == batch);
    CHECK(a.poll_many(8).empty() && a.poll_many(0).empty());

    // Multicast: one remote frame for two destinations, one local delivery.
    moved.multicast({"a::one", "b::self", "a::two"}, 0x0B00, "m", 1);
    auto local = moved.recv(10000ms);
    CHECK(local && local->destination == "b::self" && local->kind == TESS_ROUTER_MULTICAST);
    auto one = a.recv(10000ms), two = a.recv(10000ms);
    CHECK(one && two && one->destination == "a::one" && two->destination == "a::two");

    // Broadcast group.
    a.join("g");
    CHECK(thrown_status([&] { a.join("g"); }) == (TESS_FAILURE | TESS_ALREADY_EXISTS));
    moved.broadcast("g", 0x0C00, "hi", 2);
    auto bc = a.recv(10000ms);
    CHECK(bc && bc->destination == "g" && bc->kind == TESS_ROUTER_BROADCAST);

    // Migration of a::npc to b: every message arrives once and in order, at one home or the other.
    for (uint32_t i = 0; i < 50; i++) moved.send("a::npc", 1, &i, sizeof i);
    uint32_t next = 0;
    for (; next < 10; next++) {
        auto x = a.recv(10000ms);
        uint32_t v = 0;
        if (x) std::memcpy(&v, x->payload.data(), 4);
        CHECK(x && v == next);
    }
    a.begin_migration("a::npc");
    CHECK(thrown_status([&] { a.begin_migration("a::npc"); }) == (TESS_FAILURE | TESS_WRONG_STATE));
    a.end_migration("a::npc", "b");
    moved.adopt("a::npc");
    for (uint32_t i = 50; i < 80; i++) moved.send("a::npc", 1, &i, sizeof i);
    bool in_order = true;
    while (next < 80) {
        auto x = moved.recv(10000ms);
        if (!x) break;
        uint32_t v = 0;
        std::memcpy(&v, x->payload.data(), 4);
        in_order &= v == next && x->destination == "a::npc";
        next++;
    }
    CHECK(in_order && next == 80);
    CHECK(!moved.recv(50ms));
    CHECK(moved.stats().lost == 0 && a.stats().lost == 0);
    CHECK(moved.peer_state("a") == TESS_ROUTER_PEER_CONNECTED);
    CHECK(thrown_status([&] { moved.peer_state("zz"); }) == (TESS_FAILURE | TESS_NOT_FOUND));
    return check_summary();
}
