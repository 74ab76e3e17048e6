// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl_fuzz - call pidctl() with random arguments while other threads
 * create and reap processes and pid namespaces, and check every answer
 * against the documented contract.
 *
 *   pidctl_fuzz [--seed N (default: from the time)] [--calls N] [--threads N] [--churn N]
 *
 * Commands (valid and not), pids (0, negative, huge, live, exited, reused,
 * threads, zombies, numbers in nested namespaces), fds (-1, other
 * negatives, closed, pid namespaces at several depths, namespaces that died
 * or never had a process, other namespace types, regular files, pipes,
 * sockets, pidfds, O_PATH fds, and fds that churn threads keep replacing
 * with fresh pid namespaces) and flags (random bits) are drawn from a
 * seeded generator: each fuzzing thread's sequence of calls depends only on
 * --seed and its index, and a failure prints the seed, the thread, the call
 * number and the call. With --threads 1 --churn 0 a run is reproducible
 * call for call.
 *
 * Checked for every call: the errno is one the contract allows for these
 * arguments (exactly the one it names where the arguments decide it);
 * QUERY_PIDNS answers match the namespace tree; QUERY_PID and GET_PIDFD
 * answers about the helper processes match their known numbers; every fd
 * returned is a pidfd (pidfs), close-on-exec, with the file flags
 * pidfd_open() gives for the same flags, naming a task that has the asked
 * number in the source namespace and a number in the target. Prints TAP.
 */
#include "stress.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

/* ---- namespaces and helper processes -------------------------------- */

enum { NS_ROOT, NS_A, NS_AA, NS_AAA, NS_B, NS_F, NS_D, NS_E, NR_NS };
static const char *const ns_names[NR_NS] = {
	"root", "A", "A/A", "A/A/A", "B", "B/F(empty)", "D(dead)", "E(empty)",
};
static const int ns_parent[NR_NS] = { -1, NS_ROOT, NS_A, NS_AA, NS_ROOT, NS_B, NS_ROOT, NS_ROOT };
static int ns_level[NR_NS];

static bool ns_contains(int outer, int inner)
{
	for (; inner >= 0; inner = ns_parent[inner])
		if (inner == outer)
			return true;
	return false;
}

static long ns_relation(int s, int t)
{
	if (s == t)
		return PIDNS_EQUAL;
	if (ns_contains(s, t))
		return PIDNS_SOURCE_IS_ANCESTOR;
	if (ns_contains(t, s))
		return PIDNS_TARGET_IS_ANCESTOR;
	return PIDNS_UNRELATED;
}

enum { H_A_INIT, H_A_MEMBER, H_AA_INIT, H_AAA_INIT, H_B_INIT, H_D_INIT,
       H_E_HOLDER, H_ZOMBIE, NR_HELPERS };
static const int helper_ns[NR_HELPERS] = {
	NS_A, NS_A, NS_AA, NS_AAA, NS_B, NS_D, NS_ROOT, NS_ROOT,
};

struct helper {
	pid_t root_pid;
	pid_t nr[MAX_LEVELS];	/* number at each level, 0 = none */
	bool alive;		/* stays alive (or a zombie) while fuzzing */
};
static struct helper helpers[NR_HELPERS];

struct report {
	int role;
	pid_t root_pid;
};

static int report_pipe[2], hold_pipe[2];

static void report_role(int role)
{
	struct report r = { role, proc_self_pid() };

	if (write(report_pipe[1], &r, sizeof(r)) != sizeof(r))
		_exit(1);
}

static void __attribute__((noreturn)) hold(void)
{
	char c;

	while (read(hold_pipe[0], &c, 1) != 0)
		;
	_exit(0);
}

/* fork() into a new pid namespace: the child is its init. */
static pid_t fork_newpid(void)
{
	return syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
}

static void __attribute__((noreturn)) run_a_init(void)
{
	report_role(H_A_INIT);
	if (fork() == 0) {
		report_role(H_A_MEMBER);
		hold();
	}
	if (fork_newpid() == 0) {
		report_role(H_AA_INIT);
		if (fork_newpid() == 0) {
			report_role(H_AAA_INIT);
			hold();
		}
		hold();
	}
	hold();
}

static pid_t init_pids[4];	/* our children that must be killed and reaped */
static int nr_init_pids;
static pid_t zombie_pid, d_pid;

/* ---- the fd table ---------------------------------------------------- */

