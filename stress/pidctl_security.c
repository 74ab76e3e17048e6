// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl_security - pidctl() answers nothing the caller could not learn
 * from its own pid namespace, and hands out no more than pidfd_open() and
 * kill() would allow.
 *
 * Visibility (run as root, then as root of a user namespace of its own,
 * SKIP if user namespaces are unavailable): a caller X, init of a child A
 * of the root namespace R, holds fds of R, of a sibling B of A (and of F,
 * a child of B) passed over a unix socket, and of C, D (empty) and E
 * (dead), children of A. The truth comes from the root's /proc, read by
 * the test's root process: every task of the machine, and which of them
 * live in A or below it.
 * - QUERY_PID and GET_PIDFD for every number 1..pid_max, named in R,
 *   answer only for the tasks visible in A; every other number, a task of
 *   R, of B, a thread of R or a number alive only as a process group id,
 *   is ESRCH exactly as a free number is, whatever the target (also B, C).
 *   ENOENT comes back only for visible tasks without a number in the
 *   target. Numbers named in B, F, D, E are all ESRCH.
 * - QUERY_PIDNS with B or F on either side is EPERM; R, A, C, D, E are
 *   answered (C and D are UNRELATED, E answered with its init dead).
 * - PIDCTL_PIDFD: a pidfd received from outside (of R's process, thread,
 *   zombie, of B's init) is EREMOTE whatever the target, never a number;
 *   one of a reaped process is ESRCH, an fd that is no pidfd EBADF; X's
 *   own pidfd, received from R, and its children's answer.
 *
 * Signals: an unprivileged caller (and one that is root only in a user
 * namespace of its own) cannot signal through a pidctl pidfd a process
 * kill() refuses to signal for it: the same EPERM, and the process lives
 * on; where kill() works, the pidfd works too.
 *
 * Prints TAP. Run as root in the root pid namespace.
 */
#include "stress.h"

#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define NOBODY 65534
/* Numbers named in the small namespaces are scanned up to this. */
#define SMALL_SCAN 256
#define MAX_VISIBLE 64
#define MAX_INVISIBLE 8192
#define MAX_REPORTS 5

static pid_t fork_newpid(void)
{
	return syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
}

static int send_fd(int sock, int fd)
{
	char data = 'f';
	struct iovec iov = { &data, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { &data, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * Run fn in a child process, which prints its own results numbered on from
 * ours, and take its counts back: kselftest.h keeps them in ksft_cnt.
 */

static void report_counts(int fd)
{
	struct ksft_count c = ksft_cnt;

	fflush(stdout);
	if (write(fd, &c, sizeof(c)) != sizeof(c))
		_exit(1);
}

static bool take_counts(int fd)
{
	struct ksft_count c;

	if (read(fd, &c, sizeof(c)) != sizeof(c))
		return false;
	ksft_cnt = c;
	return true;
}

static void run_child(const char *name, void (*fn)(void *), void *arg)
{
	int p[2], status;
	pid_t pid;

	if (pipe(p)) {
		ksft_test_result(false, "%s: pipe\n", name);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fn(arg);
		report_counts(p[1]);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || !take_counts(p[0]))
		ksft_test_result(false, "%s: the child did not report\n", name);
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
}

static void vexpect_errno(bool pidfd, long ret, int err, const char *fmt, va_list ap)
{
	int got = errno;
	char name[200];

	vsnprintf(name, sizeof(name), fmt, ap);
	if (pidfd && ret >= 0)
		close((int)ret);
	ksft_test_result(ret == -1 && got == err, "%s: %s (got %ld %s)\n", name, errname(err), ret,
	    ret < 0 ? errname(got) : "");
}

/* A query that must fail with err. */
static void expect_errno(long ret, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexpect_errno(false, ret, err, fmt, ap);
	va_end(ap);
}

/* GET_PIDFD that must fail with err: a pidfd it returns is closed. */
static void expect_no_pidfd(long ret, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexpect_errno(true, ret, err, fmt, ap);
	va_end(ap);
}

static void expect_value(long ret, long want, const char *fmt, ...)
{
	int got = errno;
	char name[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	ksft_test_result(ret == want, "%s: %ld (got %ld %s)\n", name, want, ret, ret < 0 ? errname(got) : "");
}

/* Dumpable still, so that it may write its own /proc/self/uid_map. */
static int drop_to_nobody(void)
{
	return setgid(NOBODY) || setuid(NOBODY) || prctl(PR_SET_DUMPABLE, 1) ? -1 : 0;
}

/* nobody, then root of a user namespace of its own (uid and gid 0 there). */
static int become_userns_root(void)
{
	char map[32];

	if (drop_to_nobody() || unshare(CLONE_NEWUSER))
		return -1;
	snprintf(map, sizeof(map), "0 %d 1", NOBODY);
	if (write_file("/proc/self/uid_map", map) || write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/gid_map", map))
		return -1;
	return getuid() == 0 ? 0 : -1;
}

/* 0 if an unprivileged process can have a user namespace here, else why not. */
static int userns_unavailable(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(become_userns_root() ? errno ? errno : 255 : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ---- the namespaces of the visibility checks ------------------------ */

/* R: root; A: X's; B, F: beside A; C, D, E: below A. */
enum { NS_R, NS_A, NS_B, NS_F, NS_C, NS_D, NS_E, NR_NS };
static const char *const ns_name[NR_NS] = { "R", "A (own, -1)", "B", "F", "C", "D (empty)",
					    "E (dead)" };
static const int ns_parent[NR_NS] = { -1, NS_R, NS_R, NS_B, NS_A, NS_A, NS_A };

static bool ns_contains(int outer, int inner)
{
	for (; inner >= 0; inner = ns_parent[inner])
		if (inner == outer)
			return true;
	return false;
}

/* A visible task: its numbers in each namespace (0 = none). */
struct visible {
	pid_t nr[NR_NS];
	bool leader;
};

/* What the root process learns from /proc and hands to X. */
struct world {
	pid_t pid_max;
	uint64_t ino_a, ino_c, ino_init_userns;
	int nr_visible, nr_invisible;
	struct visible visible[MAX_VISIBLE];
	pid_t invisible[MAX_INVISIBLE];	/* root numbers of tasks outside A */
	bool incomplete;
};

/* The helpers X starts in A: A-numbers, as fork() returned them. */
struct a_tasks {
	pid_t member, member_thread, pgrp_only, pgrp_member, c_init, c_member;
	int fd[NR_NS];		/* -1 for A */
	int pidfd_root, pidfd_root_thread, pidfd_zombie, pidfd_reaped, pidfd_b_init;
	int pidfd_self, pidfd_c_member;
	pid_t self_root;
};

static bool ns_below(int fd, uint64_t ino)
{
	int cur = dup(fd), parent;
	bool found = false;

	while (cur >= 0) {
		if (ns_ino(cur) == ino) {
			found = true;
			break;
		}
		parent = ioctl(cur, NS_GET_PARENT);
		close(cur);
		cur = parent;
	}
	if (cur >= 0)
		close(cur);
	return found;
}

/* One task of /proc, sorted into the visible or the invisible list. */
static void learn_task(struct world *w, pid_t tgid, pid_t tid)
{
	char dir[64], path[96];
	pid_t nr[MAX_LEVELS];
	int fd, n;
	uint64_t ino;
	bool below;

	snprintf(dir, sizeof(dir), "/proc/%d/task/%d", tgid, tid);
	snprintf(path, sizeof(path), "%s/ns/pid", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* gone: a task of R (ours are all there) */
	ino = ns_ino(fd);
	below = ns_below(fd, w->ino_a);
	close(fd);
	if (!below) {
		if (w->nr_invisible < MAX_INVISIBLE)
			w->invisible[w->nr_invisible++] = tid;
		return;
	}
	n = read_status_nspid(dir, nr, MAX_LEVELS);
	if (n < 2 || w->nr_visible == MAX_VISIBLE) {
		w->incomplete = true;
		return;
	}
	w->visible[w->nr_visible].nr[NS_R] = nr[0];
	w->visible[w->nr_visible].nr[NS_A] = nr[1];
	w->visible[w->nr_visible].nr[NS_C] = ino == w->ino_c && n > 2 ? nr[2] : 0;
	w->visible[w->nr_visible].leader = tid == tgid;
	w->nr_visible++;
}

static void learn_world(struct world *w)
{
	DIR *proc = opendir("/proc"), *tasks;
	struct dirent *de, *te;
	char path[64];

	w->nr_visible = w->nr_invisible = 0;
	if (!proc) {
		w->incomplete = true;
		return;
	}
	while ((de = readdir(proc))) {
		pid_t tgid = atoi(de->d_name);

		if (tgid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", tgid);
		tasks = opendir(path);
		if (!tasks)
			continue;
		while ((te = readdir(tasks)))
			if (atoi(te->d_name) > 0)
				learn_task(w, tgid, atoi(te->d_name));
		closedir(tasks);
	}
	closedir(proc);
}

/* ---- X: the caller in A ---------------------------------------------- */

struct x_args {
	struct world *w;
	int sock, ready, go;
	bool userns;
};

static const char *who;

static const struct visible *find_visible(const struct world *w, int ns, pid_t nr)
{
	int i;

	for (i = 0; i < w->nr_visible; i++)
		if (w->visible[i].nr[ns] == nr)
			return &w->visible[i];
	return NULL;
}

static bool is_invisible(const struct world *w, pid_t nr)
{
	int i;

	for (i = 0; i < w->nr_invisible; i++)
		if (w->invisible[i] == nr)
			return true;
	return false;
}

/*
 * What the contract says pidctl(cmd, nr, source, target, flags) answers
 * for a number: a value, -errno, or PIDFD_OF for a pidfd of *task.
 */
#define PIDFD_OF 0x7fffffff

static long expected(const struct world *w, unsigned int cmd, pid_t nr, int src, int tgt,
		     unsigned int flags, const struct visible **task)
{
	const struct visible *v = find_visible(w, src, nr);

	*task = v;
	if (!v)
		return -ESRCH; /* free, or a task outside A: the same */
	if (!v->nr[tgt])
		return -ENOENT;
	if (cmd == PIDCMD_QUERY_PID)
		return v->nr[tgt];
	if (!(flags & PIDFD_THREAD) && !v->leader)
		return -EINVAL;
	return PIDFD_OF;
}

static const char *cmd_name(unsigned int cmd)
{
	return cmd == PIDCMD_QUERY_PID ? "QUERY_PID" : "GET_PIDFD";
}

/* The pidfd names the task: the root's /proc numbers it. */
static bool pidfd_names(int fd, const struct visible *v)
{
	struct pidfd_info info;

	return is_pidfd(fd) && !read_pidfd_info(fd, &info) && info.pid == v->nr[NS_R];
}

/*
 * Every number from 1 to hi named in src, with target tgt: each answer
 * must be the one expected() gives. Reports the counts in one TAP line.
 */
static void scan(const struct a_tasks *t, const struct world *w, unsigned int cmd, int src,
		 int tgt, unsigned int flags, pid_t hi)
{
	unsigned long answered = 0, esrch = 0, enoent = 0, einval = 0, hidden = 0, bad = 0;
	const struct visible *v;
	pid_t nr;

	for (nr = 1; nr <= hi; nr++) {
		long want = expected(w, cmd, nr, src, tgt, flags, &v);
		long ret = sys_pidctl(cmd, nr, t->fd[src], t->fd[tgt], flags);
		long got = ret < 0 ? -errno : ret;
		bool ok;

		if (want == PIDFD_OF)
			ok = ret >= 0 && pidfd_names((int)ret, v);
		else
			ok = got == want;
		if (cmd == PIDCMD_GET_PIDFD && ret >= 0)
			close((int)ret);
		if (!ok && bad++ < MAX_REPORTS)
			ksft_print_msg("%s(%d, %s, %s, %#x) = %ld %s, expected %s\n", cmd_name(cmd), nr,
			     ns_name[src], ns_name[tgt], flags, ret, ret < 0 ? errname(-got) : "",
			     want == PIDFD_OF ? "a pidfd of the task" :
			     want < 0 ? errname((int)-want) : "its number");
		if (!ok)
			continue;
		if (want == -ESRCH) {
			esrch++;
			if (src == NS_R && is_invisible(w, nr))
				hidden++;
		} else if (want == -ENOENT) {
			enoent++;
		} else if (want == -EINVAL) {
			einval++;
		} else {
			answered++;
		}
	}
	ksft_test_result(!bad, "visibility (%s): %s(1..%d, %s, %s, %#x): %lu answered, %lu ENOENT, "
	    "%lu EINVAL (threads), %lu ESRCH (%lu of them tasks outside A)%s\n", who,
	    cmd_name(cmd), hi, ns_name[src], ns_name[tgt], flags, answered, enoent, einval,
	    esrch, hidden, bad ? ", see the lines above" : "");
}

static void scans(const struct a_tasks *t, const struct world *w)
{
	static const int small[] = { NS_A, NS_B, NS_F, NS_C, NS_D, NS_E };
	static const int targets[] = { NS_R, NS_A, NS_B, NS_C };
	unsigned int i, j;

	/* Every number of the machine, named in R. */
	for (j = 0; j < sizeof(targets) / sizeof(targets[0]); j++)
		scan(t, w, PIDCMD_QUERY_PID, NS_R, targets[j], 0, w->pid_max);
	scan(t, w, PIDCMD_GET_PIDFD, NS_R, NS_A, 0, w->pid_max);
	scan(t, w, PIDCMD_GET_PIDFD, NS_R, NS_A, PIDFD_THREAD, w->pid_max);
	scan(t, w, PIDCMD_GET_PIDFD, NS_R, NS_R, PIDFD_NONBLOCK, w->pid_max);
	scan(t, w, PIDCMD_GET_PIDFD, NS_R, NS_B, 0, w->pid_max);
	/* The namespaces with few numbers: those named in them. */
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		scan(t, w, PIDCMD_QUERY_PID, small[i], NS_R, 0, SMALL_SCAN);
		scan(t, w, PIDCMD_QUERY_PID, small[i], small[i], 0, SMALL_SCAN);
		scan(t, w, PIDCMD_GET_PIDFD, small[i], NS_A, PIDFD_THREAD, SMALL_SCAN);
	}
}

/* The cases of the issue by name, beside the scans. */
static void named_checks(const struct a_tasks *t, const struct world *w)
{
	int r = t->fd[NS_R], b = t->fd[NS_B], c = t->fd[NS_C];
	pid_t parent = getppid(); /* 0: outside A */
	long ret;

	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, 1, b, r, 0), ESRCH,
		     "visibility (%s): QUERY_PID(1, B, R)", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, 1, b, -1, 0), ESRCH,
		     "visibility (%s): QUERY_PID(1, B, -1)", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, 1, b, b, 0), ESRCH,
		     "visibility (%s): QUERY_PID(1, B, B)", who);
	expect_no_pidfd(sys_pidctl(PIDCMD_GET_PIDFD, 1, b, -1, 0), ESRCH,
		     "visibility (%s): GET_PIDFD(1, B, -1)", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, 1, t->fd[NS_F], b, 0), ESRCH,
		     "visibility (%s): QUERY_PID(1, F, B)", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, 1, r, r, 0), ESRCH,
		     "visibility (%s): QUERY_PID(1, R, R), the machine's init", who);
	expect_no_pidfd(sys_pidctl(PIDCMD_GET_PIDFD, 1, r, r, 0), ESRCH,
		     "visibility (%s): GET_PIDFD(1, R, R)", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, t->self_root + 1000000, r, -1, 0), ESRCH,
		     "visibility (%s): a free number is ESRCH too", who);
	ksft_test_result(parent == 0, "visibility (%s): X is init of A (getppid() %d)\n", who, parent);
	/* A number alive only as a process group id is no task. */
	ret = getpgid(t->pgrp_member);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, t->pgrp_only, -1, -1, 0), ESRCH,
		     "visibility (%s): a number alive only as a process group id (%d, the pgid "
		     "of %ld)", who, t->pgrp_only, ret);
	expect_no_pidfd(sys_pidctl(PIDCMD_GET_PIDFD, t->pgrp_only, -1, -1, 0), ESRCH,
		     "visibility (%s): GET_PIDFD of it", who);
	/* What X can see, it gets, named either way. */
	expect_value(sys_pidctl(PIDCMD_QUERY_PID, t->self_root, r, -1, 0), 1,
		     "visibility (%s): QUERY_PID(itself by its root number, R, -1)", who);
	expect_value(sys_pidctl(PIDCMD_QUERY_PID, 1, -1, r, 0), t->self_root,
		     "visibility (%s): QUERY_PID(1, -1, R)", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, 1, -1, c, 0), ENOENT,
		     "visibility (%s): QUERY_PID(1, -1, C): visible, no number in C", who);
	ret = sys_pidctl(PIDCMD_GET_PIDFD, t->self_root, r, -1, 0);
	ksft_test_result(ret >= 0 && is_pidfd((int)ret), "visibility (%s): GET_PIDFD(itself by its root "
	    "number, R, -1) (got %ld %s)\n", who, ret, ret < 0 ? errname(errno) : "");
	if (ret >= 0)
		close((int)ret);
	expect_value(sys_pidctl(PIDCMD_QUERY_PID, 2, c, -1, 0), t->c_member,
		     "visibility (%s): QUERY_PID(2, C, -1)", who);
	expect_no_pidfd(sys_pidctl(PIDCMD_GET_PIDFD, t->member_thread, -1, -1, 0), EINVAL,
		     "visibility (%s): GET_PIDFD of a visible thread that does not lead", who);
	/* X, the member and its thread, the group's member, C's two, D's unsharer. */
	ksft_test_result(w->nr_visible == 7 && w->nr_invisible > 3 && !w->incomplete,
	    "visibility (%s): the root's /proc shows %d tasks in A or below and %d outside\n", who,
	    w->nr_visible, w->nr_invisible);
}

