// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl() against what userspace has without it, on the patched kernel:
 *
 *   translate  the pid of the process at depth x, from the caller's pid
 *              namespace into the process's own (depth x):
 *              pidctl(PIDCMD_QUERY_PID) | /proc/PID/status NSpid |
 *              NS_GET_PID_FROM_PIDNS + NS_GET_PID_IN_PIDNS
 *   relation   the caller's namespace against one x levels below it:
 *              pidctl(PIDCMD_QUERY_PIDNS) | NS_GET_PARENT walk comparing
 *              st_dev/st_ino
 *   pidfd      a pidfd (then closed) for the process at depth x, named by
 *              its number in its own namespace:
 *              pidctl(PIDCMD_GET_PIDFD) | NS_GET_PID_FROM_PIDNS + pidfd_open |
 *              the same plus the re-check that makes it race-free |
 *              pidfd_open of its number in the caller's namespace (baseline) |
 *              pidctl(PIDCMD_GET_PIDFD) of that number, source -1
 *   from_pidfd the pid of the process a pidfd refers to, in the namespace
 *              at depth x (the process's own):
 *              pidctl(PIDCMD_QUERY_PID, PIDCTL_PIDFD) | "Pid:" of
 *              /proc/self/fdinfo/N (glibc's pidfd_getpid()) +
 *              NS_GET_PID_IN_PIDNS | pidctl(PIDCMD_QUERY_PID) of its number
 *              from the caller's namespace (-1), and from an nsfs fd of it
 *
 * Every method gets nsfs fds, never -1, as a program handed two namespaces
 * would. Output: @bench lines (see bench.h), read by bench/run.
 */
#include "bench.h"

#include <linux/nsfs.h>
#include <linux/pidctl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#ifndef __NR_pidctl
#error "build against the patched kernel's UAPI headers (make headers)"
#endif

static const int depths[] = { 1, 4, 16, 32 };
static const int distances[] = { 1, 4, 8, 16, 32 };
#define NDEPTHS (int)(sizeof(depths) / sizeof(depths[0]))
#define NDISTANCES (int)(sizeof(distances) / sizeof(distances[0]))

static struct bench_chain chain;

/* What one measured call works on. */
struct args {
	pid_t pid;        /* the pid as the method is given it */
	int source;       /* nsfs fd */
	int target;       /* nsfs fd */
	int level;        /* depth of target, for /proc */
	int pidfd;        /* of the process, for from_pidfd */
	pid_t free_nr;    /* a number no task has, for the anatomy */
	char path[64];    /* /proc/PID/status or /proc/self/fdinfo/N */
};

static inline long sys_pidctl(unsigned int cmd, pid_t pid, int source, int target,
			      unsigned int flags)
{
	long ret = syscall(__NR_pidctl, cmd, pid, source, target, flags);

	return ret < 0 ? -errno : ret;
}

static inline long sys_pidfd_open(pid_t pid, unsigned int flags)
{
	long ret = syscall(SYS_pidfd_open, pid, flags);

	return ret < 0 ? -errno : ret;
}

static inline long sys_ioctl(int fd, unsigned long req, unsigned long arg)
{
	long ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

/* ---- translate ---------------------------------------------------------- */

static long translate_pidctl(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PID, a->pid, a->source, a->target, 0);
}

/* Source into the caller's namespace, then into the target. */
static long translate_nsfs(void *p)
{
	struct args *a = p;
	long ours = sys_ioctl(a->source, NS_GET_PID_FROM_PIDNS, (unsigned long)a->pid);

	if (ours < 0)
		return ours;
	return sys_ioctl(a->target, NS_GET_PID_IN_PIDNS, (unsigned long)ours);
}

/*
 * A /proc file into @buf, NUL-terminated, as the /proc ways read it: one
 * open() and one read(), which is all these files need. 0 or -errno.
 */
static long read_proc_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = 0;
	return 0;
}

/*
 * The NSpid line lists the pid from the /proc mount's namespace down to
 * the process's own; entry `level` is the target's. Knowing the target's
 * level is a favour to this method: a program given only an nsfs fd would
 * first have to find it out with an NS_GET_PARENT walk.
 */
static long translate_proc(void *p)
{
	struct args *a = p;
	char buf[4096];
	char *s, *end;
	long nr, err;
	int i;

	err = read_proc_file(a->path, buf, sizeof(buf));
	if (err)
		return err;
	s = strstr(buf, "\nNSpid:");
	if (!s)
		return -ENOENT;
	s += 7;
	for (i = 0;; i++) {
		nr = strtol(s, &end, 10);
		if (end == s)
			return -ENOENT; /* no number at that level */
		if (i == a->level)
			return nr;
		s = end;
	}
}

/* ---- relation ----------------------------------------------------------- */

static long relation_pidctl(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PIDNS, 0, a->source, a->target, 0);
}

