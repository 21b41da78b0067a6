// tessera C++17 wrapper: typed object pools over the raw-slot C pool.
#pragma once

#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "core.hpp"

namespace tess {

/// What a pool does when every slot is live.
enum class PoolPolicy : uint32_t {
    Fail = TESS_POOL_FAIL,               ///< alloc throws tess::Error with TESS_FULL
    Grow = TESS_POOL_GROW,               ///< add a chunk; objects never move
    EvictOldest = TESS_POOL_EVICT_OLDEST ///< destroy the oldest object and reuse its slot
};

/// A pool of `T` with O(1) alloc/free and generation-checked 64-bit handles
/// (0 = none). Objects are constructed in place and never move until freed, so
/// `T*` stay valid until then. Stale, double-freed and foreign handles are
/// detected: `get` returns nullptr, `at`/`free` throw tess::Error (TESS_STALE_HANDLE).
///
/// Ownership: move-only; destroys every live object and the pool.
/// Thread-safety: one thread at a time per pool.
template <typename T>
class Pool {
    static_assert(alignof(T) <= TESS_POOL_MAX_ALIGN, "T is over-aligned for tess::Pool");
    static_assert(sizeof(T) <= TESS_POOL_MAX_ELEM_SIZE, "T is too large for tess::Pool");

public:
    using Handle = uint64_t;

    explicit Pool(uint32_t capacity, PoolPolicy policy = PoolPolicy::Fail, bool debug_fill = false) {
        TessPool *raw = nullptr;
        check(tess_pool_new(static_cast<uint32_t>(sizeof(T)), static_cast<uint32_t>(alignof(T)), capacity,
                            static_cast<uint32_t>(policy), debug_fill ? TESS_POOL_FLAG_DEBUG_FILL : 0u, &raw));
        pool_ = Owned<TessPool, tess_pool_free>(raw);
    }
    Pool(Pool &&) noexcept = default;
    Pool &operator=(Pool &&other) noexcept {
        if (this != &other) {
            destroy_all();
            pool_ = std::move(other.pool_);
        }
        return *this;
    }
    ~Pool() { destroy_all(); }

    /// Constructs a T from `args` in a free slot and returns its handle. When an
    /// EvictOldest pool is full, the oldest object is destroyed first and its
    /// handle stored in `*evicted` (0 when nothing was evicted).
    template <typename... Args>
    Handle emplace_evicting(Handle *evicted, Args &&...args) {
        Handle h = 0, old = 0;
        void *slot = nullptr;
        check(tess_pool_alloc(pool_.get(), &h, &slot, &old));
        if (old != 0) static_cast<T *>(slot)->~T();
        if (evicted) *evicted = old;
        try {
            ::new (slot) T(std::forward<Args>(args)...);
        } catch (...) {
            tess_pool_free_item(pool_.get(), h);
            throw;
        }
        return h;
    }

    /// Constructs a T from `args`; see emplace_evicting.
    template <typename... Args>
    Handle emplace(Args &&...args) {
        return emplace_evicting(nullptr, std::forward<Args>(args)...);
    }

    /// Moves `value` into the pool.
    Handle alloc(T value) { return emplace(std::move(value)); }

    /// The object behind `h`, or nullptr for a stale, freed or foreign handle.
    T *get(Handle h) const noexcept {
        void *p = nullptr;
        return tess_status_succeeded(tess_pool_get(pool_.get(), h, &p)) ? static_cast<T *>(p) : nullptr;
    }

    /// The object behind `h`; throws tess::Error (TESS_STALE_HANDLE) for a stale handle.
    T &at(Handle h) const {
        void *p = nullptr;
        check(tess_pool_get(pool_.get(), h, &p));
        return *static_cast<T *>(p);
    }

    /// Destroys the object behind `h` and frees its slot; throws on a stale handle (double free).
    void free(Handle h) {
        T &object = at(h);
        object.~T();
        check(tess_pool_free_item(pool_.get(), h));
    }

    /// Live objects.
    uint32_t size() const {
        uint32_t n = 0;
        check(tess_pool_live_count(pool_.get(), &n));
        return n;
    }

    /// Capacity, live count, high-water mark, element size, evictions.
    TessPoolStats stats() const {
        TessPoolStats s{};
        check(tess_pool_stats(pool_.get(), &s));
        return s;
    }

    /// Live handles in slot order.
    std::vector<Handle> handles() const {
        std::vector<Handle> out(size());
        uint32_t n = 0;
        for (;;) {
            TessStatus s = check(tess_pool_live_handles(pool_.get(), out.data(), static_cast<uint32_t>(out.size()), &n));
            if (!tess_status_has_detail(s, TESS_BUFFER_TOO_SMALL)) break;
            out.resize(n);
        }
        out.resize(n);
        return out;
    }

    /// Calls `f(handle, object)` for every live object in slot order.
    template <typename F>
    void for_each(F &&f) {
        for (Handle h : handles()) f(h, *get(h));
    }

    /// Destroys every object; every handle becomes stale.
    void clear() {
        destroy_live();
        check(tess_pool_clear(pool_.get()));
    }

    const TessPool *raw() const noexcept { return pool_.get(); }

private:
    void destroy_live() {
        if constexpr (!std::is_trivially_destructible_v<T>) {
            for (Handle h : handles()) get(h)->~T();
        }
    }
    void destroy_all() noexcept {
        if (!pool_) return;
        try {
            destroy_live();
        } catch (...) {
        }
        pool_.reset();
    }

    Owned<TessPool, tess_pool_free> pool_;
};

}  // namespace tess
