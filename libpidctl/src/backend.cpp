// SPDX-License-Identifier: LGPL-2.1-or-later
// Choosing a backend, once per process, and dispatching to it.
#include "backend_impl.hpp"

#include "proc.hpp"
#include "sys.hpp"

#include <atomic>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace pidctl::detail {

namespace {

// The library's mutable global state: which backend answers (-1 until the
// first call decides), and what the last native probe found (-1: none yet).
std::atomic<int> chosen_backend{-1};
std::atomic<int> native_state{-1};

// pidctl() answers PIDNS_EQUAL for the caller's namespace with itself.
// Unpatched kernels say ENOSYS, or EINVAL where the number is setxattrat()
// (sys_pidctl()'s sixth argument 0 makes that harmless). A seccomp filter
// installed later can take the call away: explicit probes look again.
bool native_probe() noexcept {
    const bool present = sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0) == PIDNS_EQUAL;
    native_state.store(present ? 1 : 0, std::memory_order_release);
    if (!present)
        native_active.store(false, std::memory_order_relaxed);
    return present;
}

// The last probe's answer; probes once. Calls through an absent native
// backend must never reach whatever else the system call number means there.
bool native_works() noexcept {
    int state = native_state.load(std::memory_order_acquire);
    return state >= 0 ? state == 1 : native_probe();
}

bool nsfs_works() noexcept {
    unique_fd active;
    if (open_active_pidns(active) < 0)
        return false;
    pid_t self = ::gettid();
    return sys_ioctl(active.get(), NS_GET_PID_FROM_PIDNS, static_cast<unsigned>(self)) == self;
}

bool procfs_works() noexcept {
    try {
        int level = 0;
        return proc_level(level) == 0;
    } catch (...) {
        return false;
    }
}

// The first backend that works: native, nsfs, procfs. `fresh` probes
// native again instead of trusting the last probe.
backend first_working(bool fresh) noexcept {
    if (fresh ? native_probe() : native_works())
        return backend::native;
    if (nsfs_works())
        return backend::nsfs;
    return backend::procfs; // calls fail with ENOSYS if even this does not work
}

// Stores the choice, and whether calls may go straight to the kernel.
void choose(backend b) noexcept {
    native_active.store(false, std::memory_order_relaxed);
    chosen_backend.store(static_cast<int>(b), std::memory_order_release);
    if (b == backend::native && native_works())
        native_active.store(true, std::memory_order_relaxed);
}

// PIDCTL_BACKEND forces a backend without probing it, so that tests and
// diagnostics see its errors (ENOSYS) instead of a silent fallback.
backend initial_choice() noexcept {
    const char* env = std::getenv("PIDCTL_BACKEND");
    std::optional<backend> forced = env ? parse_backend(env) : std::nullopt;
    if (forced && *forced != backend::automatic)
        return *forced;
    return first_working(false);
}

} // namespace

std::atomic<bool> native_active{false};

bool probe(backend b) noexcept {
    switch (b) {
    case backend::native:
        return native_probe();
    case backend::nsfs:
        return nsfs_works();
    case backend::procfs:
        return procfs_works();
    case backend::automatic:
        return native_probe() || nsfs_works() || procfs_works();
    }
    return false;
}

long call(backend b, unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept {
    switch (b) {
    case backend::native:
        return native_works() ? sys_pidctl(cmd, pid, source, target, flags) : -ENOSYS;
    case backend::nsfs:
        return emulate(nsfs_emulation(), cmd, pid, source, target, flags);
    case backend::procfs:
        return emulate(procfs_emulation(), cmd, pid, source, target, flags);
    case backend::automatic:
        return call(active_backend(), cmd, pid, source, target, flags);
    }
    return -EINVAL;
}

long call_active(unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept {
    return call(active_backend(), cmd, pid, source, target, flags);
}

} // namespace pidctl::detail

namespace pidctl {

std::string_view to_string(backend b) noexcept {
    switch (b) {
    case backend::automatic:
        return "auto";
    case backend::native:
        return "native";
    case backend::nsfs:
        return "nsfs";
    case backend::procfs:
        return "procfs";
    }
    return "?";
}

std::optional<backend> parse_backend(std::string_view name) noexcept {
    for (backend b : {backend::automatic, backend::native, backend::nsfs, backend::procfs})
        if (name == to_string(b))
            return b;
    return std::nullopt;
}

backend active_backend() noexcept {
    int b = detail::chosen_backend.load(std::memory_order_acquire);
    if (b >= 0)
        return static_cast<backend>(b);
    // Threads racing here probe alike; the first store wins.
    int expected = -1;
    backend choice = detail::initial_choice();
    if (detail::chosen_backend.compare_exchange_strong(expected, static_cast<int>(choice),
                                                       std::memory_order_acq_rel) &&
        choice == backend::native && detail::native_works())
        detail::native_active.store(true, std::memory_order_relaxed);
    return static_cast<backend>(detail::chosen_backend.load(std::memory_order_acquire));
}

void select_backend(backend b, std::error_code& ec) noexcept {
    ec.clear();
    if (b == backend::automatic)
        b = detail::first_working(true); // probe again, as documented
    else if (!detail::probe(b)) {
        ec.assign(ENOSYS, std::generic_category());
        return;
    }
    detail::choose(b);
}

void select_backend(backend b) {
    std::error_code ec;
    select_backend(b, ec);
    if (ec)
        throw std::system_error(ec, "pidctl::select_backend(" + std::string(to_string(b)) + ")");
}

bool backend_available(backend b) noexcept {
    return detail::probe(b);
}

} // namespace pidctl
