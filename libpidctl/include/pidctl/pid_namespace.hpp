// SPDX-License-Identifier: LGPL-2.1-or-later
// pidctl::pid_namespace and the questions asked about pid namespaces.
#ifndef PIDCTL_PID_NAMESPACE_HPP
#define PIDCTL_PID_NAMESPACE_HPP

#include <pidctl/config.hpp>
#include <pidctl/unique_fd.hpp>

#include <filesystem>
#include <string_view>
#include <sys/types.h>
#include <system_error>
#include <utility>

namespace pidctl {

class pidfd;
class pid_namespace_factory;

// Owns an fd of a pid namespace (an nsfs file). Move-only. Two objects
// compare equal when they name the same namespace (device and inode), even
// through different fds.
class PIDCTL_API pid_namespace {
public:
    // The caller's active pid namespace (/proc/self/ns/pid).
    static pid_namespace current();
    static pid_namespace current(std::error_code& ec) noexcept;

    // The pid namespace of process (or thread) `pid`, numbered in the
    // caller's pid namespace. ESRCH if there is none.
    static pid_namespace of_process(pid_t pid);
    static pid_namespace of_process(pid_t pid, std::error_code& ec) noexcept;

    // The namespace `pid`'s future children will be born in
    // (/proc/PID/ns/pid_for_children).
    static pid_namespace for_children_of(pid_t pid);
    static pid_namespace for_children_of(pid_t pid, std::error_code& ec) noexcept;

    // The pid namespace of the process a pidfd refers to.
    static pid_namespace of(const pidfd& process);
    static pid_namespace of(const pidfd& process, std::error_code& ec) noexcept;

    // Opens an nsfs path such as /proc/PID/ns/pid or a bind mount of one.
    // EINVAL if it is not a pid namespace.
    static pid_namespace open(const std::filesystem::path& path);
    static pid_namespace open(const std::filesystem::path& path, std::error_code& ec) noexcept;

    // Takes ownership of `fd` whatever happens: on failure (EBADF, or EINVAL
    // when it is not a pid namespace) the fd is closed.
    static pid_namespace from_fd(int fd);
    static pid_namespace from_fd(int fd, std::error_code& ec) noexcept;

    pid_namespace() noexcept = default; // owns nothing; fd() == -1
    pid_namespace(pid_namespace&&) noexcept = default;
    pid_namespace& operator=(pid_namespace&&) noexcept = default;

    // The parent namespace. EPERM beyond the caller's own pid namespace:
    // the kernel shows no ancestor of it.
    pid_namespace parent() const;
    pid_namespace parent(std::error_code& ec) const noexcept;

    int fd() const noexcept { return fd_.get(); }
    dev_t device() const noexcept { return dev_; }
    ino_t inode() const noexcept { return ino_; }
    explicit operator bool() const noexcept { return static_cast<bool>(fd_); }

    // Gives up ownership of the fd.
    int release() noexcept;

    friend bool operator==(const pid_namespace& a, const pid_namespace& b) noexcept {
        return a.dev_ == b.dev_ && a.ino_ == b.ino_;
    }
    friend bool operator!=(const pid_namespace& a, const pid_namespace& b) noexcept {
        return !(a == b);
    }

private:
    friend class pid_namespace_factory; // the only way in: validates the fd
    pid_namespace(unique_fd fd, dev_t dev, ino_t ino) noexcept
        : fd_(std::move(fd)), dev_(dev), ino_(ino) {}

    unique_fd fd_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

// How two pid namespaces are related, read as "source is ... of target".
enum class ns_relation { unrelated, equal, source_is_ancestor, target_is_ancestor };

// "unrelated", "equal", "source_is_ancestor", "target_is_ancestor".
PIDCTL_API std::string_view to_string(ns_relation r) noexcept;

// Works even when both namespaces have no process left. Stock kernels cannot
// answer for namespaces outside the caller's view (EOPNOTSUPP; see README).
PIDCTL_API ns_relation relation(const pid_namespace& source, const pid_namespace& target);
PIDCTL_API ns_relation relation(const pid_namespace& source, const pid_namespace& target,
                                std::error_code& ec) noexcept;

// The number `pid` (a process or thread id in `from`) has in `to`.
// ESRCH: no task numbered `pid` in `from`. ENOENT: it has no number in `to`.
// EOPNOTSUPP: a stock kernel cannot tell (see README).
PIDCTL_API pid_t translate(pid_t pid, const pid_namespace& from, const pid_namespace& to);
PIDCTL_API pid_t translate(pid_t pid, const pid_namespace& from, const pid_namespace& to,
                           std::error_code& ec) noexcept;

} // namespace pidctl

#endif