/* Whether `ancestor` is above `fd`, by walking up from `fd`. */
static long walk_finds(int fd, const struct stat *ancestor)
{
	int cur = fd, owned = -1;
	struct stat st;

	for (;;) {
		int parent = ioctl(cur, NS_GET_PARENT);
		int err = errno;

		if (owned >= 0)
			close(owned);
		if (parent < 0)
			return err == EPERM ? 0 : -err; /* top of what we may see */
		if (fstat(parent, &st)) {
			err = errno;
			close(parent);
			return -err;
		}
		if (st.st_dev == ancestor->st_dev && st.st_ino == ancestor->st_ino) {
			close(parent);
			return 1;
		}
		owned = cur = parent;
	}
}

/* The whole answer, as a library without pidctl() has to give it. */
static long relation_walk(void *p)
{
	struct args *a = p;
	struct stat s, t;
	long ret;

	if (fstat(a->source, &s) || fstat(a->target, &t))
		return -errno;
	if (s.st_dev == t.st_dev && s.st_ino == t.st_ino)
		return PIDNS_EQUAL;
	ret = walk_finds(a->target, &s);
	if (ret)
		return ret < 0 ? ret : PIDNS_SOURCE_IS_ANCESTOR;
	ret = walk_finds(a->source, &t);
	if (ret)
		return ret < 0 ? ret : PIDNS_TARGET_IS_ANCESTOR;
	return PIDNS_UNRELATED;
}

/* ---- pidfd -------------------------------------------------------------- */

static inline long closed(long fd)
{
	if (fd < 0)
		return fd;
	close((int)fd);
	return 0;
}

static long pidfd_pidctl(void *p)
{
	struct args *a = p;

	return closed(sys_pidctl(PIDCMD_GET_PIDFD, a->pid, a->source, -1, 0));
}

static long pidfd_nsfs_open(void *p)
{
	struct args *a = p;
	long ours = sys_ioctl(a->source, NS_GET_PID_FROM_PIDNS, (unsigned long)a->pid);

	if (ours < 0)
		return ours;
	return closed(sys_pidfd_open((pid_t)ours, 0));
}

/*
 * Race-free: the number may be reaped and reused between the ioctl and
 * pidfd_open(); translating again after the open proves the pidfd is the
 * process that `pid` names (if the pidfd's process was reaped meanwhile,
 * the number leads elsewhere or nowhere).
 */
static long pidfd_nsfs_checked(void *p)
{
	struct args *a = p;
	long ours = sys_ioctl(a->source, NS_GET_PID_FROM_PIDNS, (unsigned long)a->pid);
	long fd, again;

	if (ours < 0)
		return ours;
	fd = sys_pidfd_open((pid_t)ours, 0);
	if (fd < 0)
		return fd;
	again = sys_ioctl(a->source, NS_GET_PID_FROM_PIDNS, (unsigned long)a->pid);
	closed(fd);
	return again == ours ? 0 : -ESRCH;
}

static long pidfd_open_alone(void *p)
{
	struct args *a = p;

	return closed(sys_pidfd_open(a->pid, 0));
}

/* ---- from_pidfd ---------------------------------------------------------- */

static long from_pidfd_pidctl(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PID, a->pidfd, -1, a->target, PIDCTL_PIDFD);
}

