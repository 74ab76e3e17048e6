// SPDX-License-Identifier: LGPL-2.1-or-later
// Entry point of libpidctl_test (host) and libpidctl_vm_test (patched kernel).
#include "support.hpp"

#include <cstdio>
#include <cstring>
#include <sys/utsname.h>

namespace pidctl_test {

std::string result_text(long ret) {
    if (ret >= 0)
        return std::to_string(ret);
    const char* name = ::strerrorname_np(static_cast<int>(-ret));
    return std::string("-") + (name ? name : std::to_string(-ret));
}

} // namespace pidctl_test

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    struct utsname uts {};
    ::uname(&uts);
    std::printf("libpidctl tests on Linux %s; backends:", uts.release);
    for (pidctl::backend b : pidctl_test::concrete_backends)
        std::printf(" %s=%s", std::string(pidctl::to_string(b)).c_str(),
                    pidctl::detail::probe(b) ? "yes" : "no");
    std::printf("\n");
    return RUN_ALL_TESTS();
}