enum fd_kind {
	FD_SELF,	/* -1: the caller's pid namespace */
	FD_NEG,		/* other negatives: EBADF */
	FD_CLOSED,	/* not open: EBADF */
	FD_OPATH,	/* O_PATH: fdget() refuses it, EBADF as for setns() */
	FD_PIDNS,	/* a pid namespace of the tree */
	FD_VOLATILE,	/* a pid namespace the churn threads keep replacing */
	FD_OTHER,	/* open, not a pid namespace: EINVAL */
};

struct fdent {
	int fd;
	enum fd_kind kind;
	int ns;
	char name[40];
};

#define MAX_FDS 64
static struct fdent fds[MAX_FDS];
static int nr_fds;
static int ns_fds[MAX_FDS];	/* indices of the pid namespace fds */
static int nr_ns_fds;

#define NR_VOLATILE 4
#define VOLATILE_BASE 800
#define CLOSED_FD 900

static void add_fd(int fd, enum fd_kind kind, int ns, const char *fmt, ...)
{
	struct fdent *e;
	va_list ap;

	if (fd < 0 && kind != FD_SELF && kind != FD_NEG)
		return; /* could not be opened here: leave it out */
	if (nr_fds == MAX_FDS)
		abort();
	if (kind == FD_PIDNS || kind == FD_VOLATILE)
		ns_fds[nr_ns_fds++] = nr_fds;
	e = &fds[nr_fds++];
	e->fd = fd;
	e->kind = kind;
	e->ns = ns;
	va_start(ap, fmt);
	vsnprintf(e->name, sizeof(e->name), fmt, ap);
	va_end(ap);
}

static int open_ns(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int read_nspid(pid_t pid, pid_t *nr)
{
	char path[64], buf[2048], *p;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "NSpid:");
	if (!p)
		return -1;
	p += 6;
	while (n < MAX_LEVELS) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		nr[n++] = (pid_t)v;
		p = end;
	}
	return n;
}

/* ---- shared state of the threads -------------------------------------- */

#define HISTORY 256
static _Atomic pid_t history[HISTORY];	/* pids of exited processes/threads */
static atomic_uint history_pos;
static atomic_bool stop_churn;
static pid_t thread_tids[16];
static atomic_int nr_thread_tids;
static int ref_flags[2][2];		/* F_GETFL of pidfd_open(NONBLOCK?, THREAD?) */
static uint64_t seed;
static int max_reports = 10;

struct stats {
	unsigned long calls, ok[3], invalid_cmd, fds_checked, exact_checks;
	unsigned long err[140];
	unsigned long failures;
};

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long total_failures;

static void remember_exit(pid_t pid)
{
	history[atomic_fetch_add(&history_pos, 1) % HISTORY] = pid;
}

/* ---- churn: processes, threads and namespaces come and go ---------- */

static void *short_thread(void *arg)
{
	(void)arg;
	remember_exit(gettid());
	return NULL;
}

static void *churn_main(void *arg)
{
	uint64_t rs = rnd_seed(seed, 1000 + (uintptr_t)arg);
	int slot = 0;

	thread_tids[atomic_fetch_add(&nr_thread_tids, 1)] = gettid();
	while (!atomic_load(&stop_churn)) {
		uint32_t what = rnd_below(&rs, 10);
		pid_t pid;

		if (what < 5) {
			/* A process that exits at once or after a moment. */
			pid = fork();
			if (pid == 0) {
				if (rnd_below(&rs, 2))
					usleep(rnd_below(&rs, 2000));
				_exit(0);
			}
			if (pid > 0) {
				waitpid(pid, NULL, 0);
				remember_exit(pid);
			}
		} else if (what < 7) {
			/* A thread of ours that comes and goes. */
			pthread_t t;

			if (!pthread_create(&t, NULL, short_thread, NULL))
				pthread_join(t, NULL);
		} else {
			/*
			 * A pid namespace: the child unshares, so that its
			 * pid_for_children is a new, empty namespace; with
			 * what == 9 it first becomes init of a new namespace
			 * of its own. The fds of both go into the volatile
			 * slots, then the processes die.
			 */
			int sync[2], a, b;
			char c;

			if (pipe2(sync, O_CLOEXEC))
				continue;
			pid = what == 9 ? fork_newpid() : fork();
			if (pid == 0) {
				close(sync[0]);
				if (unshare(CLONE_NEWPID))
					_exit(1);
				if (write(sync[1], "x", 1) != 1)
					_exit(1);
				pause();
				_exit(0);
			}
			close(sync[1]);
			if (pid < 0) {
				close(sync[0]);
				continue;
			}
			if (read(sync[0], &c, 1) == 1) {
				a = open_ns(pid, "pid");
				b = open_ns(pid, "pid_for_children");
				if (a >= 0) {
					dup2(a, VOLATILE_BASE + slot++ % NR_VOLATILE);
					close(a);
				}
				if (b >= 0) {
					dup2(b, VOLATILE_BASE + slot++ % NR_VOLATILE);
					close(b);
				}
			}
			close(sync[0]);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			remember_exit(pid);
		}
	}
	return NULL;
}

