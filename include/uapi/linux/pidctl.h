/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_PIDCTL_H
#define _UAPI_LINUX_PIDCTL_H

/*
 * Self-contained on purpose: <linux/fcntl.h> clashes with glibc's <fcntl.h>,
 * so this header includes nothing and spells out PIDCTL_CLOEXEC; the kernel
 * checks it against O_CLOEXEC at build time.
 */

/* Commands of pidctl(). */
enum pidcmd {
	PIDCMD_QUERY_PID   = 0,	/* translate a pid from source to target */
	PIDCMD_QUERY_PIDNS = 1,	/* how source and target pid namespaces relate */
	PIDCMD_GET_PIDFD   = 2,	/* pidfd for a pid named in source */
};

/* Answers of PIDCMD_QUERY_PIDNS. */
enum pidcmd_query_pidns {
	PIDNS_UNRELATED          = 0,
	PIDNS_EQUAL              = 1,
	PIDNS_SOURCE_IS_ANCESTOR = 2,
	PIDNS_TARGET_IS_ANCESTOR = 3,
};

/*
 * Flags of PIDCMD_GET_PIDFD. PIDCTL_CLOEXEC equals O_CLOEXEC, whose value
 * differs between architectures. The pidfd is close-on-exec whether or not
 * it is given. PIDFD_NONBLOCK and PIDFD_THREAD (O_NONBLOCK and O_EXCL) are
 * accepted as well, with their pidfd_open() meaning.
 */
#if defined(__alpha__) || defined(__hppa__)
#define PIDCTL_CLOEXEC 010000000
#elif defined(__sparc__)
#define PIDCTL_CLOEXEC 0x400000
#else
#define PIDCTL_CLOEXEC 02000000
#endif

#endif /* _UAPI_LINUX_PIDCTL_H */
