// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sys.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace pidctl {

void unique_fd::reset(int fd) noexcept {
    // close() releases the fd even when it reports EINTR: never retry it.
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

} // namespace pidctl

namespace pidctl::detail {

long sys_pidctl(unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept {
    // Stock kernels since 6.13 have setxattrat() at this number. Its sixth
    // argument is a struct size; passing 0 makes it fail with EINVAL before
    // it looks at anything else, so a stray call is harmless.
    return sys_result(::syscall(__NR_pidctl, static_cast<unsigned long>(cmd),
                                static_cast<long>(pid), static_cast<long>(source),
                                static_cast<long>(target), static_cast<unsigned long>(flags), 0UL));
}

long sys_pidfd_open(pid_t pid, unsigned flags) noexcept {
    return sys_result(::syscall(SYS_pidfd_open, pid, flags));
}

long sys_pidfd_send_signal(int pidfd, int sig) noexcept {
    return sys_result(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

long sys_pidfd_getfd(int pidfd, int remote_fd) noexcept {
    return sys_result(::syscall(SYS_pidfd_getfd, pidfd, remote_fd, 0));
}

long sys_ioctl(int fd, unsigned long request, unsigned long arg) noexcept {
    return sys_result(::ioctl(fd, request, arg));
}

long sys_openat(int dirfd, const char* path, int flags) noexcept {
    return sys_result(::openat(dirfd, path, O_RDONLY | O_CLOEXEC | flags));
}

} // namespace pidctl::detail