/* ---- the fuzzer ------------------------------------------------------ */

struct call {
	unsigned int cmd, flags;
	pid_t pid;
	const struct fdent *src, *tgt;
	long ret;
	int err;
};

static const struct fdent self_fd = { -1, FD_SELF, NS_ROOT, "-1" };

static const struct fdent *pick_fd(uint64_t *rs)
{
	uint32_t r = rnd_below(rs, 100);

	if (r < 20)
		return &self_fd;
	if (r < 65)
		return &fds[ns_fds[rnd_below(rs, nr_ns_fds)]];
	return &fds[rnd_below(rs, nr_fds)];
}

static pid_t pick_pid(uint64_t *rs)
{
	static const pid_t odd[] = { 0, -1, -2, INT_MIN, INT_MAX, 4194304, 4194305,
				     1 << 30, 1, 2, 3 };
	uint32_t r = rnd_below(rs, 100);
	const struct helper *h;

	if (r < 10)
		return odd[rnd_below(rs, sizeof(odd) / sizeof(odd[0]))];
	if (r < 14)
		return -(pid_t)rnd_below(rs, 100000) - 1;
	if (r < 17)
		return (pid_t)(rnd_next(rs) >> 33);
	if (r < 22)
		return getpid();
	if (r < 30) {
		int n = atomic_load(&nr_thread_tids);

		return n ? thread_tids[rnd_below(rs, n)] : getpid();
	}
	if (r < 55) {
		/* A helper, by its number at some level. */
		int level;

		h = &helpers[rnd_below(rs, NR_HELPERS)];
		level = rnd_below(rs, 4);
		return h->nr[level] ? h->nr[level] : h->root_pid;
	}
	if (r < 75)
		return history[rnd_below(rs, HISTORY)];
	return 1 + rnd_below(rs, 1024);
}

static unsigned int pick_flags(uint64_t *rs, unsigned int cmd)
{
	uint32_t r = rnd_below(rs, 100);

	if (cmd == PIDCMD_GET_PIDFD) {
		if (r < 75)
			return (unsigned int)rnd_next(rs) & PIDCTL_FLAGS_OK;
		if (r < 90)
			return 1u << rnd_below(rs, 32);
		return (unsigned int)rnd_next(rs);
	}
	if (r < 85)
		return 0;
	if (r < 95)
		return 1u << rnd_below(rs, 32);
	return (unsigned int)rnd_next(rs);
}

static unsigned int pick_cmd(uint64_t *rs)
{
	static const unsigned int bad[] = { 3, 4, 0xff, 0x100, 0x102, 0x80000000u,
					    0xffffffffu, 0xfffffffeu };
	uint32_t r = rnd_below(rs, 100);

	if (r < 80)
		return rnd_below(rs, 3);
	if (r < 92)
		return bad[rnd_below(rs, sizeof(bad) / sizeof(bad[0]))];
	return (unsigned int)rnd_next(rs);
}

/* Why an fd argument is refused, as an errno; 0 if it names a pid ns. */
static int fd_error(const struct fdent *f)
{
	switch (f->kind) {
	case FD_NEG:
	case FD_CLOSED:
	case FD_OPATH:
		return EBADF;
	case FD_OTHER:
		return EINVAL;
	default:
		return 0;
	}
}

/* The namespace an fd names for certain, or -1 (volatile). */
static int fd_ns(const struct fdent *f)
{
	return f->kind == FD_SELF || f->kind == FD_PIDNS ? f->ns : -1;
}

/* A helper the number pid names in namespace ns, or -1 if none can be. */
static int helper_in(pid_t pid, int ns, bool *sure)
{
	int i;

	*sure = ns != NS_ROOT; /* only helpers live in the tree's namespaces */
	for (i = 0; i < NR_HELPERS; i++) {
		if (!ns_contains(ns, helper_ns[i]))
			continue;
		if (helpers[i].nr[ns_level[ns]] == pid) {
			*sure = true;
			return i;
		}
	}
	return -1;
}

