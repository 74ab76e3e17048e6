// SPDX-License-Identifier: LGPL-2.1-or-later
// From the internal "negative errno" convention to the public API's
// std::error_code and std::system_error.
#ifndef PIDCTL_SRC_ERROR_HPP
#define PIDCTL_SRC_ERROR_HPP

#include <system_error>
#include <utility>

namespace pidctl::detail {

// Sets `ec` from a kernel-style result; true if it was an error.
inline bool failed(long ret, std::error_code& ec) noexcept {
    if (ret >= 0) [[likely]] {
        // clear() calls the out-of-line std::system_category() every time;
        // an ec that holds no error needs nothing.
        if (ec)
            ec.clear();
        return false;
    }
    ec.assign(static_cast<int>(-ret), std::generic_category());
    return true;
}

// A cleared error_code. std::error_code's constructor calls the
// out-of-line std::system_category() every time; this, only once.
inline std::error_code no_error() noexcept {
    static const std::error_code none;
    return none;
}

// Runs the error_code form of an API call and throws what it reports.
template <class F>
[[gnu::flatten]] auto or_throw(const char* what, F&& call) {
    std::error_code ec = no_error();
    auto result = std::forward<F>(call)(ec);
    if (ec)
        throw std::system_error(ec, what);
    return result;
}

} // namespace pidctl::detail

#endif
