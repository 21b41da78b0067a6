// Foundation host test for the C++17 RAII wrapper: values, exceptions carrying status and message,
// move-only ownership, and the cross-language VECTOR lines.
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "tessera.hpp"
#include "throws.hpp"

int main() {
    CHECK(std::string(tess_version()) == TESS_VERSION_STRING);
    CHECK_NEAR(tess::rsqrt(16.0f, tess::Magic::Moroz, 3), 0.25, 1e-6);
    std::vector<float> values{1.0f, 4.0f, 100.0f};
    tess::rsqrt_in_place(values, tess::Magic::Quake, 3);
    CHECK_NEAR(values[2], 0.1, 1e-6);
    std::string message;
    CHECK(throws_detail([] { tess::rsqrt(1.0f, static_cast<tess::Magic>(42), 1); }, TESS_INVALID_PARAM, &message));
    CHECK(message.find("magic") != std::string::npos);

    tess::Rng rng(42);
    std::printf("VECTOR rng");
    for (int i = 0; i < 8; i++) std::printf(" %llu", static_cast<unsigned long long>(rng.next_u64()));
    std::printf("\n");
    tess::Rng fork = rng;  // value type: copies fork the stream
    CHECK(fork.next_u64() == rng.next_u64());
    CHECK(throws_detail([&] { rng.below(0); }, TESS_INVALID_PARAM));

    std::vector<double> weights;
    for (int i = 1; i <= 10; i++) weights.push_back(i);
    tess::AliasTable table(weights);
    CHECK(table.size() == 10);
    tess::Rng seven(7);
    std::vector<uint32_t> vec(32);
    table.sample(seven, vec);
    std::printf("VECTOR alias");
    for (uint32_t v : vec) std::printf(" %u", v);
    std::printf("\n");

    // Move-only ownership: the moved-from table is empty and reports NULL_PARAM, never a crash.
    tess::AliasTable moved = std::move(table);
    CHECK(moved.size() == 10);
    CHECK(table.raw() == nullptr);
    CHECK(throws_detail([&] { table.size(); }, TESS_NULL_PARAM));
    CHECK(throws_detail([] { tess::AliasTable bad(std::vector<double>{1.0, -2.0}); }, TESS_INVALID_PARAM, &message));
    CHECK(message.find("weight 1 is negative") != std::string::npos);
    CHECK(throws_detail([] { tess::AliasTable bad(std::vector<double>{}); }, TESS_INVALID_PARAM));
    CHECK(throws_detail([] { tess::AliasTable bad(std::vector<double>{0.0, 0.0}); }, TESS_INVALID_PARAM));

    tess::Prd prd(0.25);
    CHECK_NEAR(prd.c(), 0.0847, 5e-5);
    tess::Rng nine(9);
    std::printf("VECTOR prd ");
    for (int i = 0; i < 64; i++) std::printf("%d", prd.roll(nine) ? 1 : 0);
    std::printf("\n");
    CHECK(throws_detail([] { tess::Prd bad(0.0); }, TESS_INVALID_PARAM));
    return check_summary();
}
