// SPDX-License-Identifier: LGPL-2.1-or-later
#include <pidctl/pidfd.hpp>

#include "backend_impl.hpp"
#include "error.hpp"
#include "proc.hpp"
#include "sys.hpp"

#include <csignal>
#include <sys/wait.h>

namespace pidctl {

namespace {

using detail::failed;

unsigned kernel_flags(open_flags flags) {
    unsigned out = 0; // pidfds are always close-on-exec
    if (has(flags, open_flags::nonblock))
        out |= PIDFD_NONBLOCK;
    if (has(flags, open_flags::thread))
        out |= PIDFD_THREAD;
    return out;
}

exit_status status_of(const siginfo_t& info) {
    switch (info.si_code) {
    case CLD_KILLED:
        return {exit_status::how::killed, info.si_status};
    case CLD_DUMPED:
        return {exit_status::how::dumped, info.si_status};
    default:
        return {exit_status::how::exited, info.si_status};
    }
}

// waitid() on the pidfd; nullopt when `options` has WNOHANG and the child
// still runs.
std::optional<exit_status> wait_for(int fd, int options, std::error_code& ec) {
    siginfo_t info{};
    int ret;
    do {
        ret = ::waitid(P_PIDFD, static_cast<id_t>(fd), &info, WEXITED | options);
    } while (ret < 0 && errno == EINTR);
    if (failed(detail::sys_result(ret), ec))
        return std::nullopt;
    if (info.si_pid == 0)
        return std::nullopt;
    return status_of(info);
}

bool is_current(const pid_namespace& ns) {
    std::error_code ec;
    pid_namespace self = pid_namespace::current(ec);
    return !ec && self == ns;
}

} // namespace

pidfd pidfd::open(pid_t pid, const pid_namespace& ns, open_flags flags,
                  std::error_code& ec) noexcept {
    if (!ns) {
        ec.assign(EBADF, std::generic_category());
        return {};
    }
    long ret = detail::call(PIDCMD_GET_PIDFD, pid, ns.fd(), -1, kernel_flags(flags));
    if (failed(ret, ec))
        return {};
    return pidfd(unique_fd(static_cast<int>(ret)));
}

pidfd pidfd::open(pid_t pid, const pid_namespace& ns, std::error_code& ec) noexcept {
    return open(pid, ns, open_flags::none, ec);
}

pidfd pidfd::open(pid_t pid, std::error_code& ec) noexcept {
    pid_namespace ns = pid_namespace::current(ec);
    if (ec)
        return {};
    return open(pid, ns, open_flags::none, ec);
}

pidfd pidfd::open(pid_t pid, const pid_namespace& ns, open_flags flags) {
    return detail::or_throw("pidctl::pidfd::open",
                            [&](std::error_code& ec) { return open(pid, ns, flags, ec); });
}

void pidfd::send_signal(int sig, std::error_code& ec) const noexcept {
    failed(detail::sys_pidfd_send_signal(fd(), sig), ec);
}

void pidfd::send_signal(int sig) const {
    std::error_code ec;
    send_signal(sig, ec);
    if (ec)
        throw std::system_error(ec, "pidctl::pidfd::send_signal");
}

exit_status pidfd::wait(std::error_code& ec) const noexcept {
    std::optional<exit_status> status = wait_for(fd(), 0, ec);
    return status ? *status : exit_status{};
}

exit_status pidfd::wait() const {
    return detail::or_throw("pidctl::pidfd::wait",
                            [this](std::error_code& ec) { return wait(ec); });
}

std::optional<exit_status> pidfd::try_wait(std::error_code& ec) const noexcept {
    return wait_for(fd(), WNOHANG, ec);
}

std::optional<exit_status> pidfd::try_wait() const {
    return detail::or_throw("pidctl::pidfd::try_wait",
                            [this](std::error_code& ec) { return try_wait(ec); });
}

unique_fd pidfd::get_fd(int remote_fd, std::error_code& ec) const noexcept {
    unique_fd out;
    failed(detail::adopt_fd(detail::sys_pidfd_getfd(fd(), remote_fd), out), ec);
    return out;
}

unique_fd pidfd::get_fd(int remote_fd) const {
    return detail::or_throw("pidctl::pidfd::get_fd",
                            [&](std::error_code& ec) { return get_fd(remote_fd, ec); });
}

pid_t pidfd::pid(std::error_code& ec) const noexcept {
    try {
        pid_t ours = 0;
        if (failed(detail::pidfd_number_in_caller(fd(), ours), ec))
            return 0;
        if (ours == 0) {
            ec.assign(ENOENT, std::generic_category());
            return 0;
        }
        return ours;
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return 0;
    }
}

pid_t pidfd::pid() const {
    return detail::or_throw("pidctl::pidfd::pid", [this](std::error_code& ec) { return pid(ec); });
}

pid_t pidfd::pid_in(const pid_namespace& ns, std::error_code& ec) const noexcept {
    if (!ns) {
        ec.assign(EBADF, std::generic_category());
        return 0;
    }
    pid_t ours = pid(ec);
    if (ec) {
        // Not ours to name: only a stock answer for our own namespace.
        if (ec == std::errc::no_such_file_or_directory && !is_current(ns))
            ec.assign(EOPNOTSUPP, std::generic_category());
        return 0;
    }
    long ret = detail::call(PIDCMD_QUERY_PID, ours, -1, ns.fd(), 0);
    // Alive afterwards: our number was still this process's during the query.
    if (detail::sys_pidfd_send_signal(fd(), 0) == -ESRCH)
        ret = -ESRCH;
    return failed(ret, ec) ? 0 : static_cast<pid_t>(ret);
}

pid_t pidfd::pid_in(const pid_namespace& ns) const {
    return detail::or_throw("pidctl::pidfd::pid_in",
                            [&](std::error_code& ec) { return pid_in(ns, ec); });
}

} // namespace pidctl