static void format_call(char *buf, size_t size, const struct call *c)
{
	snprintf(buf, size,
		 "pidctl(cmd=%u, pid=%d, source=%d [%s], target=%d [%s], flags=%#x) = %ld%s%s",
		 c->cmd, c->pid, c->src->fd, c->src->name, c->tgt->fd, c->tgt->name,
		 c->flags, c->ret, c->ret < 0 ? " " : "", c->ret < 0 ? errname(c->err) : "");
}

static void fail(struct stats *st, int thread, unsigned long nr, const struct call *c,
		 const char *fmt, ...)
{
	char callbuf[256], why[256];
	va_list ap;

	st->failures++;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	format_call(callbuf, sizeof(callbuf), c);
	pthread_mutex_lock(&report_lock);
	if (total_failures++ < (unsigned long)max_reports)
		printf("# FAIL seed=%llu thread=%d call=%lu: %s: %s\n",
		       (unsigned long long)seed, thread, nr, callbuf, why);
	fflush(stdout);
	pthread_mutex_unlock(&report_lock);
}

/* Everything a returned fd must be. */
static void check_pidfd(struct stats *st, int thread, unsigned long nr,
			const struct call *c, int s_ns, int t_ns, int h)
{
	int fd = (int)c->ret, fl, want_fl;
	struct pidfd_info info;

	st->fds_checked++;
	if (!is_pidfd(fd)) {
		fail(st, thread, nr, c, "the fd is not a pidfd (pidfs)");
		return;
	}
	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || !(fl & FD_CLOEXEC))
		fail(st, thread, nr, c, "the pidfd is not close-on-exec (F_GETFD %d)", fl);
	fl = fcntl(fd, F_GETFL);
	want_fl = ref_flags[!!(c->flags & PIDFD_NONBLOCK)][!!(c->flags & PIDFD_THREAD)];
	if (fl != want_fl)
		fail(st, thread, nr, c, "file flags %#x, pidfd_open() gives %#x", fl, want_fl);
	if (read_pidfd_info(fd, &info)) {
		fail(st, thread, nr, c, "no Pid: in the pidfd's fdinfo");
		return;
	}
	if (info.pid == -1)
		return; /* gone since: nothing more to compare */
	if (info.pid <= 0) {
		fail(st, thread, nr, c, "fdinfo Pid %d: the task is outside our namespace",
		     info.pid);
		return;
	}
	/* We run in the root namespace: NSpid[i] is the number at level i. */
	if (s_ns >= 0) {
		int l = ns_level[s_ns];

		if (l >= info.levels || info.nspid[l] != c->pid)
			fail(st, thread, nr, c, "the task's number at the source's level %d is %d",
			     l, l < info.levels ? info.nspid[l] : 0);
	}
	if (t_ns >= 0 && ns_level[t_ns] >= info.levels)
		fail(st, thread, nr, c, "the task has no number at the target's level %d",
		     ns_level[t_ns]);
	if (h >= 0 && info.pid != helpers[h].root_pid)
		fail(st, thread, nr, c, "pidfd names pid %d, not helper %d (pid %d)",
		     info.pid, h, helpers[h].root_pid);
}

