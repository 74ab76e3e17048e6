// SPDX-License-Identifier: LGPL-2.1-or-later
// pidctl::pidfd: a process file descriptor.
#ifndef PIDCTL_PIDFD_HPP
#define PIDCTL_PIDFD_HPP

#include <pidctl/config.hpp>
#include <pidctl/pid_namespace.hpp>
#include <pidctl/unique_fd.hpp>

#include <optional>
#include <sys/types.h>
#include <system_error>
#include <utility>

namespace pidctl {

enum class open_flags : unsigned {
    none = 0,
    nonblock = 1u << 0, // wait() on a child that still runs fails with EAGAIN
    thread = 1u << 1,   // `pid` may be any thread; the pidfd refers to it
};

constexpr open_flags operator|(open_flags a, open_flags b) noexcept {
    return static_cast<open_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr open_flags operator&(open_flags a, open_flags b) noexcept {
    return static_cast<open_flags>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
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

// Owns a pidfd. Move-only; the fd is close-on-exec.
class PIDCTL_API pidfd {
public:
    // A pidfd for the process `pid` as numbered in `ns`, checked to still be
    // that process when it is returned. ESRCH: no such process in `ns`.
    // ENOENT: it is not visible in the caller's pid namespace. EINVAL: a
    // thread that is not a thread-group leader, without open_flags::thread.
    static pidfd open(pid_t pid, const pid_namespace& ns = pid_namespace::current(),
                      open_flags flags = open_flags::none);
    static pidfd open(pid_t pid, const pid_namespace& ns, open_flags flags,
                      std::error_code& ec) noexcept;
    static pidfd open(pid_t pid, const pid_namespace& ns, std::error_code& ec) noexcept;
    static pidfd open(pid_t pid, std::error_code& ec) noexcept;

    // Takes ownership of an fd that is a pidfd.
    static pidfd from_fd(int fd) noexcept { return pidfd(unique_fd(fd)); }

    pidfd() noexcept = default; // owns nothing; fd() == -1
    pidfd(pidfd&&) noexcept = default;
    pidfd& operator=(pidfd&&) noexcept = default;

    // pidfd_send_signal(); 0 checks that the process still exists.
    void send_signal(int sig) const;
    void send_signal(int sig, std::error_code& ec) const noexcept;

    // Waits for a child of the caller to end and reaps it. ECHILD for
    // processes that are not the caller's children.
    exit_status wait() const;
    exit_status wait(std::error_code& ec) const noexcept;
    // As wait(), but returns nothing at once if the child still runs.
    std::optional<exit_status> try_wait() const;
    std::optional<exit_status> try_wait(std::error_code& ec) const noexcept;

    // A duplicate of the process's fd `remote_fd` (pidfd_getfd()).
    unique_fd get_fd(int remote_fd) const;
    unique_fd get_fd(int remote_fd, std::error_code& ec) const noexcept;

    // The process's number in `ns`. ESRCH once it has been reaped, ENOENT if
    // it has no number there.
    pid_t pid_in(const pid_namespace& ns) const;
    pid_t pid_in(const pid_namespace& ns, std::error_code& ec) const noexcept;

    // Its number in the caller's pid namespace.
    pid_t pid() const;
    pid_t pid(std::error_code& ec) const noexcept;

    int fd() const noexcept { return fd_.get(); }
    explicit operator bool() const noexcept { return static_cast<bool>(fd_); }
    int release() noexcept { return fd_.release(); }

private:
    explicit pidfd(unique_fd fd) noexcept : fd_(std::move(fd)) {}

    unique_fd fd_;
};

} // namespace pidctl

#endif
