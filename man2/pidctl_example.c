// SPDX-License-Identifier: GPL-2.0
/*
 * The example of pidctl(2): a child in a new pid namespace, seen
 * from outside. Exits non-zero on any unexpected answer.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/pidctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const relation[] = {
    [PIDNS_UNRELATED]          = "PIDNS_UNRELATED",
    [PIDNS_EQUAL]              = "PIDNS_EQUAL",
    [PIDNS_SOURCE_IS_ANCESTOR] = "PIDNS_SOURCE_IS_ANCESTOR",
    [PIDNS_TARGET_IS_ANCESTOR] = "PIDNS_TARGET_IS_ANCESTOR",
};

/* glibc has no wrapper for pidctl(). */
static long
pidctl(unsigned int cmd, pid_t pid, int source, int target,
       unsigned int flags)
{
    return syscall(__NR_pidctl, cmd, pid, source, target, flags);
}

/* Exit unless a call returned 'want'. */
static long
expect(long got, long want, const char *what)
{
    if (got == -1)
        err(EXIT_FAILURE, "%s", what);
    if (got != want)
        errx(EXIT_FAILURE, "%s: %ld, not %ld", what, got, want);
    return got;
}

/* Exit unless a call failed with errno 'want'. */
static void
expect_error(long got, int want, const char *what)
{
    if (got != -1 || errno != want)
        errx(EXIT_FAILURE, "%s: got %ld (%s), want %s", what, got,
             got == -1 ? strerrorname_np(errno) : "no error",
             strerrorname_np(want));
    printf("%s: %s\n", what, strerrorname_np(want));
}

int
main(void)
{
    int        nsfd, pidfd, fdflags;
    long       rel;
    char       path[64];
    pid_t      child;
    siginfo_t  info;

    /* Our next child is pid 1 of a new pid namespace. */
    if (unshare(CLONE_NEWPID) == -1)
        err(EXIT_FAILURE, "unshare");
    child = fork();
    if (child == -1)
        err(EXIT_FAILURE, "fork");
    if (child == 0) {
        pause();
        _exit(EXIT_SUCCESS);
    }

    snprintf(path, sizeof(path), "/proc/%d/ns/pid", child);
    nsfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nsfd == -1)
        err(EXIT_FAILURE, "open %s", path);

    /* -1 is our own pid namespace: the parent of the child's. */
    rel = expect(pidctl(PIDCMD_QUERY_PIDNS, 0, -1, nsfd, 0),
                 PIDNS_SOURCE_IS_ANCESTOR, "PIDCMD_QUERY_PIDNS");
    printf("our pid namespace, the child's: %s\n", relation[rel]);

    /* The child's number in either pid namespace. */
    expect(pidctl(PIDCMD_QUERY_PID, child, -1, nsfd, 0), 1,
           "PIDCMD_QUERY_PID");
    expect(pidctl(PIDCMD_QUERY_PID, 1, nsfd, -1, 0), child,
           "PIDCMD_QUERY_PID");
    printf("pid %d here is pid 1 there\n", child);
    expect_error(pidctl(PIDCMD_QUERY_PID, getpid(), -1, nsfd, 0),
                 ENOENT, "our own pid there");

    /* A pidfd for pid 1 of the child's pid namespace. */
    pidfd = pidctl(PIDCMD_GET_PIDFD, 1, nsfd, -1, 0);
    if (pidfd == -1)
        err(EXIT_FAILURE, "PIDCMD_GET_PIDFD");
    fdflags = fcntl(pidfd, F_GETFD);
    if (fdflags == -1 || !(fdflags & FD_CLOEXEC))
        errx(EXIT_FAILURE, "the pidfd is not close-on-exec");

    /* The pidfd names the process: no number to be reused. */
    expect(pidctl(PIDCMD_QUERY_PID, pidfd, -1, nsfd, PIDCTL_PIDFD), 1,
           "PIDCTL_PIDFD");
    expect(pidctl(PIDCMD_QUERY_PID, pidfd, -1, -1, PIDCTL_PIDFD), child,
           "PIDCTL_PIDFD");
    printf("pidfd %d is pid 1 there, pid %d here\n", pidfd, child);

    if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) == -1)
        err(EXIT_FAILURE, "pidfd_send_signal");
    if (waitid(P_PIDFD, pidfd, &info, WEXITED) == -1)
        err(EXIT_FAILURE, "waitid");
    if (info.si_pid != child || info.si_code != CLD_KILLED)
        errx(EXIT_FAILURE, "waitid: not the child, or not killed");
    printf("pidfd %d for pid 1 there killed child %d\n", pidfd,
           child);

    expect_error(pidctl(PIDCMD_QUERY_PID, pidfd, -1, -1, PIDCTL_PIDFD),
                 ESRCH, "the pidfd after the reaping");

    /* The namespace outlives its processes while nsfd is open. */
    expect_error(pidctl(PIDCMD_QUERY_PID, 1, nsfd, -1, 0), ESRCH,
                 "pid 1 there after its death");
    rel = expect(pidctl(PIDCMD_QUERY_PIDNS, 0, nsfd, -1, 0),
                 PIDNS_TARGET_IS_ANCESTOR, "PIDCMD_QUERY_PIDNS");
    printf("the child's pid namespace, ours: %s\n", relation[rel]);

    /* A pidfd is not a pid namespace. */
    expect_error(pidctl(PIDCMD_QUERY_PIDNS, 0, pidfd, -1, 0),
                 EINVAL, "a pidfd as pid namespace");

    exit(EXIT_SUCCESS);
}
