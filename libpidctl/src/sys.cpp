// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sys.hpp"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sys/ioctl.h>
#include <sys/statfs.h>
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

namespace {

// struct pidfd_info of <linux/pidfd.h>, Linux 6.13 (PIDFD_INFO_SIZE_VER0):
// older installed headers do not have it, and that header clashes with
// glibc's <fcntl.h>.
struct pidfd_info_v0 {
    std::uint64_t mask;
    std::uint64_t cgroupid;
    std::uint32_t pid;
    std::uint32_t tgid;
    std::uint32_t ppid;
    std::uint32_t ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
    std::uint32_t spare0[1];
};
static_assert(sizeof(pidfd_info_v0) == 64, "PIDFD_INFO_SIZE_VER0");

constexpr unsigned long pidfd_get_info = _IOWR(0xFF, 11, pidfd_info_v0);
constexpr std::uint64_t pidfd_info_pid = 1;

// Before pidfs (Linux 6.9) a pidfd is the anonymous inode "[pidfd]".
bool is_anon_pidfd(int fd) {
    char path[32], link[32];
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = ::readlink(path, link, sizeof link - 1);
    if (n < 0)
        return false;
    link[n] = '\0';
    return std::strcmp(link, "anon_inode:[pidfd]") == 0;
}

} // namespace

#if !defined(__x86_64__)
long sys_pidctl(unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept {
    // Stock kernels since 6.13 have setxattrat() at this number. Its sixth
    // argument is a struct size; passing 0 makes it fail with EINVAL before
    // it looks at anything else, so a stray call is harmless.
    return sys_result(::syscall(__NR_pidctl, static_cast<unsigned long>(cmd),
                                static_cast<long>(pid), static_cast<long>(source),
                                static_cast<long>(target), static_cast<unsigned long>(flags), 0UL));
}
#endif

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

long check_pidfd(int fd) noexcept {
    if (fd < 0)
        return -EBADF;
    // O_PATH fds are no open files to the kernel's fd lookups.
    int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_PATH))
        return -EBADF;
    struct statfs sfs {};
    if (::fstatfs(fd, &sfs) < 0)
        return -EBADF;
    const auto type = static_cast<unsigned long>(sfs.f_type);
    if (type == PIDFS_MAGIC || (type == ANON_INODE_FS_MAGIC && is_anon_pidfd(fd)))
        return 0;
    return -EBADF;
}

long sys_pidfd_get_info_pid(int fd) noexcept {
    pidfd_info_v0 info{};
    info.mask = pidfd_info_pid;
    long ret = sys_result(::ioctl(fd, pidfd_get_info, &info));
    if (ret < 0)
        return ret;
    if (!(info.mask & pidfd_info_pid) || info.pid == 0 || info.pid > INT_MAX)
        return -ESRCH;
    return static_cast<long>(info.pid);
}

long sys_openat(int dirfd, const char* path, int flags) noexcept {
    return sys_result(::openat(dirfd, path, O_RDONLY | O_CLOEXEC | flags));
}

} // namespace pidctl::detail
