// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared helpers of the gtest suites.
#ifndef PIDCTL_TESTS_SUPPORT_HPP
#define PIDCTL_TESTS_SUPPORT_HPP

#include <pidctl/pidctl.hpp>

#include "backend_impl.hpp"

#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <string>
#include <sys/types.h>
#include <thread>
#include <unistd.h>

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

// A second thread of the test process that sleeps until joined: a thread
// id that is not the process id. join() ends it; so does the destructor.
class sleeping_thread {
public:
    sleeping_thread() {
        while (!tid_)
            std::this_thread::yield();
    }
    sleeping_thread(const sleeping_thread&) = delete;
    sleeping_thread& operator=(const sleeping_thread&) = delete;
    ~sleeping_thread() { join(); }

    pid_t tid() const noexcept { return tid_; }
    void join() {
        done_ = true;
        if (thread_.joinable())
            thread_.join();
    }

private:
    std::atomic<pid_t> tid_{0};
    std::atomic<bool> done_{false};
    std::thread thread_{[this] {
        tid_ = ::gettid();
        while (!done_)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }};
};

} // namespace pidctl_test

#endif
