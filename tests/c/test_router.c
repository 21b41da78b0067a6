/* Router host test: two routers in this process talking over a real Unix socket, a fuzzing
 * client that writes malformed and random bytes to the listening socket, and every bad input
 * of the router API with its exact status. Runs under valgrind. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "tessera.h"

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static TessRouter *make(const char *id, const TessRouterConfig *config) {
    TessRouter *r = NULL;
    CHECK_STATUS(tess_router_new(id, config, &r), TESS_SUCCESS);
    return r;
}

/* xorshift for the fuzzing bytes: deterministic, independent of the library. */
static uint32_t fuzz_state = 2463534242u;
static uint32_t fuzz_next(void) {
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 17;
    fuzz_state ^= fuzz_state << 5;
    return fuzz_state;
}

/* Connects a raw client, writes `n` bytes, and reports whether the router closed the
 * connection (a read returns 0 or fails) within 10 s. */
static int fuzz_once(const char *path, const unsigned char *bytes, size_t n) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    struct timeval tv = {10, 0};
    char sink[64];
    ssize_t got;
    if (fd < 0) return 0;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return 0;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (send(fd, bytes, n, MSG_NOSIGNAL) < 0) {
        close(fd);
        return 1; /* already closed by the router */
    }
    got = recv(fd, sink, sizeof sink, 0);
    close(fd);
    return got <= 0;
}

