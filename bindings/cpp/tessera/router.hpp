// tessera C++17 wrapper: the message router (cross-process dispatch over Unix or loopback TCP sockets).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core.hpp"

namespace tess {

/// A received message.
struct RouterMessage {
    uint16_t command = 0;  ///< type << 8 | detail
    uint8_t flags = 0;     ///< application flags
    uint8_t kind = 0;      ///< TESS_ROUTER_UNICAST / _MULTICAST / _BROADCAST
    bool relayed = false;  ///< forwarded for a migrated target
    uint64_t seq = 0;      ///< sender's message sequence
    std::string source;    ///< sender's server id
    std::string destination;
    std::vector<uint8_t> payload;
};

/// Owner of a TessRouter. Any thread may call any method (order is kept per sending thread);
/// messages are taken by poll()/recv(), never delivered by callback.
class Router {
public:
    explicit Router(const std::string &server_id, const TessRouterConfig *config = nullptr) {
        TessRouter *raw = nullptr;
        check(tess_router_new(server_id.c_str(), config, &raw));
        raw_ = Owned<TessRouter, tess_router_free>(raw);
    }

    /// Listens on `unix:PATH` or loopback `tcp:IP:PORT`; returns the bound address.
    std::string listen(const std::string &address) {
        char buf[256];
        uint32_t len = 0;
        check(tess_router_listen(raw_.get(), address.c_str(), buf, sizeof buf, &len));
        return std::string(buf);
    }
    void connect(const std::string &peer_id, const std::string &address) {
        check(tess_router_connect(raw_.get(), peer_id.c_str(), address.c_str()));
    }
    void add_anchor(const std::string &prefix, const std::string &peer_id) {
        check(tess_router_add_anchor(raw_.get(), prefix.c_str(), peer_id.c_str()));
    }
    void remove_anchor(const std::string &prefix) { check(tess_router_remove_anchor(raw_.get(), prefix.c_str())); }

    /// Sends; throws tess::Error (TESS_NO_ROUTE, TESS_FULL, ...). See try_send for backpressure.
    void send(const std::string &destination, uint16_t command, const void *data, size_t len, uint8_t flags = 0) {
        check(try_send(destination, command, data, len, flags));
    }
    void send(const std::string &destination, uint16_t command, const std::vector<uint8_t> &data, uint8_t flags = 0) {
        send(destination, command, data.data(), data.size(), flags);
    }
    /// Sends without throwing; returns the status (TESS_FAILURE | TESS_FULL means retry later).
    TessStatus try_send(const std::string &destination, uint16_t command, const void *data, size_t len, uint8_t flags = 0) {
        return tess_router_send(raw_.get(), destination.c_str(), command, flags, static_cast<const uint8_t *>(data),
                                static_cast<uint32_t>(len));
    }
    /// One payload to several destinations, serialised once.
    void multicast(const std::vector<std::string> &destinations, uint16_t command, const void *data, size_t len,
                   uint8_t flags = 0) {
        std::string list;
        for (const auto &d : destinations) {
            if (!list.empty()) list += '\n';
            list += d;
        }
        check(tess_router_multicast(raw_.get(), list.c_str(), command, flags, static_cast<const uint8_t *>(data),
                                    static_cast<uint32_t>(len)));
    }
    void join(const std::string &group) { check(tess_router_join(raw_.get(), group.c_str())); }
    void leave(const std::string &group) { check(tess_router_leave(raw_.get(), group.c_str())); }
    void broadcast(const std::string &group, uint16_t command, const void *data, size_t len, uint8_t flags = 0) {
        check(tess_router_broadcast(raw_.get(), group.c_str(), command, flags, static_cast<const uint8_t *>(data),
                                    static_cast<uint32_t>(len)));
    }
    void begin_migration(const std::string &target) { check(tess_router_begin_migration(raw_.get(), target.c_str())); }
    void end_migration(const std::string &target, const std::string &new_home) {
        check(tess_router_end_migration(raw_.get(), target.c_str(), new_home.c_str()));
    }
    void adopt(const std::string &target) { check(tess_router_adopt(raw_.get(), target.c_str())); }

