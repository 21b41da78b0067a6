// Exception checks shared by the C++ host tests.
#pragma once

#include <string>
#include <utility>

#include "tessera/core.hpp"

/// The status `f` throws as tess::Error (TESS_SUCCESS when it does not throw); stores the message.
template <typename F>
static TessStatus thrown_status(F &&f, std::string *message = nullptr) {
    try {
        std::forward<F>(f)();
    } catch (const tess::Error &e) {
        if (message) *message = e.what();
        return e.status();
    }
    return TESS_SUCCESS;
}

/// `f` throws tess::Error carrying the detail bit(s) `detail`.
template <typename F>
static bool throws_detail(F &&f, TessStatus detail, std::string *message = nullptr) {
    const TessStatus status = thrown_status(std::forward<F>(f), message);
    return tess_status_failed(status) && tess_status_has_detail(status, detail);
}

/// `f` throws tess::Error with exactly `status`.
template <typename F>
static bool throws_status(F &&f, TessStatus status) {
    return thrown_status(std::forward<F>(f)) == status;
}