static void put_u16(unsigned char *p, unsigned v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put_u32(unsigned char *p, uint32_t v) {
    put_u16(p, v & 0xffff);
    put_u16(p + 2, v >> 16);
}

int main(void) {
    char sock_path[96];
    char address[128];
    char bound[128];
    uint32_t len = 0;
    TessRouterConfig config;
    TessRouter *a, *b;
    TessRouterMessage info;
    unsigned char payload[64];
    unsigned char buf[64];
    int i;

    snprintf(sock_path, sizeof sock_path, "/tmp/tess-router-c-%ld.sock", (long)getpid());
    snprintf(address, sizeof address, "unix:%s", sock_path);

    CHECK_STATUS(tess_router_config_default(&config), TESS_SUCCESS);
    CHECK(config.max_payload == 65536);
    config.max_payload = 64;
    config.reconnect_attempts = 3;
    config.reconnect_interval_ms = 5;

    /* NULL and invalid handles / parameters. */
    CHECK_STATUS(tess_router_new(NULL, NULL, &a), TESS_FAILURE | TESS_NULL_PARAM);
    CHECK_STATUS(tess_router_new("x", NULL, NULL), TESS_FAILURE | TESS_NULL_PARAM);
    CHECK_STATUS(tess_router_new("has::colons", NULL, &a), TESS_FAILURE | TESS_INVALID_PARAM);
    CHECK(a == NULL);
    CHECK_STATUS(tess_router_send(NULL, "a::x", 1, 0, NULL, 0), TESS_FAILURE | TESS_NULL_PARAM);
    CHECK_STATUS(tess_router_send((TessRouter *)payload, "a::x", 1, 0, NULL, 0), TESS_FAILURE | TESS_STALE_HANDLE);
    tess_router_free(NULL);

    a = make("a", &config);
    b = make("b", &config);
    CHECK_STATUS(tess_router_listen(a, address, bound, sizeof bound, &len), TESS_SUCCESS);
    CHECK(strcmp(bound, address) == 0 && len == strlen(address) + 1);
    /* Address in use. */
    CHECK_STATUS(tess_router_listen(b, address, NULL, 0, &len), TESS_FAILURE | TESS_ALREADY_EXISTS | TESS_IO_ERROR);
    /* Nothing listening there. */
    CHECK_STATUS(tess_router_connect(b, "a", "unix:/tmp/tess-router-c-nobody.sock"), TESS_FAILURE | TESS_IO_ERROR);
    CHECK_STATUS(tess_router_connect(b, "a", address), TESS_SUCCESS);

    /* Unknown destination, payload over the maximum. */
    memset(payload, 0, sizeof payload);
    CHECK_STATUS(tess_router_send(b, "mars::rover", 1, 0, payload, 4), TESS_FAILURE | TESS_NO_ROUTE);
    CHECK_STATUS(tess_router_send(b, "a::x", 1, 0, payload, 65), TESS_FAILURE | TESS_INVALID_PARAM);
    CHECK_STATUS(tess_router_send(b, "a::x", 1, 0, NULL, 3), TESS_FAILURE | TESS_NULL_PARAM);

    /* A stream of 1000 messages arrives complete and in order. */
    for (i = 0; i < 1000; i++) {
        TessStatus st;
        memcpy(payload, &i, sizeof i);
        do {
            st = tess_router_send(b, "a::stream", 0x0201, 3, payload, sizeof payload);
        } while (st == (TESS_FAILURE | TESS_FULL));
        if (st != TESS_SUCCESS) break;
    }
    CHECK(i == 1000);
    {
        /* The first half one per call, the rest many per call (payloads back to back). */
        static TessRouterMessage infos[16];
        static uint8_t payloads[16 * 64];
        uint32_t none = 0;
        int next = 0, ok = 1;
        while (next < 500) {
            TessStatus st = tess_router_recv(a, 10000, &info, buf, sizeof buf, &len);
            int value;
            if (st != TESS_SUCCESS) {
                ok = 0;
                break;
            }
            memcpy(&value, buf, sizeof value);
            ok &= value == next && len == 64 && info.command == 0x0201 && info.flags == 3;
            ok &= strcmp((const char *)info.source, "b") == 0 && strcmp((const char *)info.destination, "a::stream") == 0;
            next++;
        }
        while (ok && next < 1000) {
            uint32_t count = 0, k;
            TessStatus st = tess_router_recv_many(a, 10000, infos, 16, payloads, sizeof payloads, &count, &len);
            ok &= st == TESS_SUCCESS && count >= 1 && count <= 16 && len == count * 64;
            for (k = 0; ok && k < count; k++) {
                int value;
                memcpy(&value, payloads + k * 64, sizeof value);
                ok &= value == next && infos[k].payload_len == 64 && infos[k].command == 0x0201;
                ok &= strcmp((const char *)infos[k].destination, "a::stream") == 0;
                next++;
            }
        }
        CHECK(ok && next == 1000);
        CHECK_STATUS(tess_router_poll_many(a, infos, 16, payloads, sizeof payloads, &none, &len), TESS_SUCCESS | TESS_WOULD_BLOCK);
        CHECK(none == 0);
        CHECK_STATUS(tess_router_poll_many(a, infos, 0, payloads, sizeof payloads, &none, &len), TESS_FAILURE | TESS_INVALID_PARAM);
    }
    CHECK_STATUS(tess_router_poll(a, &info, buf, sizeof buf, &len), TESS_SUCCESS | TESS_WOULD_BLOCK);
    CHECK_STATUS(tess_router_recv(a, 1, &info, buf, sizeof buf, &len), TESS_SUCCESS | TESS_TIMEOUT);

    /* Small buffer: the message stays queued. */
    CHECK_STATUS(tess_router_send(a, "a::self", 7, 0, payload, 10), TESS_SUCCESS);
    CHECK_STATUS(tess_router_poll(a, &info, buf, 2, &len), TESS_SUCCESS | TESS_BUFFER_TOO_SMALL);
    CHECK(len == 10);
    CHECK_STATUS(tess_router_poll(a, &info, buf, sizeof buf, &len), TESS_SUCCESS);
    CHECK(len == 10 && info.command == 7);

    /* The fuzzing client: random bytes, then well-formed headers with one bad field each. */
    for (i = 0; i < 20; i++) {
        unsigned char junk[512];
        size_t n = 8 + fuzz_next() % (sizeof junk - 8), k;
        for (k = 0; k < n; k++) junk[k] = (unsigned char)fuzz_next();
        CHECK(fuzz_once(sock_path, junk, n));
    }
    {
        unsigned char frame[40];
        memset(frame, 0, sizeof frame);
        put_u32(frame, 28 + 4); /* length: header + a 4-byte source */
        frame[4] = 0x54;        /* magic */
        frame[5] = 3;           /* HELLO */
        put_u16(frame + 8, 1);  /* protocol version */
        put_u16(frame + 10, 4);
        frame[24] = 1; /* session */
        memcpy(frame + 32, "fuzz", 4);
        frame[14] = 1; /* reserved field set */
        CHECK(fuzz_once(sock_path, frame, 36));
        frame[14] = 0;
        put_u16(frame + 8, 99); /* wrong protocol version */
        CHECK(fuzz_once(sock_path, frame, 36));
        put_u16(frame + 8, 1);
        frame[5] = 1; /* DATA before HELLO */
        CHECK(fuzz_once(sock_path, frame, 36));
        put_u32(frame, 0x7fffffff); /* absurd length */
        CHECK(fuzz_once(sock_path, frame, 36));
    }
    {
        TessRouterStats stats;
        char log[4096];
        CHECK_STATUS(tess_router_stats(a, &stats), TESS_SUCCESS);
        CHECK(stats.malformed_closed >= 24);
        CHECK(stats.lost == 0 && stats.duplicates_dropped == 0);
        CHECK(tess_status_succeeded(tess_router_log(a, log, sizeof log, &len)));
        CHECK(strstr(log, "malformed frame") != NULL || strstr(log, "bad magic") != NULL);
    }
    /* The router still works for its real peer. */
    CHECK_STATUS(tess_router_send(b, "a::after", 1, 0, payload, 1), TESS_SUCCESS);
    CHECK_STATUS(tess_router_recv(a, 10000, &info, buf, sizeof buf, &len), TESS_SUCCESS);
    CHECK(strcmp((const char *)info.destination, "a::after") == 0);

    /* Multicast and broadcast. */
    CHECK_STATUS(tess_router_multicast(b, "a::m1\nb::m2\na::m3", 0x0300, 0, payload, 5), TESS_SUCCESS);
    CHECK_STATUS(tess_router_multicast(b, "a::m1\nnowhere::m2", 0x0300, 0, payload, 5), TESS_FAILURE | TESS_NO_ROUTE);
    CHECK_STATUS(tess_router_recv(b, 10000, &info, buf, sizeof buf, &len), TESS_SUCCESS);
    CHECK(strcmp((const char *)info.destination, "b::m2") == 0 && info.kind == TESS_ROUTER_MULTICAST);
    CHECK_STATUS(tess_router_recv(a, 10000, &info, buf, sizeof buf, &len), TESS_SUCCESS);
    CHECK(strcmp((const char *)info.destination, "a::m1") == 0);
    CHECK_STATUS(tess_router_recv(a, 10000, &info, buf, sizeof buf, &len), TESS_SUCCESS);
    CHECK(strcmp((const char *)info.destination, "a::m3") == 0);
    CHECK_STATUS(tess_router_join(a, "news"), TESS_SUCCESS);
    CHECK_STATUS(tess_router_join(a, "news"), TESS_FAILURE | TESS_ALREADY_EXISTS);
    CHECK_STATUS(tess_router_broadcast(b, "news", 0x0400, 0, payload, 2), TESS_SUCCESS);
    CHECK_STATUS(tess_router_recv(a, 10000, &info, buf, sizeof buf, &len), TESS_SUCCESS);
    CHECK(strcmp((const char *)info.destination, "news") == 0 && info.kind == TESS_ROUTER_BROADCAST);
    CHECK_STATUS(tess_router_leave(a, "news"), TESS_SUCCESS);
    CHECK_STATUS(tess_router_leave(a, "news"), TESS_FAILURE | TESS_NOT_FOUND);

    /* Migration state errors. */
    CHECK_STATUS(tess_router_end_migration(a, "a::npc", "b"), TESS_FAILURE | TESS_WRONG_STATE);
    CHECK_STATUS(tess_router_begin_migration(a, "a::npc"), TESS_SUCCESS);
    CHECK_STATUS(tess_router_begin_migration(a, "a::npc"), TESS_FAILURE | TESS_WRONG_STATE);
    CHECK_STATUS(tess_router_end_migration(a, "a::npc", "nobody"), TESS_FAILURE | TESS_NOT_FOUND);
    CHECK_STATUS(tess_router_end_migration(a, "a::npc", "b"), TESS_SUCCESS);

    /* Peer gone: a disappears; b's redials fail and it gives up. */
    CHECK_STATUS(tess_router_flush(b, 10000), TESS_SUCCESS);
    tess_router_free(a);
    {
        uint32_t state = 0;
        int tries;
        for (tries = 0; tries < 2000; tries++) {
            if (tess_router_peer_state(b, "a", &state) != TESS_SUCCESS || state == TESS_ROUTER_PEER_GONE) break;
            sleep_ms(5);
        }
        CHECK(state == TESS_ROUTER_PEER_GONE);
    }
    CHECK_STATUS(tess_router_send(b, "a::x", 1, 0, payload, 1), TESS_FAILURE | TESS_IO_ERROR);
    CHECK_STATUS(tess_router_send(a, "a::x", 1, 0, payload, 1), TESS_FAILURE | TESS_STALE_HANDLE);
    tess_router_free(a); /* double free: ignored */
    tess_router_free(b);
    return check_summary();
}