static const char *relation_name(long r)
{
	static const char *const names[] = { "UNRELATED", "EQUAL", "SRC_ANC", "TGT_ANC" };

	return r >= 0 && r < 4 ? names[r] : "?";
}

/* QUERY_PIDNS over every pair: EPERM with B or F, else the relation. */
static void pidns_checks(const struct a_tasks *t)
{
	int s, g;

	for (s = 0; s < NR_NS; s++) {
		char got[NR_NS * 12] = "";
		int bad = 0, len = 0;

		for (g = 0; g < NR_NS; g++) {
			long ret = sys_pidctl(PIDCMD_QUERY_PIDNS, 0, t->fd[s], t->fd[g], 0);
			long r = ret < 0 ? -errno : ret;
			bool seen_s = ns_contains(s, NS_A) || ns_contains(NS_A, s);
			bool seen_g = ns_contains(g, NS_A) || ns_contains(NS_A, g);
			long want = !seen_s || !seen_g ? -EPERM :
				    s == g ? PIDNS_EQUAL :
				    ns_contains(s, g) ? PIDNS_SOURCE_IS_ANCESTOR :
				    ns_contains(g, s) ? PIDNS_TARGET_IS_ANCESTOR : PIDNS_UNRELATED;

			if (r != want)
				bad++;
			len += snprintf(got + len, sizeof(got) - len, " %s",
					r < 0 ? errname((int)-r) : relation_name(r));
		}
		ksft_test_result(!bad, "visibility (%s): QUERY_PIDNS(%s, R A B F C D E):%s\n", who, ns_name[s],
		    got);
	}
}