static void check(struct stats *st, int thread, unsigned long nr, const struct call *c)
{
	int s_ns = fd_ns(c->src), t_ns = fd_ns(c->tgt), want = 0, h = -1;
	bool sure = false;

	if (c->ret < 0 && c->err < (int)(sizeof(st->err) / sizeof(st->err[0])))
		st->err[c->err]++;
	if (c->cmd > PIDCMD_GET_PIDFD) {
		st->invalid_cmd++;
		want = EINVAL;
	} else if ((c->cmd == PIDCMD_QUERY_PIDNS && (c->pid || c->flags)) ||
		   (c->cmd == PIDCMD_QUERY_PID && (c->pid <= 0 || c->flags)) ||
		   (c->cmd == PIDCMD_GET_PIDFD && (c->pid <= 0 || c->flags & ~PIDCTL_FLAGS_OK))) {
		want = EINVAL;
	} else if (fd_error(c->src)) {
		want = fd_error(c->src);
	} else if (fd_error(c->tgt)) {
		want = fd_error(c->tgt);
	}
	if (want) {
		if (c->ret != -1 || c->err != want)
			fail(st, thread, nr, c, "expected %s", errname(want));
		if (c->ret >= 0 && c->cmd == PIDCMD_GET_PIDFD)
			close((int)c->ret);
		return;
	}
	if (c->ret >= 0)
		st->ok[c->cmd]++;
	if (s_ns >= 0 && c->cmd != PIDCMD_QUERY_PIDNS)
		h = helper_in(c->pid, s_ns, &sure);

	switch (c->cmd) {
	case PIDCMD_QUERY_PIDNS:
		if (c->ret < 0 || c->ret > PIDNS_TARGET_IS_ANCESTOR) {
			fail(st, thread, nr, c, "not a PIDNS_* answer");
		} else if (s_ns >= 0 && t_ns >= 0) {
			st->exact_checks++;
			if (c->ret != ns_relation(s_ns, t_ns))
				fail(st, thread, nr, c, "%s and %s relate as %ld",
				     ns_names[s_ns], ns_names[t_ns], ns_relation(s_ns, t_ns));
		}
		break;
	case PIDCMD_QUERY_PID:
		if (c->ret == 0 || (c->ret < 0 && c->err != ESRCH && c->err != ENOENT)) {
			fail(st, thread, nr, c, "QUERY_PID answers a pid, ESRCH or ENOENT");
			break;
		}
		if (s_ns >= 0 && t_ns >= 0 && s_ns == t_ns && c->ret > 0 && c->ret != c->pid)
			fail(st, thread, nr, c, "translation within one namespace changed the pid");
		if (s_ns >= 0 && t_ns >= 0 && ns_contains(t_ns, s_ns) && c->ret < 0 &&
		    c->err == ENOENT)
			fail(st, thread, nr, c, "ENOENT, but the target is an ancestor of the source");
		if (sure && t_ns >= 0) {
			long expect = h < 0 ? -ESRCH :
				ns_contains(t_ns, helper_ns[h]) ? helpers[h].nr[ns_level[t_ns]] :
				-ENOENT;
			long got = c->ret < 0 ? -c->err : c->ret;

			st->exact_checks++;
			if (got != expect)
				fail(st, thread, nr, c, "expected %ld (helper %d)", expect, h);
		}
		break;
	case PIDCMD_GET_PIDFD:
		if (c->ret < 0) {
			switch (c->err) {
			case ESRCH: case ENOENT: case EMFILE: case ENFILE: case ENOMEM:
				break;
			case EINVAL:
				if (!(c->flags & PIDFD_THREAD))
					break; /* may be a thread that does not lead */
				/* fallthrough */
			default:
				fail(st, thread, nr, c, "not an errno GET_PIDFD may return");
			}
		}
		if (sure && t_ns >= 0) {
			bool ok = h >= 0 && ns_contains(t_ns, helper_ns[h]);

			st->exact_checks++;
			if (ok && c->ret < 0)
				fail(st, thread, nr, c, "expected a pidfd of helper %d", h);
			if (!ok && !(c->ret == -1 && c->err == (h < 0 ? ESRCH : ENOENT)))
				fail(st, thread, nr, c, "expected %s", h < 0 ? "ESRCH" : "ENOENT");
		}
		if (c->ret >= 0) {
			check_pidfd(st, thread, nr, c, s_ns, t_ns, sure ? h : -1);
			close((int)c->ret);
		}
		break;
	}
}

struct fuzz_thread {
	pthread_t thread;
	int index;
	unsigned long calls;
	struct stats st;
};

static void *fuzz_main(void *arg)
{
	struct fuzz_thread *ft = arg;
	uint64_t rs = rnd_seed(seed, ft->index);
	unsigned long i;

	thread_tids[atomic_fetch_add(&nr_thread_tids, 1)] = gettid();
	for (i = 0; i < ft->calls; i++) {
		struct call c;

		c.cmd = pick_cmd(&rs);
		c.pid = c.cmd == PIDCMD_QUERY_PIDNS && rnd_below(&rs, 100) < 85 ? 0 : pick_pid(&rs);
		c.src = pick_fd(&rs);
		c.tgt = pick_fd(&rs);
		c.flags = pick_flags(&rs, c.cmd);
		errno = 0;
		c.ret = sys_pidctl(c.cmd, c.pid, c.src->fd, c.tgt->fd, c.flags);
		c.err = c.ret < 0 ? errno : 0;
		ft->st.calls++;
		check(&ft->st, ft->index, i, &c);
	}
	return NULL;
}

