// tessera C++17 wrapper: errors and the status check shared by every subsystem header.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "tessera.h"

namespace tess {

/// A failed tessera call: the status word and the library's message.
class Error : public std::runtime_error {
public:
    Error(TessStatus status, const std::string &message) : std::runtime_error(message), status_(status) {}
    /// Full status word (TESS_FAILURE plus detail bits).
    TessStatus status() const noexcept { return status_; }
    /// True when the status carries `detail`.
    bool has(TessStatus detail) const noexcept { return tess_status_has_detail(status_, detail) != 0; }

private:
    TessStatus status_;
};

/// This thread's last error message.
inline std::string last_error_message() {
    std::string text(tess_last_error_message(nullptr, 0), '\0');
    if (!text.empty()) tess_last_error_message(&text[0], text.size() + 1);
    return text;
}

/// Throws tess::Error when `status` is a failure; returns it otherwise (success may carry detail bits).
inline TessStatus check(TessStatus status) {
    if (tess_status_failed(status)) {
        throw Error(status, std::string(tess_status_str(status)) + ": " + last_error_message());
    }
    return status;
}

/// Move-only owner of a C object freed by `Free`.
template <typename T, void (*Free)(T *)>
class Owned {
public:
    Owned() noexcept = default;
    explicit Owned(T *raw) noexcept : raw_(raw) {}
    Owned(const Owned &) = delete;
    Owned &operator=(const Owned &) = delete;
    Owned(Owned &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    Owned &operator=(Owned &&other) noexcept {
        if (this != &other) {
            reset();
            raw_ = std::exchange(other.raw_, nullptr);
        }
        return *this;
    }
    ~Owned() { reset(); }
    void reset() noexcept {
        if (raw_) Free(raw_);
        raw_ = nullptr;
    }
    T *get() const noexcept { return raw_; }
    explicit operator bool() const noexcept { return raw_ != nullptr; }

private:
    T *raw_ = nullptr;
};

}  // namespace tess