/* PIDCTL_PIDFD: EREMOTE for what came from outside, never a number. */
static void pidfd_checks(const struct a_tasks *t)
{
	static const int targets[] = { NS_A, NS_R, NS_B, NS_C };
	const struct { int fd; const char *name; } remote[] = {
		{ t->pidfd_root, "the root process's pidfd" },
		{ t->pidfd_root_thread, "a PIDFD_THREAD pidfd of its thread" },
		{ t->pidfd_zombie, "a root zombie's pidfd" },
		{ t->pidfd_b_init, "B's init's pidfd" },
	};
	unsigned int i, j;

	for (i = 0; i < sizeof(remote) / sizeof(remote[0]); i++) {
		for (j = 0; j < sizeof(targets) / sizeof(targets[0]); j++)
			expect_errno(sys_pidctl(PIDCMD_QUERY_PID, remote[i].fd, -1,
						t->fd[targets[j]], PIDCTL_PIDFD), EREMOTE,
				     "pidfd (%s): %s, received from outside, target %s", who,
				     remote[i].name, ns_name[targets[j]]);
	}
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_reaped, -1, t->fd[NS_R], PIDCTL_PIDFD),
		     ESRCH, "pidfd (%s): a reaped root process's pidfd, target R", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, t->fd[NS_B], -1, -1, PIDCTL_PIDFD), EBADF,
		     "pidfd (%s): B's namespace fd is no pidfd", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, 999, -1, -1, PIDCTL_PIDFD), EBADF,
		     "pidfd (%s): a closed fd", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_self, t->fd[NS_R], -1, PIDCTL_PIDFD),
		     EINVAL, "pidfd (%s): source must be -1", who);
	expect_value(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_self, -1, -1, PIDCTL_PIDFD), 1,
		     "pidfd (%s): its own pidfd, received from R, target -1", who);
	expect_value(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_self, -1, t->fd[NS_R], PIDCTL_PIDFD),
		     t->self_root, "pidfd (%s): the same, target R", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_self, -1, t->fd[NS_C], PIDCTL_PIDFD),
		     ENOENT, "pidfd (%s): the same, target C", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_self, -1, t->fd[NS_B], PIDCTL_PIDFD),
		     ENOENT, "pidfd (%s): the same, target B", who);
	expect_value(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_c_member, -1, t->fd[NS_C], PIDCTL_PIDFD),
		     2, "pidfd (%s): C's second process, target C", who);
	expect_value(sys_pidctl(PIDCMD_QUERY_PID, t->pidfd_c_member, -1, -1, PIDCTL_PIDFD),
		     t->c_member, "pidfd (%s): the same, target -1", who);
}