/* ---- setup and teardown ------------------------------------------- */

static void learn_ref_flags(void)
{
	int n, t;

	for (n = 0; n < 2; n++) {
		for (t = 0; t < 2; t++) {
			int fd = sys_pidfd_open(getpid(), (n ? PIDFD_NONBLOCK : 0) |
							  (t ? PIDFD_THREAD : 0));

			ref_flags[n][t] = fd < 0 ? -1 : fcntl(fd, F_GETFL);
			if (fd >= 0)
				close(fd);
		}
	}
}

static int setup(void)
{
	struct report r;
	int got = 0, i, fd, sv[2], pfd;
	pid_t pid;

	if (pipe(report_pipe) || pipe(hold_pipe))
		return -1;

	/* Tree A (levels 1-3, four processes), B with an empty child F. */
	pid = fork_newpid();
	if (pid == 0)
		run_a_init();
	init_pids[nr_init_pids++] = pid;
	pid = fork_newpid();
	if (pid == 0) {
		if (unshare(CLONE_NEWPID))
			_exit(1);
		report_role(H_B_INIT);
		hold();
	}
	init_pids[nr_init_pids++] = pid;
	/* D: its init dies once we hold the namespace. */
	d_pid = fork_newpid();
	if (d_pid == 0) {
		report_role(H_D_INIT);
		hold();
	}
	/* E: unshared by a process of ours that never forks into it. */
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWPID))
			_exit(1);
		report_role(H_E_HOLDER);
		hold();
	}
	init_pids[nr_init_pids++] = pid;
	while (got < NR_HELPERS - 1 && read(report_pipe[0], &r, sizeof(r)) == sizeof(r)) {
		helpers[r.role].root_pid = r.root_pid;
		got++;
	}
	if (got != NR_HELPERS - 1)
		return -1;

	/* A zombie: exited, not reaped until the end. */
	zombie_pid = fork();
	if (zombie_pid == 0)
		_exit(0);
	{
		siginfo_t si;

		waitid(P_PID, zombie_pid, &si, WEXITED | WNOWAIT);
	}
	helpers[H_ZOMBIE].root_pid = zombie_pid;
	helpers[H_ZOMBIE].nr[0] = zombie_pid;

	for (i = 0; i < NR_HELPERS; i++) {
		pid_t nr[MAX_LEVELS];
		int n, l;

		helpers[i].alive = true;
		if (i == H_ZOMBIE)
			continue;
		n = read_nspid(helpers[i].root_pid, nr);
		if (n < 1)
			return -1;
		for (l = 0; l < n; l++)
			helpers[i].nr[l] = nr[l];
	}

	/* The fd table. */
	add_fd(-2, FD_NEG, -1, "-2");
	add_fd(-1000, FD_NEG, -1, "-1000");
	add_fd(INT_MIN, FD_NEG, -1, "INT_MIN");
	add_fd(CLOSED_FD, FD_CLOSED, -1, "closed");
	add_fd(1000, FD_CLOSED, -1, "closed");
	add_fd(1 << 20, FD_CLOSED, -1, "beyond RLIMIT_NOFILE");
	add_fd(INT_MAX, FD_CLOSED, -1, "INT_MAX");
	add_fd(open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC), FD_PIDNS, NS_ROOT, "root");
	pfd = sys_pidfd_open(getpid(), 0);
	add_fd(ioctl(pfd, PIDFD_GET_PID_NAMESPACE, 0), FD_PIDNS, NS_ROOT, "root (pidfd ioctl)");
	add_fd(pfd, FD_OTHER, -1, "pidfd");
	add_fd(open_ns(helpers[H_A_INIT].root_pid, "pid"), FD_PIDNS, NS_A, "A");
	pfd = sys_pidfd_open(helpers[H_A_MEMBER].root_pid, 0);
	add_fd(ioctl(pfd, PIDFD_GET_PID_NAMESPACE, 0), FD_PIDNS, NS_A, "A (pidfd ioctl)");
	add_fd(pfd, FD_OTHER, -1, "pidfd of A member");
	add_fd(open_ns(helpers[H_AA_INIT].root_pid, "pid"), FD_PIDNS, NS_AA, "A/A");
	add_fd(open_ns(helpers[H_AAA_INIT].root_pid, "pid"), FD_PIDNS, NS_AAA, "A/A/A");
	add_fd(open_ns(helpers[H_AAA_INIT].root_pid, "pid_for_children"), FD_PIDNS, NS_AAA,
	       "A/A/A (pid_for_children)");
	add_fd(open_ns(helpers[H_B_INIT].root_pid, "pid"), FD_PIDNS, NS_B, "B");
	add_fd(open_ns(helpers[H_B_INIT].root_pid, "pid_for_children"), FD_PIDNS, NS_F,
	       "B/F (empty)");
	add_fd(open_ns(helpers[H_D_INIT].root_pid, "pid"), FD_PIDNS, NS_D, "D (dead)");
	add_fd(open_ns(helpers[H_E_HOLDER].root_pid, "pid_for_children"), FD_PIDNS, NS_E,
	       "E (empty)");
	fd = open("/proc/self/ns/pid", O_PATH | O_CLOEXEC);
	add_fd(fd, FD_OPATH, -1, "O_PATH pid ns");
	add_fd(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "net ns");
	add_fd(open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "user ns");
	add_fd(open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "mnt ns");
	add_fd(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "uts ns");
	add_fd(open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "ipc ns");
	add_fd(open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "time ns");
	add_fd(open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "cgroup ns");
	add_fd(open("/proc/self/status", O_RDONLY | O_CLOEXEC), FD_OTHER, -1, "proc file");
	add_fd(open("/tmp/pidctl_fuzz.file", O_RDWR | O_CREAT | O_CLOEXEC, 0600), FD_OTHER, -1,
	       "regular file");
	unlink("/tmp/pidctl_fuzz.file");
	add_fd(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), FD_OTHER, -1, "directory");
	add_fd(open("/dev/null", O_RDWR | O_CLOEXEC), FD_OTHER, -1, "/dev/null");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
		add_fd(sv[0], FD_OTHER, -1, "unix socket");
		add_fd(sv[1], FD_OTHER, -1, "unix socket");
	}
	add_fd(eventfd(0, EFD_CLOEXEC), FD_OTHER, -1, "eventfd");
	add_fd(epoll_create1(EPOLL_CLOEXEC), FD_OTHER, -1, "epoll");
	add_fd(report_pipe[0], FD_OTHER, -1, "pipe");
	for (i = 0; i < NR_VOLATILE; i++) {
		fd = open("/proc/self/ns/pid", O_RDONLY);
		dup2(fd, VOLATILE_BASE + i);
		close(fd);
		add_fd(VOLATILE_BASE + i, FD_VOLATILE, -1, "churned pid ns");
	}

	/* D's init dies: the namespace lives on in our fd, with no task. */
	kill(d_pid, SIGKILL);
	waitpid(d_pid, NULL, 0);
	helpers[H_D_INIT].alive = false;

	for (i = 0; i < NR_NS; i++)
		ns_level[i] = ns_parent[i] < 0 ? 0 : ns_level[ns_parent[i]] + 1;
	/* The levels we assumed are the kernel's. */
	for (i = 0; i < nr_fds; i++) {
		if (fds[i].kind == FD_PIDNS && pidns_level(fds[i].fd) != ns_level[fds[i].ns]) {
			diag("fd %s is at level %d, not %d", fds[i].name,
			     pidns_level(fds[i].fd), ns_level[fds[i].ns]);
			return -1;
		}
	}
	return 0;
}