/*
 * The pid a pidfd refers to, as glibc's pidfd_getpid() (2.39; Debian 12
 * has 2.36) finds it on 6.12: the "Pid:" line of /proc/self/fdinfo/N, in
 * the namespace of the /proc mount, here the caller's. 0 means the process
 * has no number there, -1 that it has been reaped. The path is made once,
 * outside the timed call: a favour to this method.
 */
static long pidfd_getpid_fdinfo(const char *path)
{
	char buf[4096];
	char *s, *end;
	long nr, err;

	err = read_proc_file(path, buf, sizeof(buf));
	if (err)
		return err;
	s = strstr(buf, "\nPid:");
	if (!s)
		return -EBADF; /* not a pidfd */
	nr = strtol(s + 5, &end, 10);
	if (end == s + 5)
		return -EIO;
	if (nr == 0)
		return -EREMOTE;
	return nr < 0 ? -ESRCH : nr;
}

/* 6.12 without pidctl(): fdinfo into the caller's namespace, then an ioctl. */
static long from_pidfd_fdinfo(void *p)
{
	struct args *a = p;
	long ours = pidfd_getpid_fdinfo(a->path);

	if (ours < 0)
		return ours;
	return sys_ioctl(a->target, NS_GET_PID_IN_PIDNS, (unsigned long)ours);
}

/* The same question by number: the pid as the caller's namespace has it. */
static long from_pidfd_number(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PID, a->pid, -1, a->target, 0);
}

/* ---- anatomy: what the calls above are made of ------------------------- */

static long null_syscall(void *p)
{
	(void)p;
	return syscall(SYS_getppid) > 0 ? 0 : -EIO;
}

/* pidctl() that fails its first check: entry, argument check, exit. */
static long pidctl_einval(void *p)
{
	(void)p;
	return sys_pidctl(~0u, 0, -1, -1, 0);
}

/* The cheapest nsfs ioctl: fd lookup, ioctl dispatch, nothing else. */
static long ioctl_nstype(void *p)
{
	struct args *a = p;

	return sys_ioctl(a->target, NS_GET_NSTYPE, 0);
}

/* QUERY_PID with both namespaces -1: no fd to look up. */
static long query_pid_self(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PID, a->pid, -1, -1, 0);
}

static long query_pidns_self(void *p)
{
	(void)p;
	return sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0);
}

/* QUERY_PID of a pidfd into the caller's namespace: no nsfs fd at all. */
static long query_pid_pidfd_self(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PID, a->pidfd, -1, -1, PIDCTL_PIDFD);
}

/*
 * PIDCTL_PIDFD given an nsfs fd, which is no pidfd: entry, the argument
 * check, fdget(), pidfd_pid() and fdput(), then EBADF. What the pidfd form
 * does instead of looking a number up.
 */
static long query_pid_pidfd_ebadf(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PID, a->target, -1, -1, PIDCTL_PIDFD);
}

/*
 * A number no task has: entry, the argument check and find_pid_ns(), which
 * walks to a leaf of the idr near the chain's, then ESRCH. What the number
 * form does instead of looking a pidfd up.
 */
static long query_pid_esrch(void *p)
{
	struct args *a = p;

	return sys_pidctl(PIDCMD_QUERY_PID, a->free_nr, -1, -1, 0);
}

/*
 * The number of a child forked and reaped just now. Numbers are handed out
 * in turn, so it stays free for as long as the benchmark runs, whatever
 * else starts meanwhile (a kernel worker takes the next number, not this).
 */
static pid_t reaped_pid(void)
{
	pid_t pid = fork();

	if (pid < 0)
		bench_die("fork");
	if (!pid)
		_exit(0);
	if (waitpid(pid, NULL, 0) != pid)
		bench_die("waitpid(%d)", (int)pid);
	return pid;
}

/* GET_PIDFD without namespace fds: the pid as the caller numbers it. */
static long get_pidfd_self(void *p)
{
	struct args *a = p;

	return closed(sys_pidctl(PIDCMD_GET_PIDFD, a->pid, -1, -1, 0));
}

