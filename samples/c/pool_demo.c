/* tessera from C: a particle pool with generation-checked handles. */
#include <stdio.h>

#include "tessera.h"

typedef struct Particle {
    float x, y, vy;
    int ttl;
} Particle;

int main(void) {
    TessPool *pool = NULL;
    tess_pool_new(sizeof(Particle), _Alignof(Particle), 4, TESS_POOL_EVICT_OLDEST, 0, &pool);
    uint64_t handles[6];
    for (int i = 0; i < 6; i++) {
        Particle *p = NULL;
        uint64_t evicted = 0;
        tess_pool_alloc(pool, &handles[i], (void **)&p, &evicted);
        if (evicted) printf("spawn %d evicted the oldest particle 0x%016llx\n", i, (unsigned long long)evicted);
        *p = (Particle){(float)i, 0.0f, 1.0f, 3};
    }
    void *ptr = NULL;
    TessStatus s = tess_pool_get(pool, handles[0], &ptr);
    char message[256];
    tess_last_error_message(message, sizeof message);
    printf("old handle -> %s: %s\n", tess_status_str(s), message);
    uint64_t live[8];
    uint32_t n = 0;
    tess_pool_live_handles(pool, live, 8, &n);
    for (uint32_t k = 0; k < n; k++) {
        tess_pool_get(pool, live[k], &ptr);
        Particle *p = ptr;
        p->y += p->vy;
        printf("particle x=%.0f y=%.0f\n", p->x, p->y);
    }
    TessPoolStats stats;
    tess_pool_stats(pool, &stats);
    printf("capacity %u, live %u, high water %u, evictions %llu\n", stats.capacity, stats.live, stats.high_water,
           (unsigned long long)stats.evictions);
    tess_pool_free(pool);
    return 0;
}
