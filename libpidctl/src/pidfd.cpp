// SPDX-License-Identifier: LGPL-2.1-or-later
#include <pidctl/pidfd.hpp>

#include "backend_impl.hpp"
#include "error.hpp"
#include "sys.hpp"

#include <csignal>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#ifndef PIDFS_MAGIC
#define PIDFS_MAGIC 0x50494446 // include/uapi/linux/magic.h, Linux 6.9+
#endif

namespace pidctl {

namespace {

using detail::failed;

unsigned kernel_flags(open_flags flags) {
    unsigned out = 0;
    if (has(flags, open_flags::nonblock))
        out |= PIDFD_NONBLOCK;
    if (has(flags, open_flags::thread))
        out |= PIDFD_THREAD;
    return out;
}

// pidfd_open() with pidctl()'s errors: a thread that is no thread-group
// leader is EINVAL without PIDFD_THREAD (Linux 6.9+ says ENOENT). Only a
// failure costs a second call.
long open_in_caller(pid_t pid, unsigned flags, unique_fd& out) {
    if (pid <= 0)
        return -EINVAL;
    long ret = detail::adopt_fd(detail::sys_pidfd_open(pid, flags), out);
    if (ret != -ENOENT || (flags & PIDFD_THREAD))
        return ret;
    unique_fd thread;
    long probe = detail::adopt_fd(detail::sys_pidfd_open(pid, flags | PIDFD_THREAD), thread);
    return probe >= 0 ? -EINVAL : -ESRCH;
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

// waitid() on the pidfd: false on failure; `out` stays empty when `options`
// has WNOHANG and the child still runs.
bool wait_for(int fd, int options, std::optional<exit_status>& out, std::error_code& ec) {
    if (fd < 0) {
        ec.assign(EBADF, std::generic_category());
        return false;
    }
    siginfo_t info{};
    int ret;
    do {
        ret = ::waitid(P_PIDFD, static_cast<id_t>(fd), &info, WEXITED | options);
    } while (ret < 0 && errno == EINTR);
    if (failed(detail::sys_result(ret), ec))
        return false;
    out.reset();
    if (info.si_pid != 0)
        out = status_of(info);
    return true;
}

// The number of the pidfd's process in `target` (-1: the caller's).
pid_t number_in(int fd, int target, std::error_code& ec) {
    if (fd < 0) {
        ec.assign(EBADF, std::generic_category());
        return 0;
    }
    long ret = detail::call(PIDCMD_QUERY_PID, fd, -1, target, PIDCTL_PIDFD);
    return failed(ret, ec) ? 0 : static_cast<pid_t>(ret);
}

// 0 if `fd` is a pidfd; pidfd_send_signal() tells, and is one call on
// every kernel since 5.1. A pidfd of a reaped process is a pidfd still.
long check_pidfd(int fd) {
    long ret = detail::sys_pidfd_send_signal(fd, 0);
    if (ret != -EBADF)
        return 0;
    return ::fcntl(fd, F_GETFD) < 0 ? -EBADF : -EINVAL;
}

bool on_pidfs(int fd) {
    struct statfs fs {};
    return ::fstatfs(fd, &fs) == 0 && static_cast<unsigned long>(fs.f_type) == PIDFS_MAGIC;
}

} // namespace

pidfd pidfd::open(pid_t pid, open_flags flags, std::error_code& ec) noexcept {
    unique_fd fd;
    if (failed(open_in_caller(pid, kernel_flags(flags), fd), ec))
        return {};
    return pidfd(std::move(fd));
}

pidfd pidfd::open(pid_t pid, std::error_code& ec) noexcept {
    return open(pid, open_flags::none, ec);
}

pidfd pidfd::open(pid_t pid, open_flags flags) {
    return detail::or_throw("pidctl::pidfd::open",
                            [&](std::error_code& ec) { return open(pid, flags, ec); });
}

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

pidfd pidfd::open(pid_t pid, const pid_namespace& ns, open_flags flags) {
    return detail::or_throw("pidctl::pidfd::open",
                            [&](std::error_code& ec) { return open(pid, ns, flags, ec); });
}

pidfd pidfd::from_fd(int fd, std::error_code& ec) noexcept {
    unique_fd owned(fd); // closes it on failure
    if (failed(fd < 0 ? -EBADF : check_pidfd(fd), ec))
        return {};
    return pidfd(std::move(owned));
}

pidfd pidfd::from_fd(int fd) {
    return detail::or_throw("pidctl::pidfd::from_fd",
                            [fd](std::error_code& ec) { return from_fd(fd, ec); });
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

std::optional<exit_status> pidfd::wait(std::error_code& ec) const noexcept {
    std::optional<exit_status> status;
    if (!wait_for(fd(), 0, status, ec))
        return std::nullopt;
    return status;
}

exit_status pidfd::wait() const {
    return *detail::or_throw("pidctl::pidfd::wait",
                             [this](std::error_code& ec) { return wait(ec); });
}

std::optional<std::optional<exit_status>> pidfd::try_wait(std::error_code& ec) const noexcept {
    std::optional<exit_status> status;
    if (!wait_for(fd(), WNOHANG, status, ec))
        return std::nullopt;
    return status;
}

std::optional<exit_status> pidfd::try_wait() const {
    return *detail::or_throw("pidctl::pidfd::try_wait",
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
    return number_in(fd(), -1, ec);
}

pid_t pidfd::pid() const {
    return detail::or_throw("pidctl::pidfd::pid", [this](std::error_code& ec) { return pid(ec); });
}

pid_t pidfd::pid_in(const pid_namespace& ns, std::error_code& ec) const noexcept {
    if (!ns) {
        ec.assign(EBADF, std::generic_category());
        return 0;
    }
    return number_in(fd(), ns.fd(), ec);
}

pid_t pidfd::pid_in(const pid_namespace& ns) const {
    return detail::or_throw("pidctl::pidfd::pid_in",
                            [&](std::error_code& ec) { return pid_in(ns, ec); });
}

ino_t pidfd::inode() const noexcept {
    struct stat st {};
    if (!fd_ || ::fstat(fd(), &st) < 0)
        return 0;
    return st.st_ino;
}

bool operator==(const pidfd& a, const pidfd& b) noexcept {
    if (!a || !b)
        return false;
    struct stat sa {
    }, sb{};
    if (::fstat(a.fd(), &sa) < 0 || ::fstat(b.fd(), &sb) < 0)
        return false;
    if (sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino)
        return false;
    if (a.fd() == b.fd() || on_pidfs(a.fd()))
        return true;
    // Before pidfs every pidfd is the one anonymous inode.
    std::error_code ea, eb;
    pid_t pa = a.pid(ea);
    pid_t pb = b.pid(eb);
    return !ea && !eb && pa == pb;
}

pid_t translate(const pidfd& process, const pid_namespace& to, std::error_code& ec) noexcept {
    return process.pid_in(to, ec);
}

pid_t translate(const pidfd& process, const pid_namespace& to) {
    return detail::or_throw("pidctl::translate",
                            [&](std::error_code& ec) { return translate(process, to, ec); });
}

} // namespace pidctl
