/* Pool host test: raw-slot pools from C, every bad input with its exact status, valgrind-clean. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "tessera.h"

typedef struct Particle {
    float pos[3];
    float vel[3];
    uint32_t id;
    uint32_t pad;
} Particle;

#define STALE FAILED_WITH(TESS_STALE_HANDLE)
#define INVALID FAILED_WITH(TESS_INVALID_PARAM)
#define NULLP FAILED_WITH(TESS_NULL_PARAM)

static TessPool *make(uint32_t size, uint32_t align, uint32_t cap, uint32_t policy, uint32_t flags) {
    TessPool *pool = NULL;
    CHECK_STATUS(tess_pool_new(size, align, cap, policy, flags, &pool), TESS_SUCCESS);
    return pool;
}

static void bad_creation(void) {
    TessPool *pool = (TessPool *)&pool; /* must be reset to NULL */
    CHECK_STATUS(tess_pool_new(0, 8, 4, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK(pool == NULL);
    CHECK_STATUS(tess_pool_new(TESS_POOL_MAX_ELEM_SIZE + 1, 8, 4, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(UINT32_MAX, 8, 4, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 3, 4, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 0, 4, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 24, 4, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, TESS_POOL_MAX_ALIGN * 2, 4, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 8, 0, TESS_POOL_FAIL, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 8, 0, TESS_POOL_EVICT_OLDEST, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 8, TESS_POOL_MAX_CAPACITY + 1, TESS_POOL_GROW, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 8, 4, 7, 0, &pool), INVALID);
    CHECK_STATUS(tess_pool_new(16, 8, 4, TESS_POOL_FAIL, 0x80, &pool), INVALID);
    CHECK(pool == NULL);
    CHECK_STATUS(tess_pool_new(16, 8, 4, TESS_POOL_FAIL, 0, NULL), NULLP);
    char message[256];
    tess_pool_new(16, 3, 4, TESS_POOL_FAIL, 0, &pool);
    tess_last_error_message(message, sizeof message);
    CHECK(strstr(message, "elem_align") != NULL);
}

static void null_pool(void) {
    uint64_t h = 0;
    uint32_t n = 0;
    void *ptr = NULL;
    TessPoolStats stats;
    CHECK_STATUS(tess_pool_alloc(NULL, &h, &ptr, NULL), NULLP);
    CHECK_STATUS(tess_pool_get(NULL, 1ull << 32, &ptr), NULLP);
    CHECK_STATUS(tess_pool_free_item(NULL, 1ull << 32), NULLP);
    CHECK_STATUS(tess_pool_live_count(NULL, &n), NULLP);
    CHECK_STATUS(tess_pool_live_handles(NULL, NULL, 0, &n), NULLP);
    CHECK_STATUS(tess_pool_stats(NULL, &stats), NULLP);
    CHECK_STATUS(tess_pool_clear(NULL), NULLP);
    tess_pool_free(NULL); /* no-op */

    TessPool *pool = make(16, 8, 2, TESS_POOL_FAIL, 0);
    CHECK_STATUS(tess_pool_alloc(pool, NULL, &ptr, NULL), NULLP);
    CHECK_STATUS(tess_pool_get(pool, 1ull << 32, NULL), NULLP);
    CHECK_STATUS(tess_pool_live_count(pool, NULL), NULLP);
    CHECK_STATUS(tess_pool_live_handles(pool, NULL, 3, &n), NULLP);
    CHECK_STATUS(tess_pool_live_handles(pool, NULL, 0, NULL), NULLP);
    CHECK_STATUS(tess_pool_stats(pool, NULL), NULLP);
    tess_pool_free(pool);
    /* A freed pool pointer is stale, never dereferenced; freeing it again is ignored. */
    CHECK_STATUS(tess_pool_live_count(pool, &n), STALE);
    tess_pool_free(pool);
}

static void particles(void) {
    TessPool *pool = make(sizeof(Particle), _Alignof(Particle), 64, TESS_POOL_FAIL, 0);
    uint64_t handles[64];
    for (uint32_t i = 0; i < 64; i++) {
        void *ptr = NULL;
        uint64_t evicted = 1;
        CHECK_STATUS(tess_pool_alloc(pool, &handles[i], &ptr, &evicted), TESS_SUCCESS);
        CHECK(evicted == 0);
        CHECK(((uintptr_t)ptr % _Alignof(Particle)) == 0);
        Particle *p = ptr;
        CHECK(p->id == 0); /* a never-used slot is zeroed */
        p->id = i;
        p->pos[1] = (float)i;
    }
    uint64_t extra = 7;
    CHECK_STATUS(tess_pool_alloc(pool, &extra, NULL, NULL), FAILED_WITH(TESS_FULL));
    CHECK(extra == 0);
    /* Free the odd ones; the even ones keep their data. */
    for (uint32_t i = 1; i < 64; i += 2) CHECK_STATUS(tess_pool_free_item(pool, handles[i]), TESS_SUCCESS);
    uint32_t live = 0;
    CHECK_STATUS(tess_pool_live_count(pool, &live), TESS_SUCCESS);
    CHECK(live == 32);
    for (uint32_t i = 0; i < 64; i++) {
        void *ptr = NULL;
        if (i % 2 == 0) {
            CHECK_STATUS(tess_pool_get(pool, handles[i], &ptr), TESS_SUCCESS);
            CHECK(((Particle *)ptr)->id == i);
        } else {
            CHECK_STATUS(tess_pool_get(pool, handles[i], &ptr), STALE); /* stale */
            CHECK(ptr == NULL);
            CHECK_STATUS(tess_pool_free_item(pool, handles[i]), STALE); /* double free */
        }
    }
    /* Live handles in slot order, truncated and full. */
    uint64_t out[40];
    uint32_t n = 0;
    CHECK_STATUS(tess_pool_live_handles(pool, NULL, 0, &n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    CHECK(n == 32);
    CHECK_STATUS(tess_pool_live_handles(pool, out, 10, &n), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    CHECK(n == 32 && out[9] == handles[18]);
    CHECK_STATUS(tess_pool_live_handles(pool, out, 40, &n), TESS_SUCCESS);
    int in_order = n == 32;
    for (uint32_t k = 0; k < 32 && in_order; k++) in_order = out[k] == handles[2 * k];
    CHECK(in_order);
    TessPoolStats stats;
    CHECK_STATUS(tess_pool_stats(pool, &stats), TESS_SUCCESS);
    CHECK(stats.capacity == 64 && stats.live == 32 && stats.high_water == 64 && stats.evictions == 0);
    CHECK(stats.elem_size == sizeof(Particle));
    void *ptr = NULL;
    CHECK_STATUS(tess_pool_get(pool, 0, &ptr), STALE); /* 0 names nothing */
    CHECK_STATUS(tess_pool_clear(pool), TESS_SUCCESS);
    CHECK_STATUS(tess_pool_get(pool, handles[0], &ptr), STALE);
    tess_pool_free(pool);
}

static void foreign_handles(void) {
    TessPool *a = make(8, 8, 4, TESS_POOL_FAIL, 0);
    TessPool *b = make(8, 8, 4, TESS_POOL_FAIL, 0);
    uint64_t ha = 0, hb = 0;
    CHECK_STATUS(tess_pool_alloc(a, &ha, NULL, NULL), TESS_SUCCESS);
    CHECK_STATUS(tess_pool_alloc(b, &hb, NULL, NULL), TESS_SUCCESS);
    CHECK(ha != hb); /* same slot and generation, different pool tags */
    void *ptr = NULL;
    CHECK_STATUS(tess_pool_get(b, ha, &ptr), STALE);
    CHECK_STATUS(tess_pool_free_item(a, hb), STALE);
    char message[256];
    tess_last_error_message(message, sizeof message);
    CHECK(strstr(message, "another pool") != NULL);
    CHECK_STATUS(tess_pool_get(a, ha, &ptr), TESS_SUCCESS);
    tess_pool_free(a);
    tess_pool_free(b);
}

static void grow_and_evict(void) {
    TessPool *grow = make(sizeof(double), 8, 0, TESS_POOL_GROW, 0);
    uint64_t handles[1000];
    double *ptrs[1000];
    for (int i = 0; i < 1000; i++) {
        CHECK_STATUS(tess_pool_alloc(grow, &handles[i], (void **)&ptrs[i], NULL), TESS_SUCCESS);
        *ptrs[i] = i * 0.5;
    }
    int stable = 1;
    for (int i = 0; i < 1000; i++) {
        void *now = NULL;
        tess_pool_get(grow, handles[i], &now);
        stable = stable && now == ptrs[i] && *ptrs[i] == i * 0.5;
    }
    CHECK(stable); /* growing never moves elements */
    tess_pool_free(grow);

    TessPool *ring = make(sizeof(uint32_t), 4, 3, TESS_POOL_EVICT_OLDEST, 0);
    uint64_t h[5];
    for (uint32_t i = 0; i < 5; i++) {
        uint32_t *p = NULL;
        uint64_t evicted = 0;
        CHECK_STATUS(tess_pool_alloc(ring, &h[i], (void **)&p, &evicted), TESS_SUCCESS);
        if (i < 3) {
            CHECK(evicted == 0);
        } else {
            CHECK(evicted == h[i - 3]);   /* the oldest goes first */
            CHECK(*p == 100 + (i - 3));   /* its bytes are still there for clean-up */
        }
        *p = 100 + i;
    }
    void *ptr = NULL;
    CHECK_STATUS(tess_pool_get(ring, h[0], &ptr), STALE);
    CHECK_STATUS(tess_pool_get(ring, h[4], &ptr), TESS_SUCCESS);
    TessPoolStats stats;
    tess_pool_stats(ring, &stats);
    CHECK(stats.evictions == 2 && stats.live == 3);
    tess_pool_free(ring);
}

static void debug_fill(void) {
    TessPool *pool = make(32, 16, 2, TESS_POOL_FAIL, TESS_POOL_FLAG_DEBUG_FILL);
    uint64_t h = 0;
    unsigned char *p = NULL;
    CHECK_STATUS(tess_pool_alloc(pool, &h, (void **)&p, NULL), TESS_SUCCESS);
    memset(p, 0x42, 32);
    CHECK_STATUS(tess_pool_free_item(pool, h), TESS_SUCCESS);
    int filled = 1;
    for (int i = 4; i < 32; i++) filled = filled && p[i] == 0xDD; /* bytes 0..3: free-list link */
    CHECK(filled);
    tess_pool_free(pool);
}

int main(void) {
    bad_creation();
    null_pool();
    particles();
    foreign_handles();
    grow_and_evict();
    debug_fill();
    return check_summary();
}
