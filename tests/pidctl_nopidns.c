// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl() on a kernel built without CONFIG_PID_NS: there is one pid
 * namespace, named by -1 only, and every command still answers for it.
 * Prints TAP; run by the kernel-nopidns suite of mk/check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/pidctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __NR_pidctl
#define __NR_pidctl 463
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int test_nr;
static int failures;

static long sys_pidctl(unsigned int cmd, pid_t pid, int source, int target,
		       unsigned int flags)
{
	return syscall(__NR_pidctl, cmd, pid, source, target, flags);
}

static void report(int ok, const char *name, long got, int err)
{
	test_nr++;
	if (!ok)
		failures++;
	printf("%sok %d - %s", ok ? "" : "not ", test_nr, name);
	if (!ok)
		printf(" (returned %ld, errno %d)", got, err);
	printf("\n");
}

static void expect_value(const char *name, long got, long want)
{
	report(got == want, name, got, got < 0 ? errno : 0);
}

static void expect_errno(const char *name, long got, int want)
{
	int err = errno;

	report(got == -1 && err == want, name, got, err);
}

int main(void)
{
	int netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	siginfo_t info = { 0 };
	pid_t child;
	long pidfd;

	printf("1..9\n");
	expect_value("no pid namespace files without CONFIG_PID_NS",
		     access("/proc/self/ns/pid", F_OK) == -1 && errno == ENOENT, 1);
	expect_value("QUERY_PID of self in the one namespace",
		     sys_pidctl(PIDCMD_QUERY_PID, getpid(), -1, -1, 0), getpid());
	expect_value("QUERY_PIDNS of the one namespace is EQUAL",
		     sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0), PIDNS_EQUAL);
	expect_errno("an unused pid is ESRCH",
		     sys_pidctl(PIDCMD_QUERY_PID, 4000000, -1, -1, 0), ESRCH);
	expect_errno("another namespace type is EINVAL",
		     sys_pidctl(PIDCMD_QUERY_PIDNS, 0, netns, -1, 0), EINVAL);
	expect_errno("a negative fd other than -1 is EBADF",
		     sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -2, -1, 0), EBADF);

	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	pidfd = sys_pidctl(PIDCMD_GET_PIDFD, child, -1, -1, PIDCTL_CLOEXEC);
	report(pidfd >= 0 && (fcntl(pidfd, F_GETFD) & FD_CLOEXEC),
	       "GET_PIDFD returns a close-on-exec pidfd", pidfd, errno);
	expect_value("the pidfd signals the child",
		     syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0), 0);
	expect_value("waitid(P_PIDFD) reaps the child by SIGKILL",
		     waitid(P_PIDFD, pidfd, &info, WEXITED) == 0 &&
		     info.si_pid == child && info.si_status == SIGKILL, 1);
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