static long nsfs_from(void *p)
{
	struct args *a = p;

	return sys_ioctl(a->source, NS_GET_PID_FROM_PIDNS, (unsigned long)a->pid);
}

static long nsfs_in(void *p)
{
	struct args *a = p;

	return sys_ioctl(a->target, NS_GET_PID_IN_PIDNS, (unsigned long)a->pid);
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static struct args translate_args[NDEPTHS], proc_args[NDEPTHS];
	static struct args relation_args[NDISTANCES];
	static struct args pidfd_args[NDEPTHS], alone_args[NDEPTHS];
	static struct args from_pidfd_args[NDEPTHS], from_number_args[NDEPTHS];
	static struct args deep;
	struct bench_series translate[3 * NDEPTHS], relation[2 * NDISTANCES];
	struct bench_series pidfd[5 * NDEPTHS], from_pidfd[4 * NDEPTHS], anatomy[17];
	struct bench_opts opts;
	int i, n;

	bench_parse_opts(argc, argv, &opts);
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_print_env("pidctl_bench", &opts);
	bench_pin();
	bench_chain_start(&chain, BENCH_MAX_DEPTH);

	/*
	 * One group per question, all depths in it: every round times each
	 * series once, so that the methods, and the depths, are compared on
	 * the same machine at the same moment.
	 */
	for (i = 0, n = 0; i < NDEPTHS; i++) {
		int d = depths[i];
		struct args *t = &translate_args[i], *pr = &proc_args[i];

		*t = (struct args){ .pid = chain.host[d], .source = chain.nsfd[0],
				    .target = chain.nsfd[d], .level = d };
		*pr = *t;
		snprintf(pr->path, sizeof(pr->path), "/proc/%d/status", (int)chain.host[d]);
		/* Each level's process is pid 1 of its own namespace. */
		translate[n++] = bench_series_of("translate", "pidctl", d, translate_pidctl, t, 1);
		translate[n++] = bench_series_of("translate", "proc", d, translate_proc, pr, 1);
		translate[n++] = bench_series_of("translate", "nsfs", d, translate_nsfs, t, 1);
	}
	bench_group(translate, n, &opts);

	for (i = 0, n = 0; i < NDISTANCES; i++) {
		int d = distances[i];
		struct args *r = &relation_args[i];

		*r = (struct args){ .source = chain.nsfd[0], .target = chain.nsfd[d] };
		relation[n++] = bench_series_of("relation", "pidctl", d, relation_pidctl, r,
						PIDNS_SOURCE_IS_ANCESTOR);
		relation[n++] = bench_series_of("relation", "walk", d, relation_walk, r,
						PIDNS_SOURCE_IS_ANCESTOR);
	}
	bench_group(relation, n, &opts);

	for (i = 0, n = 0; i < NDEPTHS; i++) {
		int d = depths[i];
		struct args *p = &pidfd_args[i], *al = &alone_args[i];

		*p = (struct args){ .pid = 1, .source = chain.nsfd[d] };
		*al = (struct args){ .pid = chain.host[d] };
		pidfd[n++] = bench_series_of("pidfd", "pidctl", d, pidfd_pidctl, p, 0);
		pidfd[n++] = bench_series_of("pidfd", "pidctl_self", d, get_pidfd_self, al, 0);
		pidfd[n++] = bench_series_of("pidfd", "nsfs_open", d, pidfd_nsfs_open, p, 0);
		pidfd[n++] = bench_series_of("pidfd", "nsfs_checked", d, pidfd_nsfs_checked, p, 0);
		pidfd[n++] = bench_series_of("pidfd", "open_alone", d, pidfd_open_alone, al, 0);
	}
	bench_group(pidfd, n, &opts);

	for (i = 0, n = 0; i < NDEPTHS; i++) {
		int d = depths[i];
		struct args *f = &from_pidfd_args[i], *nr = &from_number_args[i];

		*f = (struct args){ .pid = chain.host[d], .source = -1, .target = chain.nsfd[d],
				    .pidfd = (int)sys_pidfd_open(chain.host[d], 0) };
		if (f->pidfd < 0) {
			errno = -f->pidfd;
			bench_die("pidfd_open(%d)", (int)chain.host[d]);
		}
		snprintf(f->path, sizeof(f->path), "/proc/self/fdinfo/%d", f->pidfd);
		*nr = translate_args[i]; /* source: the caller's namespace's nsfs fd */
		from_pidfd[n++] = bench_series_of("from_pidfd", "pidctl", d, from_pidfd_pidctl, f,
						  1);
		from_pidfd[n++] = bench_series_of("from_pidfd", "fdinfo", d, from_pidfd_fdinfo, f,
						  1);
		from_pidfd[n++] = bench_series_of("from_pidfd", "number", d, from_pidfd_number, f,
						  1);
		from_pidfd[n++] = bench_series_of("from_pidfd", "number_fds", d, translate_pidctl,
						  nr, 1);
	}
	bench_group(from_pidfd, n, &opts);

	/* The parts, for the process and namespace at depth 32. */
	deep = (struct args){ .pid = chain.host[BENCH_MAX_DEPTH], .source = chain.nsfd[0],
			      .target = chain.nsfd[BENCH_MAX_DEPTH],
			      .pidfd = from_pidfd_args[NDEPTHS - 1].pidfd,
			      .free_nr = reaped_pid() };
	n = 0;
	anatomy[n++] = bench_series_of("anatomy", "null_syscall", 32, null_syscall, &deep, 0);
	anatomy[n++] = bench_series_of("anatomy", "pidctl_einval", 32, pidctl_einval, &deep,
				       -EINVAL);
	anatomy[n++] = bench_series_of("anatomy", "ioctl_nstype", 32, ioctl_nstype, &deep,
				       CLONE_NEWPID);
	anatomy[n++] = bench_series_of("anatomy", "query_pidns_self", 32, query_pidns_self,
				       &deep, PIDNS_EQUAL);
	anatomy[n++] = bench_series_of("anatomy", "query_pidns_fds", 32, relation_pidctl, &deep,
				       PIDNS_SOURCE_IS_ANCESTOR);
	anatomy[n++] = bench_series_of("anatomy", "query_pid_self", 32, query_pid_self, &deep,
				       chain.host[BENCH_MAX_DEPTH]);
	anatomy[n++] = bench_series_of("anatomy", "query_pid_fds", 32, translate_pidctl, &deep, 1);
	anatomy[n++] = bench_series_of("anatomy", "query_pid_pidfd_self", 32, query_pid_pidfd_self,
				       &deep, chain.host[BENCH_MAX_DEPTH]);
	anatomy[n++] = bench_series_of("anatomy", "query_pid_number", 32, from_pidfd_number, &deep,
				       1);
	anatomy[n++] = bench_series_of("anatomy", "query_pid_pidfd", 32, from_pidfd_pidctl, &deep,
				       1);
	anatomy[n++] = bench_series_of("anatomy", "query_pid_pidfd_ebadf", 32,
				       query_pid_pidfd_ebadf, &deep, -EBADF);
	anatomy[n++] = bench_series_of("anatomy", "query_pid_esrch", 32, query_pid_esrch,
				       &deep, -ESRCH);
	anatomy[n++] = bench_series_of("anatomy", "nsfs_from", 32, nsfs_from, &deep,
				       chain.host[BENCH_MAX_DEPTH]);
	anatomy[n++] = bench_series_of("anatomy", "nsfs_in", 32, nsfs_in, &deep, 1);
	anatomy[n++] = bench_series_of("anatomy", "pidfd_open", 32, pidfd_open_alone, &deep, 0);
	anatomy[n++] = bench_series_of("anatomy", "get_pidfd_self", 32, get_pidfd_self, &deep, 0);
	anatomy[n++] = bench_series_of("anatomy", "get_pidfd_fd", 32, pidfd_pidctl, &pidfd_args[3],
				       0);
	bench_group(anatomy, n, &opts);

	for (i = 0; i < NDEPTHS; i++)
		close(from_pidfd_args[i].pidfd);
	bench_chain_stop(&chain);
	printf("@done pidctl_bench\n");
	return 0;
}
