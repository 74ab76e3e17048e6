// SPDX-License-Identifier: LGPL-2.1-or-later
// Thin system call wrappers. Internally every call returns what the kernel
// does: a value >= 0, or a negative errno. Only the public API turns these
// into std::error_code or exceptions.
#ifndef PIDCTL_SRC_SYS_HPP
#define PIDCTL_SRC_SYS_HPP

#include <pidctl/unique_fd.hpp>

#include <cerrno>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <linux/nsfs.h>
#include <linux/pidctl.h>
#include <sys/syscall.h>
#include <sys/types.h>

#ifndef __NR_pidctl
#define __NR_pidctl 463
#endif

// The installed UAPI headers may predate Linux 6.11, and <linux/pidfd.h>
// clashes with glibc's <fcntl.h>: spell out what is missing. Values from
// include/uapi/linux/nsfs.h and include/uapi/linux/pidfd.h of Linux 6.12.
#ifndef NS_GET_PID_FROM_PIDNS
#define NS_GET_PID_FROM_PIDNS _IOR(NSIO, 0x6, int)
#endif
#ifndef NS_GET_PID_IN_PIDNS
#define NS_GET_PID_IN_PIDNS _IOR(NSIO, 0x8, int)
#endif
#ifndef PIDFD_GET_PID_NAMESPACE
#define PIDFD_GET_PID_NAMESPACE _IO(0xFF, 5)
#endif
#ifndef PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE
#define PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE _IO(0xFF, 6)
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
// pidfds live on pidfs since Linux 6.9, on anon_inodefs before.
#ifndef PIDFS_MAGIC
#define PIDFS_MAGIC 0x50494446
#endif
#ifndef ANON_INODE_FS_MAGIC
#define ANON_INODE_FS_MAGIC 0x09041934
#endif

namespace pidctl::detail {

// PIDCTL_PIDFD must not collide with the flags GET_PIDFD passes on.
static_assert((PIDCTL_PIDFD & (PIDFD_NONBLOCK | PIDFD_THREAD)) == 0,
              "PIDCTL_PIDFD overlaps a pidfd_open() flag");

// -errno of the last failed call, for wrapping libc calls that set errno.
inline long neg_errno() noexcept {
    return -static_cast<long>(errno);
}

// `ret` of a libc call that returns -1 and sets errno on failure.
inline long sys_result(long ret) noexcept {
    return ret < 0 ? neg_errno() : ret;
}

// pidctl() itself. On x86_64 inline: the system call instruction and no
// errno round trip. The sixth argument 0 keeps a stray call on kernels where
// the number is setxattrat() harmless (see sys.cpp).
#if defined(__x86_64__)
inline long sys_pidctl(unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept {
    register long r10 asm("r10") = target;
    register long r8 asm("r8") = static_cast<long>(flags);
    register long r9 asm("r9") = 0;
    long ret = __NR_pidctl;
    asm volatile("syscall"
                 : "+a"(ret)
                 : "D"(static_cast<unsigned long>(cmd)), "S"(static_cast<long>(pid)),
                   "d"(static_cast<long>(source)), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    return ret;
}
#else
long sys_pidctl(unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept;
#endif
long sys_pidfd_open(pid_t pid, unsigned flags) noexcept;
long sys_pidfd_send_signal(int pidfd, int sig) noexcept;
long sys_pidfd_getfd(int pidfd, int remote_fd) noexcept;
long sys_ioctl(int fd, unsigned long request, unsigned long arg = 0) noexcept;

// 0 if `fd` is a pidfd; EBADF (as pidfd_send_signal() says) otherwise.
long check_pidfd(int fd) noexcept;

// PIDFD_GET_INFO (Linux 6.13+): the number of a pidfd's task in the
// caller's namespace. ESRCH when the kernel will not say: reaped, not
// visible to the caller, or (6.13, 6.14) a parent the caller cannot see.
// ENOTTY on kernels without it. `fd` must be a pidfd (check_pidfd()): on
// other files the ioctl number may mean something else.
long sys_pidfd_get_info_pid(int fd) noexcept;

// Opens `path` relative to `dirfd` read-only and close-on-exec.
long sys_openat(int dirfd, const char* path, int flags = 0) noexcept;

// A result that is an fd, owned. `ret` < 0 leaves `out` empty.
inline long adopt_fd(long ret, unique_fd& out) noexcept {
    if (ret >= 0)
        out.reset(static_cast<int>(ret));
    return ret;
}

} // namespace pidctl::detail

#endif
