// SPDX-License-Identifier: LGPL-2.1-or-later
// pidctl::pidfd: a process file descriptor.
#ifndef PIDCTL_PIDFD_HPP
#define PIDCTL_PIDFD_HPP

#include <pidctl/config.hpp>
#include <pidctl/pid_namespace.hpp>
#include <pidctl/unique_fd.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <sys/types.h>
#include <system_error>
#include <utility>

namespace pidctl {

// How a pidfd is opened: PIDFD_NONBLOCK and PIDFD_THREAD of pidfd_open().
enum class open_flags : unsigned {
    none = 0,
    nonblock = 1u << 0, // wait() on a child that still runs fails with EAGAIN
    thread = 1u << 1,   // `pid` may be any thread; the pidfd refers to it
};

// Both sets of flags.
constexpr open_flags operator|(open_flags a, open_flags b) noexcept {
    return static_cast<open_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
// The flags in both sets.
constexpr open_flags operator&(open_flags a, open_flags b) noexcept {
    return static_cast<open_flags>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
// Whether `set` has `flag` (never true for open_flags::none).
constexpr bool has(open_flags set, open_flags flag) noexcept {
    return (set & flag) == flag && flag != open_flags::none;
}

// How a process ended.
struct exit_status {
    enum class how { exited, killed, dumped };
    how kind = how::exited;
    int value = 0; // the exit code, or the signal number when killed or dumped

    bool exited() const noexcept { return kind == how::exited; }
    bool signaled() const noexcept { return kind != how::exited; }
    int code() const noexcept { return exited() ? value : -1; }
    int signal() const noexcept { return signaled() ? value : 0; }

    friend bool operator==(const exit_status& a, const exit_status& b) noexcept {
        return a.kind == b.kind && a.value == b.value;
    }
};

// Owns a pidfd. Move-only; the fd is close-on-exec (the kernel makes every
// pidfd so). An empty object (default-constructed, moved-from or released)
// owns nothing; its calls fail with EBADF and it equals no pidfd.
class PIDCTL_API pidfd {
public:
    // A pidfd for process `pid` of the caller's own pid namespace: one
    // pidfd_open(), on every backend. ESRCH: no such process. EINVAL: `pid`
    // is not positive, or a thread that is not a thread-group leader, without
    // open_flags::thread.
    [[nodiscard]] static pidfd open(pid_t pid, open_flags flags = open_flags::none);
    [[nodiscard]] static pidfd open(pid_t pid, std::error_code& ec) noexcept;
    [[nodiscard]] static pidfd open(pid_t pid, open_flags flags, std::error_code& ec) noexcept;

    // A pidfd for the process `pid` as numbered in `ns`, race-free: it is the
    // process that had that number when the call returned. ESRCH: no such
    // process in `ns`, or none that the caller's pid namespace shows (the
    // same errno, so that nothing outside the caller's view can be probed).
    // EINVAL: as above.
    // EBADF: an empty `ns`.
    [[nodiscard]] static pidfd open(pid_t pid, const pid_namespace& ns,
                                    open_flags flags = open_flags::none);
    [[nodiscard]] static pidfd open(pid_t pid, const pid_namespace& ns,
                                    std::error_code& ec) noexcept;
    [[nodiscard]] static pidfd open(pid_t pid, const pid_namespace& ns, open_flags flags,
                                    std::error_code& ec) noexcept;

    // Takes ownership of `fd`, checked to be a pidfd (of a live, zombie or
    // reaped process). Whatever happens the fd is owned: on failure (EBADF
    // for a closed fd, EINVAL for an open fd that is no pidfd) it is closed.
    [[nodiscard]] static pidfd from_fd(int fd);
    [[nodiscard]] static pidfd from_fd(int fd, std::error_code& ec) noexcept;

    pidfd() noexcept = default; // owns nothing; fd() == -1
    pidfd(pidfd&&) noexcept = default;
    pidfd& operator=(pidfd&&) noexcept = default;

    // pidfd_send_signal(); 0 checks that the process still exists.
    void send_signal(int sig) const;
    void send_signal(int sig, std::error_code& ec) const noexcept;

    // Waits for a child of the caller to end and reaps it. ECHILD for
    // processes that are not the caller's children, EAGAIN for an
    // open_flags::nonblock pidfd of a child that still runs. The error_code
    // form returns std::nullopt on failure.
    [[nodiscard]] exit_status wait() const;
    [[nodiscard]] std::optional<exit_status> wait(std::error_code& ec) const noexcept;

    // As wait(), but does not wait: std::nullopt while the child still runs.
    // The error_code form returns std::nullopt on failure, else the answer
    // the throwing form gives (itself std::nullopt while the child runs).
    [[nodiscard]] std::optional<exit_status> try_wait() const;
    [[nodiscard]] std::optional<std::optional<exit_status>>
    try_wait(std::error_code& ec) const noexcept;

    // A duplicate of the process's fd `remote_fd` (pidfd_getfd()). The
    // error_code form returns an empty unique_fd on failure.
    [[nodiscard]] unique_fd get_fd(int remote_fd) const;
    [[nodiscard]] unique_fd get_fd(int remote_fd, std::error_code& ec) const noexcept;

    // The process's (or, for open_flags::thread, the thread's) number in
    // `ns`: one pidctl(PIDCMD_QUERY_PID, ..., PIDCTL_PIDFD) on every backend.
    // ESRCH once it has been reaped (a zombie still has its numbers), ENOENT
    // if it has no number in `ns`, EREMOTE if it has none in the caller's
    // namespace (a pidfd received from outside), EBADF for an empty `ns`.
    // The error_code forms return 0 on failure.
    [[nodiscard]] pid_t pid_in(const pid_namespace& ns) const;
    [[nodiscard]] pid_t pid_in(const pid_namespace& ns, std::error_code& ec) const noexcept;

    // Its number in the caller's pid namespace; errors as pid_in().
    [[nodiscard]] pid_t pid() const;
    [[nodiscard]] pid_t pid(std::error_code& ec) const noexcept;

    // The owned fd (for poll or epoll), -1 when empty.
    int fd() const noexcept { return fd_.get(); }
    // Whether it owns a pidfd.
    explicit operator bool() const noexcept { return static_cast<bool>(fd_); }
    // Gives up ownership of the fd, which the caller then closes.
    [[nodiscard]] int release() noexcept { return fd_.release(); }

    // The pidfs inode number of the pidfd's process (or thread): unique per
    // process on Linux 6.9 and later. 0 when empty.
    [[nodiscard]] ino_t inode() const noexcept;

    // The same process (or thread), through any two pidfds: their pidfs
    // inodes are equal. Before Linux 6.9 all pidfds share one inode; then
    // the processes' numbers in the caller's namespace are compared, and a
    // reaped process equals no other.
    friend PIDCTL_API bool operator==(const pidfd& a, const pidfd& b) noexcept;
    friend bool operator!=(const pidfd& a, const pidfd& b) noexcept { return !(a == b); }

private:
    explicit pidfd(unique_fd fd) noexcept : fd_(std::move(fd)) {}

    unique_fd fd_;
};

// The number the process behind `process` has in `to`: process.pid_in(to).
[[nodiscard]] PIDCTL_API pid_t translate(const pidfd& process, const pid_namespace& to);
[[nodiscard]] PIDCTL_API pid_t translate(const pidfd& process, const pid_namespace& to,
                                         std::error_code& ec) noexcept;

} // namespace pidctl

// Equal pidfds hash alike.
namespace std {
template <>
struct hash<pidctl::pidfd> {
    size_t operator()(const pidctl::pidfd& p) const noexcept {
        return hash<unsigned long long>()(static_cast<unsigned long long>(p.inode()));
    }
};
} // namespace std

#endif
