/* tessera from C: a spatial grid for an MMO zone. Players wander; one batch call per frame
 * moves them all, the AOI update says who came into and left whose view, and a pair scan
 * finds everyone within melee range of someone else. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tessera.h"

#define PLAYERS 2000

int main(void) {
    TessSpatialGrid *zone = NULL;
    if (tess_status_failed(tess_spatial_grid_new(0, 0, 1000, 1000, 25, &zone))) return 1;
    TessRng rng;
    tess_rng_seed(&rng, 7);
    static uint64_t ids[PLAYERS];
    static TessVec3 pos[PLAYERS];
    for (int i = 0; i < PLAYERS; i++) {
        float x, z;
        tess_rng_next_f32(&rng, &x);
        tess_rng_next_f32(&rng, &z);
        ids[i] = 100000 + (uint64_t)i;
        pos[i] = (TessVec3){x * 1000, 0, z * 1000};
        tess_spatial_grid_insert(zone, ids[i], pos[i].x, pos[i].z, 25.0f); /* sees 25 m around */
    }
    static TessIdPair enter[PLAYERS * 8], leave[PLAYERS * 8];
    for (int frame = 0; frame < 5; frame++) {
        for (int i = 0; i < PLAYERS; i++) {
            float dx, dz;
            tess_rng_next_f32(&rng, &dx);
            tess_rng_next_f32(&rng, &dz);
            pos[i].x += (dx - 0.5f) * 8;
            pos[i].z += (dz - 0.5f) * 8;
        }
        tess_spatial_grid_move_batch(zone, ids, pos, PLAYERS);
        uint32_t ne = 0, nl = 0;
        tess_spatial_grid_aoi_update(zone, enter, PLAYERS * 8, &ne, leave, PLAYERS * 8, &nl);
        printf("frame %d: %u came into view, %u left view\n", frame, ne, nl);
    }
    uint32_t npairs = 0;
    tess_spatial_grid_pairs_within(zone, 2.0f, NULL, 0, &npairs);
    printf("%u pairs of players stand within 2 m of each other\n", npairs);
    TessSpatialHit near[3];
    uint32_t k = 0;
    tess_spatial_grid_nearest(zone, 500, 500, INFINITY, near, 3, &k);
    for (uint32_t i = 0; i < k; i++)
        printf("near the centre: player %llu at %.1f m\n", (unsigned long long)near[i].id, sqrt(near[i].dist_sq));
    TessStatus s = tess_spatial_grid_move(zone, 42, 1, 1);
    char message[256];
    tess_last_error_message(message, sizeof message);
    printf("moving an unknown player -> %s: %s\n", tess_status_str(s), message);
    tess_spatial_grid_free(zone);
    return 0;
}
