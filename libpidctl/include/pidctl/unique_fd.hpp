// SPDX-License-Identifier: LGPL-2.1-or-later
// pidctl::unique_fd: the owner of one file descriptor.
#ifndef PIDCTL_UNIQUE_FD_HPP
#define PIDCTL_UNIQUE_FD_HPP

#include <pidctl/config.hpp>

namespace pidctl {

// Owns one file descriptor and closes it on destruction. -1 means "none".
class PIDCTL_API unique_fd {
public:
    unique_fd() noexcept = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other)
            reset(other.release());
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

    // Gives up ownership: the caller closes the returned fd.
    int release() noexcept {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

    // Closes the owned fd (if any) and owns `fd` instead.
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

} // namespace pidctl

#endif
