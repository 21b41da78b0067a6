// tessera C++17 wrapper: fast inverse square root, seeded RNG, alias tables, PRD.
#pragma once

#include <cstdint>
#include <vector>

#include "core.hpp"

namespace tess {

/// Seed constants for the fast inverse square root.
enum class Magic : uint32_t { Quake = TESS_RSQRT_QUAKE, Lomont = TESS_RSQRT_LOMONT, Moroz = TESS_RSQRT_MOROZ };

/// 1/sqrt(x) with the chosen seed and Newton iterations (0..4).
inline float rsqrt(float x, Magic magic = Magic::Lomont, uint32_t iterations = 1) {
    float out = 0;
    check(tess_rsqrt_f32(x, static_cast<uint32_t>(magic), iterations, &out));
    return out;
}

/// In-place batch over a vector.
inline void rsqrt_in_place(std::vector<float> &values, Magic magic = Magic::Lomont, uint32_t iterations = 1) {
    check(tess_rsqrt_f32_batch(values.data(), values.data(), static_cast<uint32_t>(values.size()),
                               static_cast<uint32_t>(magic), iterations));
}

/// Deterministic xoshiro256++ generator; a value type (copy to fork).
class Rng {
public:
    explicit Rng(uint64_t seed) { check(tess_rng_seed(&state_, seed)); }
    uint64_t next_u64() {
        uint64_t v = 0;
        check(tess_rng_next_u64(&state_, &v));
        return v;
    }
    double next_f64() {
        double v = 0;
        check(tess_rng_next_f64(&state_, &v));
        return v;
    }
    uint64_t below(uint64_t bound) {
        uint64_t v = 0;
        check(tess_rng_below(&state_, bound, &v));
        return v;
    }
    void jump() { check(tess_rng_jump(&state_)); }
    TessRng *raw() noexcept { return &state_; }

private:
    TessRng state_{};
};

/// O(1) weighted sampling (Vose's alias method). Immutable: share it between threads.
class AliasTable {
public:
    explicit AliasTable(const std::vector<double> &weights) {
        TessAliasTable *raw = nullptr;
        check(tess_alias_table_new(weights.data(), static_cast<uint32_t>(weights.size()), &raw));
        table_ = Owned<TessAliasTable, tess_alias_table_free>(raw);
    }
    uint32_t size() const {
        uint32_t n = 0;
        check(tess_alias_table_len(table_.get(), &n));
        return n;
    }
    uint32_t sample(Rng &rng) const {
        uint32_t v = 0;
        check(tess_alias_table_sample(table_.get(), rng.raw(), &v, 1));
        return v;
    }
    void sample(Rng &rng, std::vector<uint32_t> &out) const {
        check(tess_alias_table_sample(table_.get(), rng.raw(), out.data(), static_cast<uint32_t>(out.size())));
    }
    const TessAliasTable *raw() const noexcept { return table_.get(); }

private:
    Owned<TessAliasTable, tess_alias_table_free> table_;
};

/// Pseudo-random distribution: success chance grows by C per failure, resets on success.
class Prd {
public:
    explicit Prd(double p) { check(tess_prd_init(&state_, p)); }
    bool roll(Rng &rng) {
        uint8_t hit = 0;
        check(tess_prd_roll(&state_, rng.raw(), &hit));
        return hit != 0;
    }
    double c() const noexcept { return state_.c; }

private:
    TessPrd state_{};
};

}  // namespace tess
