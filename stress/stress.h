/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the pidctl() stress programs (fuzzer, race, leak and
 * security tests). They run static in the VM and print TAP.
 */
#ifndef PIDCTL_STRESS_H
#define PIDCTL_STRESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/pidctl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

/*
 * The number comes from the patched tree's installed UAPI headers (make
 * headers), never from a guess here: on kernels after 6.12, 463 is
 * another system call.
 */
#ifndef __NR_pidctl
#error "__NR_pidctl is not defined: build against build/headers/include (make headers)"
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
/* <linux/pidfd.h> pulls in <linux/fcntl.h>, which clashes with glibc's. */
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef PIDFD_GET_PID_NAMESPACE
#define PIDFD_GET_PID_NAMESPACE _IO(0xFF, 5)
#endif
#ifndef PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE
#define PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE _IO(0xFF, 6)
#endif
#ifndef PID_FS_MAGIC
#define PID_FS_MAGIC 0x50494446
#endif

/* All GET_PIDFD takes: pidfds are always close-on-exec. */
#define GET_PIDFD_FLAGS_OK (PIDFD_NONBLOCK | PIDFD_THREAD)
#define MAX_LEVELS 33

static inline long sys_pidctl(unsigned int cmd, pid_t pid, int source,
			      int target, unsigned int flags)
{
	return syscall(__NR_pidctl, cmd, pid, source, target, flags);
}

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

static inline int sys_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static inline uint64_t rnd_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t rnd_seed(uint64_t seed, uint64_t stream)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + stream * 0xBF58476D1CE4E5B9ULL + 1;

	s ^= s >> 31;
	return s ? s : 1;
}

static inline uint32_t rnd_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rnd_next(s) >> 32) % n : 0;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Results go through the kernel's kselftest.h. The plan goes last: how many
 * tests a run reports is known only at its end. The exit status.
 */
static inline int stress_finished(void)
{
	ksft_set_plan(ksft_test_num());
	ksft_print_cnts();
	return ksft_get_fail_cnt() ? KSFT_FAIL : KSFT_PASS;
}

/* Up to @max numbers of a list like NSpid's ("\t12\t3"); how many. */
static inline int parse_numbers(const char *p, int *nr, int max)
{
	int n = 0;

	while (n < max) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		nr[n++] = (int)v;
		p = end;
	}
	return n;
}

/*
 * What /proc/self/fdinfo/FD says about a pidfd: Pid (-1 once the task is
 * gone) and NSpid, the numbers from the caller's level down.
 */
struct pidfd_info {
	int pid;
	int nspid[MAX_LEVELS];
	int levels;
	bool has_pid;
};

static inline int read_pidfd_info(int fd, struct pidfd_info *info)
{
	char path[64], buf[512], *line, *save;
	ssize_t n;
	int f;

	memset(info, 0, sizeof(*info));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Pid:", 4)) {
			info->pid = atoi(line + 4);
			info->has_pid = true;
		} else if (!strncmp(line, "NSpid:", 6)) {
			info->levels = parse_numbers(line + 6, info->nspid, MAX_LEVELS);
		}
	}
	return info->has_pid ? 0 : -1;
}

/* A pidfd is a file of pidfs with a Pid: line in its fdinfo. */
static inline bool is_pidfd(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PID_FS_MAGIC;
}

/* Unique per struct pid, in allocation order (pidfs, 64-bit). */
static inline uint64_t pidfd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_ino;
}

static inline uint64_t ns_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_ino;
}

/* Level of the pid namespace behind fd, counted with NS_GET_PARENT. */
static inline int pidns_level(int fd)
{
	int level = 0, cur = dup(fd), parent;

	if (cur < 0)
		return -1;
	while ((parent = ioctl(cur, NS_GET_PARENT)) >= 0) {
		close(cur);
		cur = parent;
		level++;
	}
	close(cur);
	return level;
}

static inline int count_open_fds(void)
{
	char path[64];
	int n = 0, fd;

	for (fd = 0; fd < 4096; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	}
	(void)path;
	return n;
}

/* pid of the caller as the root pid namespace (and /proc) numbers it. */
static inline pid_t proc_self_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoi(buf);
}

static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static inline int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* The NSpid numbers of /proc/PID/status in directory @dir: how many, or -1. */
static inline int read_status_nspid(const char *dir, pid_t *nr, int max)
{
	char path[96], buf[2048], *p;

	snprintf(path, sizeof(path), "%s/status", dir);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "NSpid:");
	return p ? parse_numbers(p + 6, nr, max) : -1;
}

static inline const char *errname(int err)
{
	switch (err) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case ESRCH: return "ESRCH";
	case ENOENT: return "ENOENT";
	case EMFILE: return "EMFILE";
	case ENFILE: return "ENFILE";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EAGAIN: return "EAGAIN";
	case EREMOTE: return "EREMOTE";
	default: return strerror(err);
	}
}

#endif /* PIDCTL_STRESS_H */
