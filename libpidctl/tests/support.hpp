// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared helpers of the gtest suites.
#ifndef PIDCTL_TESTS_SUPPORT_HPP
#define PIDCTL_TESTS_SUPPORT_HPP

#include <pidctl/pidctl.hpp>

#include "backend_impl.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pidctl_test {

inline const pidctl::backend concrete_backends[] = {pidctl::backend::native, pidctl::backend::nsfs,
                                                    pidctl::backend::procfs};

// "native", ... as gtest parameter names.
inline std::string backend_name(const testing::TestParamInfo<pidctl::backend>& info) {
    return std::string(pidctl::to_string(info.param));
}

// A kernel-style result as text: "42" or "-ESRCH".
std::string result_text(long ret);

// Skips the current test unless backend `b` works on this kernel.
#define SKIP_UNLESS_BACKEND(b)                                                                     \
    do {                                                                                           \
        if (!pidctl::detail::probe(b))                                                             \
            GTEST_SKIP() << "backend " << pidctl::to_string(b) << " does not work on this kernel"; \
    } while (0)

} // namespace pidctl_test

#endif
