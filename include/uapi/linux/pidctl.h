/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_PIDCTL_H
#define _UAPI_LINUX_PIDCTL_H

/*
 * This header includes nothing, so that it can be used next to glibc's
 * <fcntl.h>, <sys/wait.h> and <sched.h> in any order. PIDCMD_GET_PIDFD
 * takes PIDFD_NONBLOCK and PIDFD_THREAD from <linux/pidfd.h> (or glibc's
 * <sys/pidfd.h>); pidfds are always close-on-exec.
 */

/* Commands of pidctl(). */
#define PIDCMD_QUERY_PID	0	/* translate a pid from source to target */
#define PIDCMD_QUERY_PIDNS	1	/* how the source and target pid namespaces relate */
#define PIDCMD_GET_PIDFD	2	/* a pidfd for a pid named in source */

/* Answers of PIDCMD_QUERY_PIDNS. */
#define PIDNS_UNRELATED			0
#define PIDNS_EQUAL			1
#define PIDNS_SOURCE_IS_ANCESTOR	2
#define PIDNS_TARGET_IS_ANCESTOR	3

/*
 * Flag of PIDCMD_QUERY_PID: @pid is a pidfd, not a number, and @source
 * must be -1. Bit 30 is far above every O_* flag on every architecture,
 * so it can never collide with PIDFD_NONBLOCK or PIDFD_THREAD.
 */
#define PIDCTL_PIDFD		(1U << 30)

#endif /* _UAPI_LINUX_PIDCTL_H */