static void teardown(void)
{
	int i;

	for (i = 0; i < nr_init_pids; i++)
		kill(init_pids[i], SIGKILL);
	for (i = 0; i < nr_init_pids; i++)
		waitpid(init_pids[i], NULL, 0);
	waitpid(zombie_pid, NULL, 0);
	for (i = 0; i < nr_fds; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	close(report_pipe[1]);
	close(hold_pipe[0]);
	close(hold_pipe[1]);
}

/* The helper pids as gone: a dead D must not be expected to answer. */
static void fixup_dead_helpers(void)
{
	memset(helpers[H_D_INIT].nr, 0, sizeof(helpers[H_D_INIT].nr));
	helpers[H_D_INIT].root_pid = -1;
}

int main(int argc, char **argv)
{
	unsigned long calls = 100000, total = 0, i;
	int nthreads = 2, nchurn = 2, fds_before, fds_after, e;
	struct fuzz_thread *ft;
	pthread_t churn[8];
	struct stats sum = { 0 };
	double start;

	for (i = 1; i < (unsigned long)argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned long)argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--calls") && i + 1 < (unsigned long)argc)
			calls = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--threads") && i + 1 < (unsigned long)argc)
			nthreads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--churn") && i + 1 < (unsigned long)argc)
			nchurn = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--seed N] [--calls N] [--threads N] [--churn N]\n",
				argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 4 || nchurn < 0 || nchurn > 8) {
		fprintf(stderr, "--threads 1..4, --churn 0..8\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	diag("pidctl_fuzz --seed %llu --calls %lu --threads %d --churn %d",
	     (unsigned long long)seed, calls, nthreads, nchurn);

	fds_before = count_open_fds();
	learn_ref_flags();
	if (setup()) {
		tap(false, "fuzz: setup of namespaces and helpers");
		return 1;
	}
	fixup_dead_helpers();
	diag("%d fds in the pool; helper pids: A init %d, A member %d, A/A init %d, "
	     "A/A/A init %d, B init %d, zombie %d", nr_fds, helpers[H_A_INIT].root_pid,
	     helpers[H_A_MEMBER].root_pid, helpers[H_AA_INIT].root_pid,
	     helpers[H_AAA_INIT].root_pid, helpers[H_B_INIT].root_pid, zombie_pid);

	start = now_s();
	for (i = 0; i < (unsigned long)nchurn; i++)
		pthread_create(&churn[i], NULL, churn_main, (void *)(uintptr_t)i);
	ft = calloc(nthreads, sizeof(*ft));
	for (i = 0; i < (unsigned long)nthreads; i++) {
		ft[i].index = (int)i;
		ft[i].calls = calls / nthreads + (i < calls % nthreads);
		pthread_create(&ft[i].thread, NULL, fuzz_main, &ft[i]);
	}
	for (i = 0; i < (unsigned long)nthreads; i++) {
		pthread_join(ft[i].thread, NULL);
		sum.calls += ft[i].st.calls;
		sum.invalid_cmd += ft[i].st.invalid_cmd;
		sum.fds_checked += ft[i].st.fds_checked;
		sum.exact_checks += ft[i].st.exact_checks;
		sum.failures += ft[i].st.failures;
		for (e = 0; e < 3; e++)
			sum.ok[e] += ft[i].st.ok[e];
		for (e = 0; e < (int)(sizeof(sum.err) / sizeof(sum.err[0])); e++)
			sum.err[e] += ft[i].st.err[e];
	}
	atomic_store(&stop_churn, true);
	for (i = 0; i < (unsigned long)nchurn; i++)
		pthread_join(churn[i], NULL);
	total = sum.calls;
	diag("%lu calls in %.1f s; successes: QUERY_PID %lu, QUERY_PIDNS %lu, GET_PIDFD %lu; "
	     "invalid commands %lu; exact answers checked %lu; pidfds checked %lu",
	     total, now_s() - start, sum.ok[0], sum.ok[1], sum.ok[2], sum.invalid_cmd,
	     sum.exact_checks, sum.fds_checked);
	{
		char buf[512];
		int len = 0;

		for (e = 1; e < (int)(sizeof(sum.err) / sizeof(sum.err[0])); e++)
			if (sum.err[e])
				len += snprintf(buf + len, sizeof(buf) - len, " %s %lu",
						errname(e), sum.err[e]);
		buf[len] = 0;
		diag("errnos:%s", buf);
	}
	for (i = 0; i < NR_VOLATILE; i++)
		close(VOLATILE_BASE + i);
	teardown();
	fds_after = count_open_fds();

	tap(sum.failures == 0 && total == calls,
	    "fuzz: %lu calls, every answer within the contract (seed %llu)%s", total,
	    (unsigned long long)seed, sum.failures ? ": see FAIL lines" : "");
	tap(sum.fds_checked > 0, "fuzz: %lu returned pidfds checked", sum.fds_checked);
	tap(sum.err[EINVAL] && sum.err[EBADF] && sum.err[ESRCH] && sum.err[ENOENT] &&
	    sum.ok[0] && sum.ok[1] && sum.ok[2],
	    "fuzz: every command succeeded and EINVAL, EBADF, ESRCH, ENOENT all came back");
	tap(fds_after == fds_before, "fuzz: no fd left open (%d before, %d after)",
	    fds_before, fds_after);
	if (sum.failures)
		diag("%lu failures; each thread's calls again, without the churn: "
		     "pidctl_fuzz --seed %llu --calls %lu --threads %d --churn 0",
		     sum.failures, (unsigned long long)seed, calls, nthreads);
	return tap_failed ? 1 : 0;
}
