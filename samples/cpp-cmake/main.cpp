// Links tessera through its CMake package and checks a few real results.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "tessera.hpp"

int main() {
    if (tess_abi_version() != TESS_ABI_VERSION || std::strcmp(tess_version(), TESS_VERSION_STRING) != 0) {
        std::printf("header/library mismatch\n");
        return 1;
    }
    tess::Rng rng(1);
    tess::AliasTable table({0.0, 1.0});
    for (int i = 0; i < 1000; i++) {
        if (table.sample(rng) != 1) return 1;  // the zero-weight category must never come up
    }
    float y = tess::rsqrt(4.0f, tess::Magic::Lomont, 3);
    if (std::fabs(y - 0.5f) > 1e-6f) return 1;
    std::printf("tessera %s via find_package: ok\n", tess_version());
    return 0;
}
