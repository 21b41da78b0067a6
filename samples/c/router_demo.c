/* The message router from C, in one process: two routers over a Unix socket. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tessera.h"

int main(void) {
    char address[96];
    char text[64];
    uint32_t len = 0;
    TessRouter *zone = NULL, *lobby = NULL;
    TessRouterMessage info;
    TessStatus st;
    snprintf(address, sizeof address, "unix:/tmp/tess-router-c-demo-%ld.sock", (long)getpid());
    if (tess_router_new("zone", NULL, &zone) != TESS_SUCCESS || tess_router_new("lobby", NULL, &lobby) != TESS_SUCCESS) return 1;
    if (tess_router_listen(zone, address, NULL, 0, &len) & TESS_FAILURE) return 1;
    if (tess_router_connect(lobby, "zone", address) != TESS_SUCCESS) return 1;
    tess_router_send(lobby, "zone::npc1", 0x0101, 0, (const uint8_t *)"open the gate", 13);
    st = tess_router_recv(zone, 5000, &info, (uint8_t *)text, sizeof text - 1, &len);
    if (st != TESS_SUCCESS) return 1;
    text[len] = '\0';
    printf("zone got 0x%04x for %s from %s: %s\n", info.command, (const char *)info.destination,
           (const char *)info.source, text);
    st = tess_router_send(lobby, "mars::rover", 1, 0, NULL, 0);
    printf("send to mars::rover: %s\n", tess_status_str(st));
    tess_router_free(lobby);
    tess_router_free(zone);
    return 0;
}