static void __attribute__((noreturn)) block(void)
{
	for (;;)
		pause();
}

static void *blocked_thread(void *arg)
{
	*(pid_t *)arg = gettid();
	block();
}

/* A's other tasks, C, D and E; their fds. X's numbers are A's. */
static int start_a_tasks(struct a_tasks *t)
{
	struct pidfd_info info;
	int sync[2], pfd;
	pid_t pid, d, e;
	char c;

	if (pipe(sync))
		return -1;
	/* A member with a second thread. */
	t->member = fork();
	if (t->member == 0) {
		pthread_t th;
		pid_t tid = 0;

		pthread_create(&th, NULL, blocked_thread, &tid);
		while (!tid)
			usleep(1000);
		if (write(sync[1], &tid, sizeof(tid)) != sizeof(tid))
			_exit(1);
		block();
	}
	if (read(sync[0], &t->member_thread, sizeof(pid_t)) != sizeof(pid_t))
		return -1;
	/* A group leader that exits; its group lives on in a member. */
	t->pgrp_only = fork();
	if (t->pgrp_only == 0) {
		setpgid(0, 0);
		pid = fork();
		if (pid == 0)
			block();
		if (write(sync[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		_exit(0);
	}
	if (read(sync[0], &t->pgrp_member, sizeof(pid_t)) != sizeof(pid_t))
		return -1;
	waitpid(t->pgrp_only, NULL, 0);
	/* C: its init and a second process, 2 in C. */
	t->c_init = fork_newpid();
	if (t->c_init == 0) {
		pid = fork();
		if (pid == 0)
			block();
		if (write(sync[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		block();
	}
	if (read(sync[0], &pid, sizeof(pid)) != sizeof(pid) || pid != 2)
		return -1;
	pfd = sys_pidfd_open(t->c_init, 0);
	t->fd[NS_C] = ioctl(pfd, PIDFD_GET_PID_NAMESPACE, 0);
	close(pfd);
	/* The second process was numbered in A right after C's init: make sure. */
	t->c_member = t->c_init + 1;
	t->pidfd_c_member = sys_pidfd_open(t->c_member, 0);
	if (read_pidfd_info(t->pidfd_c_member, &info) || info.levels != 3 ||
	    info.nspid[1] != t->c_member || info.nspid[2] != 2)
		return -1;
	/* D: unshared by a process that never forks into it. */
	d = fork();
	if (d == 0) {
		if (unshare(CLONE_NEWPID) || write(sync[1], "d", 1) != 1)
			_exit(1);
		block();
	}
	if (read(sync[0], &c, 1) != 1)
		return -1;
	pfd = sys_pidfd_open(d, 0);
	t->fd[NS_D] = ioctl(pfd, PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 0);
	close(pfd);
	/* E: its init dies once we hold the namespace. */
	e = fork_newpid();
	if (e == 0)
		block();
	pfd = sys_pidfd_open(e, 0);
	t->fd[NS_E] = ioctl(pfd, PIDFD_GET_PID_NAMESPACE, 0);
	close(pfd);
	kill(e, SIGKILL);
	waitpid(e, NULL, 0);
	close(sync[0]);
	close(sync[1]);
	return t->fd[NS_C] < 0 || t->fd[NS_D] < 0 || t->fd[NS_E] < 0 ||
	       t->pidfd_c_member < 0 ? -1 : 0;
}

static void x_main(void *arg)
{
	struct x_args *xa = arg;
	struct world *w = xa->w;
	struct a_tasks t = { 0 };
	char c = 'r';

	t.fd[NS_A] = -1;
	t.fd[NS_R] = recv_fd(xa->sock);
	t.fd[NS_B] = recv_fd(xa->sock);
	t.fd[NS_F] = recv_fd(xa->sock);
	t.pidfd_root = recv_fd(xa->sock);
	t.pidfd_root_thread = recv_fd(xa->sock);
	t.pidfd_zombie = recv_fd(xa->sock);
	t.pidfd_reaped = recv_fd(xa->sock);
	t.pidfd_b_init = recv_fd(xa->sock);
	t.self_root = proc_self_pid();
	if (t.fd[NS_R] < 0 || t.fd[NS_B] < 0 || t.fd[NS_F] < 0 || t.pidfd_root < 0 ||
	    t.pidfd_root_thread < 0 || t.pidfd_zombie < 0 || t.pidfd_reaped < 0 ||
	    t.pidfd_b_init < 0 || getpid() != 1 || start_a_tasks(&t)) {
		ksft_test_result(false, "visibility (%s): X's setup in A\n", who);
		return;
	}
	w->ino_c = ns_ino(t.fd[NS_C]);
	/* The root process now reads /proc; then it sends X's own pidfd. */
	if (write(xa->ready, &c, 1) != 1 || read(xa->go, &c, 1) != 1)
		t.pidfd_self = -1;
	else
		t.pidfd_self = recv_fd(xa->sock);
	if (t.pidfd_self < 0) {
		ksft_test_result(false, "visibility (%s): the root process did not answer\n", who);
		return;
	}
	if (xa->userns && become_userns_root()) {
		ksft_test_result(false, "visibility (%s): becoming root of a user namespace: %s\n", who,
		    strerror(errno));
		return;
	}
	{
		int u = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
		bool own = u >= 0 && ns_ino(u) != w->ino_init_userns;

		ksft_test_result(getuid() == 0 && own == xa->userns, "visibility (%s): uid %d, %s user "
		    "namespace\n", who, getuid(), own ? "in a" : "in the initial");
		if (u >= 0)
			close(u);
	}
	named_checks(&t, w);
	pidns_checks(&t);
	pidfd_checks(&t);
	scans(&t, w);
}

/* The root-side processes of the check: B with F, a zombie, a reaped one. */
struct r_side {
	pid_t b_init, zombie, threaded, thread;
	int hold[2];
	int fd_b, fd_f, pidfd_zombie, pidfd_reaped, pidfd_b_init, pidfd_thread;
};

static int start_r_side(struct r_side *r)
{
	int sync[2];
	pid_t reaped;
	char c;

	if (pipe(r->hold) || pipe(sync))
		return -1;
	r->b_init = fork_newpid();
	if (r->b_init == 0) {
		close(r->hold[1]);
		if (fork() == 0) {
			while (read(r->hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
		/* F below B, with an init of its own. */
		if (unshare(CLONE_NEWPID))
			_exit(1);
		if (fork() == 0) {
			while (read(r->hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
		if (write(sync[1], "b", 1) != 1)
			_exit(1);
		while (read(r->hold[0], &c, 1) > 0)
			;
		while (wait(NULL) > 0)
			;
		_exit(0);
	}
	if (r->b_init < 0 || read(sync[0], &c, 1) != 1)
		return -1;
	r->pidfd_b_init = sys_pidfd_open(r->b_init, 0);
	r->fd_b = ioctl(r->pidfd_b_init, PIDFD_GET_PID_NAMESPACE, 0);
	r->fd_f = ioctl(r->pidfd_b_init, PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 0);
	/* A process of R with a second thread. */
	r->threaded = fork();
	if (r->threaded == 0) {
		pthread_t th;
		pid_t tid = 0;

		close(r->hold[1]);
		pthread_create(&th, NULL, blocked_thread, &tid);
		while (!tid)
			usleep(1000);
		if (write(sync[1], &tid, sizeof(tid)) != sizeof(tid))
			_exit(1);
		while (read(r->hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	if (r->threaded < 0 || read(sync[0], &r->thread, sizeof(pid_t)) != sizeof(pid_t))
		return -1;
	close(sync[0]);
	close(sync[1]);
	r->pidfd_thread = sys_pidfd_open(r->thread, PIDFD_THREAD);
	r->zombie = fork();
	if (r->zombie == 0)
		_exit(0);
	r->pidfd_zombie = sys_pidfd_open(r->zombie, 0);
	reaped = fork();
	if (reaped == 0)
		_exit(0);
	r->pidfd_reaped = sys_pidfd_open(reaped, 0);
	waitpid(reaped, NULL, 0);
	close(r->hold[0]);
	if (r->fd_b < 0 || r->fd_f < 0 || r->pidfd_zombie < 0 || r->pidfd_reaped < 0 ||
	    r->pidfd_thread < 0)
		ksft_print_msg("root side: fds B %d, F %d, zombie %d, reaped %d, thread %d (%s)\n", r->fd_b,
		     r->fd_f, r->pidfd_zombie, r->pidfd_reaped, r->pidfd_thread, strerror(errno));
	return r->fd_b < 0 || r->fd_f < 0 || r->pidfd_zombie < 0 || r->pidfd_reaped < 0 ||
	       r->pidfd_thread < 0 ? -1 : 0;
}

static void stop_r_side(struct r_side *r)
{
	close(r->hold[1]);
	waitpid(r->b_init, NULL, 0);
	waitpid(r->threaded, NULL, 0);
	waitpid(r->zombie, NULL, 0);
	close(r->pidfd_thread);
	close(r->fd_b);
	close(r->fd_f);
	close(r->pidfd_zombie);
	close(r->pidfd_reaped);
	close(r->pidfd_b_init);
}

static void visibility_checks(bool userns)
{
	struct world *w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int sv[2], ready[2], go[2], counts[2], root_fd, pfd, i;
	struct x_args xa = { .w = w, .userns = userns };
	struct r_side r = { 0 };
	char buf[32], c;
	pid_t x;

	who = userns ? "root of its own userns" : "root";
	if (w == MAP_FAILED || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ||
	    pipe(ready) || pipe(go) || pipe(counts) || start_r_side(&r)) {
		ksft_test_result(false, "visibility (%s): setup of the root side\n", who);
		return;
	}
	read_file("/proc/sys/kernel/pid_max", buf, sizeof(buf));
	w->pid_max = atoi(buf);
	root_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	pfd = sys_pidfd_open(getpid(), 0);
	xa.sock = sv[1];
	xa.ready = ready[1];
	xa.go = go[0];
	fflush(stdout);
	x = fork_newpid();
	if (x == 0) {
		close(counts[0]);
		x_main(&xa);
		report_counts(counts[1]);
		_exit(0);
	}
	close(counts[1]);
	close(ready[1]);
	close(go[0]);
	if (x > 0 && !send_fd(sv[0], root_fd) && !send_fd(sv[0], r.fd_b) &&
	    !send_fd(sv[0], r.fd_f) && !send_fd(sv[0], pfd) && !send_fd(sv[0], r.pidfd_thread) &&
	    !send_fd(sv[0], r.pidfd_zombie) && !send_fd(sv[0], r.pidfd_reaped) &&
	    !send_fd(sv[0], r.pidfd_b_init) && read(ready[0], &c, 1) == 1) {
		int xfd = sys_pidfd_open(x, 0);
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/pid", x);
		i = open(path, O_RDONLY | O_CLOEXEC);
		w->ino_a = ns_ino(i);
		close(i);
		i = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
		w->ino_init_userns = ns_ino(i);
		close(i);
		learn_world(w);
		if (write(go[1], "g", 1) != 1 || send_fd(sv[0], xfd))
			ksft_print_msg("visibility (%s): cannot start X\n", who);
		close(xfd);
	}
	close(go[1]);
	if (x < 0 || !take_counts(counts[0]))
		ksft_test_result(false, "visibility (%s): X did not report\n", who);
	if (x > 0)
		waitpid(x, NULL, 0);
	close(counts[0]);
	close(ready[0]);
	close(sv[0]);
	close(sv[1]);
	close(root_fd);
	close(pfd);
	stop_r_side(&r);
	munmap(w, sizeof(*w));
}

/* ---- signals ------------------------------------------------------------ */

/* The target: a root-owned process that waits to be killed. */
static pid_t target;

static void signal_checks(void *arg)
{
	bool userns = arg != NULL;
	const char *name = userns ? "nobody, root of its own userns" : "nobody";
	int pfd, ref, e1, e2, k1, k2, own_fd;
	pid_t own;

	if (userns ? become_userns_root() : drop_to_nobody()) {
		ksft_test_result(false, "signal (%s): drop privileges\n", name);
		return;
	}
	pfd = (int)sys_pidctl(PIDCMD_GET_PIDFD, target, -1, -1, 0);
	ref = sys_pidfd_open(target, 0);
	ksft_test_result(pfd >= 0 && ref >= 0, "signal (%s): GET_PIDFD of a root process works as "
	    "pidfd_open() does (%d, %d)\n", name, pfd, ref);
	if (pfd < 0)
		return;
	k1 = kill(target, 0);
	e1 = errno;
	k2 = sys_pidfd_send_signal(pfd, 0);
	e2 = errno;
	ksft_test_result(k1 == -1 && e1 == EPERM && k2 == -1 && e2 == EPERM,
	    "signal (%s): signal 0 refused by kill() and through the pidfd (%s, %s)\n", name,
	    k1 ? errname(e1) : "0", k2 ? errname(e2) : "0");
	k1 = kill(target, SIGKILL);
	e1 = errno;
	k2 = sys_pidfd_send_signal(pfd, SIGKILL);
	e2 = errno;
	ksft_test_result(k1 == -1 && e1 == EPERM && k2 == -1 && e2 == EPERM,
	    "signal (%s): SIGKILL refused by kill() and through the pidfd (%s, %s)\n", name,
	    k1 ? errname(e1) : "0", k2 ? errname(e2) : "0");
	close(pfd);
	if (ref >= 0)
		close(ref);
	pfd = (int)sys_pidctl(PIDCMD_GET_PIDFD, target, -1, -1, PIDFD_THREAD);
	k2 = pfd < 0 ? 0 : sys_pidfd_send_signal(pfd, SIGKILL);
	e2 = errno;
	ksft_test_result(pfd >= 0 && k2 == -1 && e2 == EPERM,
	    "signal (%s): SIGKILL refused through a PIDFD_THREAD pidfd too\n", name);
	if (pfd >= 0)
		close(pfd);

	/* Where kill() may signal, so may the pidfd. */
	own = fork();
	if (own == 0) {
		pause();
		_exit(0);
	}
	own_fd = (int)sys_pidctl(PIDCMD_GET_PIDFD, own, -1, -1, 0);
	k2 = own_fd < 0 ? -1 : sys_pidfd_send_signal(own_fd, SIGKILL);
	e2 = errno;
	ksft_test_result(own_fd >= 0 && k2 == 0, "signal (%s): a child of its own is signalled through the "
	    "pidfd (%s)\n", name, k2 ? errname(e2) : "0");
	if (k2)
		kill(own, SIGKILL);
	waitpid(own, NULL, 0);
	if (own_fd >= 0)
		close(own_fd);
}

static bool target_alive(void)
{
	siginfo_t si = { 0 };

	return waitid(P_PID, target, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == 0;
}

int main(void)
{
	int no_userns, fds_before;

	ksft_print_header();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0 || sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0) != PIDNS_EQUAL) {
		ksft_test_result(false, "security: runs as root in a kernel with pidctl()\n");
		return 1;
	}
	fds_before = count_open_fds();

	visibility_checks(false);
	no_userns = userns_unavailable();
	if (no_userns)
		ksft_test_result_skip("visibility (root of its own userns): user namespaces unavailable: "
		    "%s\n", no_userns > 0 && no_userns < 255 ? strerror(no_userns) : "unknown");
	else
		visibility_checks(true);

	target = fork();
	if (target == 0)
		block();
	run_child("signal", signal_checks, NULL);
	if (no_userns)
		ksft_test_result_skip("signal (nobody, root of its own userns): user namespaces "
		    "unavailable\n");
	else
		run_child("signal", signal_checks, (void *)1);
	ksft_test_result(target_alive(), "signal: the root process is still alive\n");
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	ksft_test_result(count_open_fds() == fds_before, "security: no fd left open\n");
	return stress_finished();
}
