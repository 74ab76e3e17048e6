// SPDX-License-Identifier: LGPL-2.1-or-later
// pidctl::pid_namespace and the questions asked about pid namespaces.
#ifndef PIDCTL_PID_NAMESPACE_HPP
#define PIDCTL_PID_NAMESPACE_HPP

#include <pidctl/config.hpp>
#include <pidctl/unique_fd.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>
#include <sys/types.h>
#include <system_error>
#include <utility>

namespace pidctl {

class pidfd;
class pid_namespace_factory;

// Owns an fd of a pid namespace (an nsfs file). Move-only. Two objects
// compare equal when they name the same namespace (device and inode), even
// through different fds. An empty object (default-constructed, moved-from or
// released) owns nothing and equals no namespace, not even another empty one.
class PIDCTL_API pid_namespace {
public:
    // The caller's active pid namespace (/proc/self/ns/pid; without /proc,
    // PIDFD_GET_PID_NAMESPACE of the caller, Linux 6.11+).
    [[nodiscard]] static pid_namespace current();
    [[nodiscard]] static pid_namespace current(std::error_code& ec) noexcept;

    // The pid namespace of process (or thread) `pid`, numbered in the
    // caller's pid namespace. ESRCH if there is none.
    [[nodiscard]] static pid_namespace of_process(pid_t pid);
    [[nodiscard]] static pid_namespace of_process(pid_t pid, std::error_code& ec) noexcept;

    // The namespace `pid`'s future children will be born in
    // (/proc/PID/ns/pid_for_children).
    [[nodiscard]] static pid_namespace for_children_of(pid_t pid);
    [[nodiscard]] static pid_namespace for_children_of(pid_t pid, std::error_code& ec) noexcept;

    // The pid namespace of the process a pidfd refers to.
    [[nodiscard]] static pid_namespace of(const pidfd& process);
    [[nodiscard]] static pid_namespace of(const pidfd& process, std::error_code& ec) noexcept;

    // Opens an nsfs path such as /proc/PID/ns/pid or a bind mount of one.
    // The path is first opened with O_PATH, so a FIFO cannot block the call
    // and a device is never opened; anything that is not an nsfs file of a
    // pid namespace fails at once with EINVAL. The throwing form throws
    // std::filesystem::filesystem_error, which carries the path.
    [[nodiscard]] static pid_namespace open(const std::filesystem::path& path);
    [[nodiscard]] static pid_namespace open(const std::filesystem::path& path,
                                            std::error_code& ec) noexcept;

    // Takes ownership of `fd` whatever happens: on failure (EBADF, or EINVAL
    // when it is not a pid namespace) the fd is closed.
    [[nodiscard]] static pid_namespace from_fd(int fd);
    [[nodiscard]] static pid_namespace from_fd(int fd, std::error_code& ec) noexcept;

    pid_namespace() noexcept = default; // owns nothing; fd() == -1
    pid_namespace(pid_namespace&& other) noexcept;
    pid_namespace& operator=(pid_namespace&& other) noexcept;

    // The parent namespace. EPERM beyond the caller's own pid namespace:
    // the kernel shows no ancestor of it.
    [[nodiscard]] pid_namespace parent() const;
    [[nodiscard]] pid_namespace parent(std::error_code& ec) const noexcept;

    // The owned fd, -1 when empty.
    int fd() const noexcept { return fd_.get(); }
    // The namespace's identity: nsfs device and inode (the number lsns and
    // /proc/PID/ns/pid show). 0 when empty.
    dev_t device() const noexcept { return dev_; }
    ino_t inode() const noexcept { return ino_; }
    // Whether it owns a namespace.
    explicit operator bool() const noexcept { return static_cast<bool>(fd_); }

    // Gives up ownership of the fd, which the caller then closes; the object
    // is empty afterwards.
    [[nodiscard]] int release() noexcept;

    friend bool operator==(const pid_namespace& a, const pid_namespace& b) noexcept {
        return a.ino_ != 0 && a.dev_ == b.dev_ && a.ino_ == b.ino_;
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
    ino_t ino_ = 0; // 0 exactly when empty: no nsfs inode is 0
};

// How two pid namespaces are related, read as "source is ... of target".
enum class ns_relation { unrelated, equal, source_is_ancestor, target_is_ancestor };

// "unrelated", "equal", "source_is_ancestor", "target_is_ancestor".
PIDCTL_API std::string_view to_string(ns_relation r) noexcept;

// How `source` relates to `target`. Works even when both namespaces have no
// process left. Each must be the caller's namespace, an ancestor or a
// descendant of it: EPERM for a namespace beside the caller's line (as the
// pidctl() system call says). EBADF for an empty pid_namespace. EOPNOTSUPP:
// a stock kernel cannot tell (two different namespaces outside the caller's
// view, or the procfs backend; see README). The error_code form returns
// std::nullopt on failure.
[[nodiscard]] PIDCTL_API ns_relation relation(const pid_namespace& source,
                                              const pid_namespace& target);
[[nodiscard]] PIDCTL_API std::optional<ns_relation>
relation(const pid_namespace& source, const pid_namespace& target, std::error_code& ec) noexcept;

// The number `pid` (a process or thread id in `from`) has in `to`.
// ESRCH: no task numbered `pid` in `from`, or that task is not visible in
// the caller's pid namespace. ENOENT: it has no number in `to`. EBADF: an
// empty pid_namespace. EOPNOTSUPP: a stock kernel cannot tell (see README).
// The error_code form returns 0 on failure (no task is numbered 0).
[[nodiscard]] PIDCTL_API pid_t translate(pid_t pid, const pid_namespace& from,
                                         const pid_namespace& to);
[[nodiscard]] PIDCTL_API pid_t translate(pid_t pid, const pid_namespace& from,
                                         const pid_namespace& to, std::error_code& ec) noexcept;

} // namespace pidctl

// Hashes the namespace's identity, so that pid_namespace can key an
// unordered container (as a move-only key).
// Equal namespaces hash alike; an empty one hashes as 0.
namespace std {
template <>
struct hash<pidctl::pid_namespace> {
    size_t operator()(const pidctl::pid_namespace& ns) const noexcept {
        return hash<unsigned long long>()(static_cast<unsigned long long>(ns.inode())) ^
               (hash<unsigned long long>()(static_cast<unsigned long long>(ns.device())) << 1);
    }
};
} // namespace std

#endif
