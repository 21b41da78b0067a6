// tessera from C++: RAII objects, exceptions with the library's message.
#include <cstdio>
#include <vector>

#include "tessera.hpp"

int main() {
    tess::Rng rng(7);
    tess::AliasTable spawns({5.0, 3.0, 2.0});
    const char *kinds[3] = {"grunt", "archer", "brute"};
    std::printf("next ten spawns:");
    for (int i = 0; i < 10; i++) std::printf(" %s", kinds[spawns.sample(rng)]);
    std::printf("\n");
    std::vector<float> lengths{1.0f, 2.0f, 9.0f};
    tess::rsqrt_in_place(lengths, tess::Magic::Moroz, 2);
    std::printf("1/sqrt of 1, 2, 9: %.6f %.6f %.6f\n", lengths[0], lengths[1], lengths[2]);
    try {
        tess::Prd impossible(0.0);
    } catch (const tess::Error &e) {
        std::printf("caught tess::Error (status 0x%08x): %s\n", e.status(), e.what());
    }
    return 0;
}