    /// The next message, or nothing; never blocks.
    std::optional<RouterMessage> poll() { return take(false, 0); }
    /// The next message, waiting up to `timeout`.
    std::optional<RouterMessage> recv(std::chrono::milliseconds timeout) {
        return take(true, static_cast<uint32_t>(timeout.count()));
    }
    /// Up to `max` waiting messages in one call (for draining the queue each frame); never blocks.
    std::vector<RouterMessage> poll_many(size_t max) { return take_many(false, 0, max); }
    /// Up to `max` messages, waiting up to `timeout` for the first.
    std::vector<RouterMessage> recv_many(std::chrono::milliseconds timeout, size_t max) {
        return take_many(true, static_cast<uint32_t>(timeout.count()), max);
    }
    /// Waits until every own message sent to peers is acknowledged (throws TESS_TIMEOUT).
    void flush(std::chrono::milliseconds timeout) {
        check(tess_router_flush(raw_.get(), static_cast<uint32_t>(timeout.count())));
    }
    uint32_t peer_state(const std::string &peer_id) {
        uint32_t state = 0;
        check(tess_router_peer_state(raw_.get(), peer_id.c_str(), &state));
        return state;
    }
    TessRouterStats stats() {
        TessRouterStats s{};
        check(tess_router_stats(raw_.get(), &s));
        return s;
    }
    std::string log() {
        uint32_t len = 0;
        check(tess_router_log(raw_.get(), nullptr, 0, &len));
        std::string text(len, '\0');
        check(tess_router_log(raw_.get(), &text[0], len, &len));
        text.resize(len ? len - 1 : 0);
        return text;
    }
    TessRouter *get() const noexcept { return raw_.get(); }

private:
    /// One message: the many-per-call path with room for one.
    std::optional<RouterMessage> take(bool blocking, uint32_t timeout_ms) {
        auto messages = take_many(blocking, timeout_ms, 1);
        if (messages.empty()) return std::nullopt;
        return std::move(messages.front());
    }

    std::vector<RouterMessage> take_many(bool blocking, uint32_t timeout_ms, size_t max) {
        std::vector<RouterMessage> out;
        if (max == 0) return out;
        // Receive buffers, one set per thread: any thread may receive, and
        // the messages are copied out before the call returns.
        static thread_local std::vector<TessRouterMessage> infos;
        static thread_local std::vector<uint8_t> buf;
        infos.resize(max);
        if (buf.size() < 64 * 1024) buf.resize(64 * 1024);
        for (int attempt = 0; attempt < 2; attempt++) {
            uint32_t count = 0, len = 0;
            const auto cap = static_cast<uint32_t>(buf.size());
            const auto n = static_cast<uint32_t>(max);
            TessStatus st = blocking ? tess_router_recv_many(raw_.get(), timeout_ms, infos.data(), n, buf.data(),
                                                             cap, &count, &len)
                                     : tess_router_poll_many(raw_.get(), infos.data(), n, buf.data(), cap, &count,
                                                             &len);
            check(st);
            if (st & (TESS_WOULD_BLOCK | TESS_TIMEOUT)) return out;
            if (st & TESS_BUFFER_TOO_SMALL) {
                buf.resize(len);  // the first message stays queued: take it again
                blocking = false;
                continue;
            }
            // Payloads lie back to back in the order of the headers.
            size_t offset = 0;
            out.reserve(count);
            for (uint32_t k = 0; k < count; k++) {
                out.push_back(to_message(infos[k], buf.data() + offset));
                offset += infos[k].payload_len;
            }
            return out;
        }
        return out;
    }

    static RouterMessage to_message(const TessRouterMessage &info, const uint8_t *payload) {
        RouterMessage m;
        m.command = info.command;
        m.flags = info.flags;
        m.kind = info.kind;
        m.relayed = info.relayed != 0;
        m.seq = info.seq;
        m.source = reinterpret_cast<const char *>(info.source);
        m.destination = reinterpret_cast<const char *>(info.destination);
        m.payload.assign(payload, payload + info.payload_len);
        return m;
    }

    Owned<TessRouter, tess_router_free> raw_;
};

}  // namespace tess
