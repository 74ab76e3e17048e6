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
 * --seed and its index, and a failure prints the seed, the phase, the
 * thread, the call number and the call. With --threads 1 --churn 0 a run is
 * reproducible call for call.
 *
 * Half the calls are made from the root pid namespace, the other half by a
 * process in A (entered with setns()), for which the root, B, F, D and E
 * and every helper outside A are out of view. QUERY_PID also takes pidfds
 * (PIDCTL_PIDFD): of the helpers (alive, zombie, reaped, from outside A),
 * of processes the churn threads reap, of an exited thread, and fds that
 * are no pidfd.
 *
 * Checked for every call: the errno is one the contract allows for these
 * arguments (exactly the one it names where the arguments decide it);
 * QUERY_PIDNS answers match the namespace tree, EPERM beside the caller's
 * line; QUERY_PID and GET_PIDFD answers about the helper processes match
 * their known numbers, ESRCH for those the caller cannot see, never a
 * number or ENOENT; PIDCTL_PIDFD answers EBADF, ESRCH, EREMOTE, ENOENT or
 * the number exactly as the pidfd's kind and the helper decide; every fd
 * returned is a pidfd (pidfs), close-on-exec, with the file flags
 * pidfd_open() gives for the same flags, naming a task that has the asked
 * number in the source namespace, a number in the target, and one in the
 * caller's (its pid namespace is the caller's or below it). Prints TAP.
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

/*
 * The helpers up to H_ZOMBIE report themselves; the rest are known: the
 * fuzzer of the root phase (the parent of the one in A), the machine's
 * init and kthreadd.
 */
enum { H_A_INIT, H_A_MEMBER, H_AA_INIT, H_AAA_INIT, H_B_INIT, H_D_INIT,
       H_E_HOLDER, H_ZOMBIE, H_PARENT, H_INIT, H_KTHREADD, NR_HELPERS };
static const int helper_ns[NR_HELPERS] = {
	NS_A, NS_A, NS_AA, NS_AAA, NS_B, NS_D, NS_ROOT, NS_ROOT, NS_ROOT, NS_ROOT, NS_ROOT,
};

/* The fuzzing process's pid namespace: root, then A. */
static int caller_ns = NS_ROOT;
static uint64_t caller_ns_ino;
static const char *phase = "root";

static bool visible(int h)
{
	return ns_contains(caller_ns, helper_ns[h]);
}

/* On the caller's line: the caller's namespace, above or below it. */
static bool in_view(int ns)
{
	return ns_contains(ns, caller_ns) || ns_contains(caller_ns, ns);
}

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

/* What an fd is as a pidfd (PIDCTL_PIDFD): a helper's index, or one of these. */
enum {
	PFD_NONE = -1,		/* no pidfd: EBADF */
	PFD_REAPED = -2,	/* of a process or thread already reaped: ESRCH */
	PFD_CHURN = -3,		/* of a process the churn threads reap at any time */
};

struct fdent {
	int fd;
	enum fd_kind kind;
	int ns;
	int pidfd_of;
	char name[40];
};

#define MAX_FDS 96
static struct fdent fds[MAX_FDS];
static int nr_fds;
static int ns_fds[MAX_FDS];	/* indices of the pid namespace fds */
static int nr_ns_fds;
static int pidfd_fds[MAX_FDS];	/* indices of the pidfds */
static int nr_pidfd_fds;

#define NR_VOLATILE 4
#define VOLATILE_BASE 800
#define NR_CHURN_PIDFDS 2
#define CHURN_PIDFD_BASE 810
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
	e->pidfd_of = PFD_NONE;
	va_start(ap, fmt);
	vsnprintf(e->name, sizeof(e->name), fmt, ap);
	va_end(ap);
}

/* A pidfd in the table: an fd of kind FD_OTHER to the namespace arguments. */
static void add_pidfd(int fd, int of, const char *fmt, ...)
{
	va_list ap;
	char name[40];

	if (fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	pidfd_fds[nr_pidfd_fds++] = nr_fds;
	add_fd(fd, FD_OTHER, -1, "%s", name);
	fds[nr_fds - 1].pidfd_of = of;
}

static int open_ns(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * A namespace of a child, by its number in the caller's namespace. Not
 * through /proc: in phase A, /proc is the root namespace's, where the
 * child's number names another process.
 */
static int open_ns_of_child(pid_t pid, unsigned int cmd)
{
	int pidfd = sys_pidfd_open(pid, 0), fd;

	if (pidfd < 0)
		return -1;
	fd = ioctl(pidfd, cmd, 0);
	close(pidfd);
	return fd;
}

static int read_nspid(pid_t pid, pid_t *nr)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	return read_status_nspid(dir, nr, MAX_LEVELS);
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
	unsigned long pidfd_calls, pidfd_ok, invisible_checks;
	unsigned long err[140], pidfd_err[140];
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
				/* Its pidfd in a slot: asked about while it is reaped. */
				int pfd = sys_pidfd_open(pid, 0);

				if (pfd >= 0) {
					dup2(pfd, CHURN_PIDFD_BASE + slot++ % NR_CHURN_PIDFDS);
					close(pfd);
				}
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
				a = open_ns_of_child(pid, PIDFD_GET_PID_NAMESPACE);
				b = open_ns_of_child(pid, PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE);
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
	const struct fdent *pidfd;	/* with PIDCTL_PIDFD: what pid is, NULL if unknown */
	long ret;
	int err;
};

/* -1: the caller's namespace, whichever the phase's is. */
static struct fdent self_fd = { -1, FD_SELF, NS_ROOT, PFD_NONE, "-1" };

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

/* The pid argument of PIDCTL_PIDFD: mostly pidfds, else any fd of ours. */
static const struct fdent *pick_pidfd(uint64_t *rs)
{
	if (rnd_below(rs, 100) < 65)
		return &fds[pidfd_fds[rnd_below(rs, nr_pidfd_fds)]];
	return &fds[rnd_below(rs, nr_fds)];
}

static unsigned int pick_flags(uint64_t *rs, unsigned int cmd)
{
	uint32_t r = rnd_below(rs, 100);

	if (cmd == PIDCMD_GET_PIDFD) {
		if (r < 70)
			return (unsigned int)rnd_next(rs) & GET_PIDFD_FLAGS_OK;
		if (r < 75)
			return O_CLOEXEC | ((unsigned int)rnd_next(rs) & GET_PIDFD_FLAGS_OK);
		if (r < 90)
			return 1u << rnd_below(rs, 32);
		return (unsigned int)rnd_next(rs);
	}
	if (cmd == PIDCMD_QUERY_PID && r < 30)
		return PIDCTL_PIDFD;
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

/*
 * A helper the number pid names in namespace ns, or -1. *sure: only
 * helpers live in ns, so -1 means no task: the namespaces the fuzzing
 * process (its threads, its churn) is not in.
 */
static int helper_in(pid_t pid, int ns, bool *sure)
{
	int i;

	*sure = !ns_contains(ns, caller_ns);
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
	char pid[64];

	if (c->pidfd)
		snprintf(pid, sizeof(pid), "%d [%s]", c->pid, c->pidfd->name);
	else
		snprintf(pid, sizeof(pid), "%d", c->pid);
	snprintf(buf, size,
		 "pidctl(cmd=%u, pid=%s, source=%d [%s], target=%d [%s], flags=%#x) = %ld%s%s",
		 c->cmd, pid, c->src->fd, c->src->name, c->tgt->fd, c->tgt->name,
		 c->flags, c->ret, c->ret < 0 ? " " : "", c->ret < 0 ? errname(c->err) : "");
}

static void fail(struct stats *st, int thread, unsigned long nr, const struct call *c,
		 const char *fmt, ...)
{
	char callbuf[320], why[256];
	va_list ap;

	st->failures++;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	format_call(callbuf, sizeof(callbuf), c);
	pthread_mutex_lock(&report_lock);
	if (total_failures++ < (unsigned long)max_reports)
		printf("# FAIL seed=%llu phase=%s thread=%d call=%lu: %s: %s\n",
		       (unsigned long long)seed, phase, thread, nr, callbuf, why);
	fflush(stdout);
	pthread_mutex_unlock(&report_lock);
}

/*
 * Whether the task of a pidfd has a number in the caller's namespace: its
 * pid namespace is the caller's or below it. NS_GET_PARENT stops (EPERM)
 * at the caller's namespace, so a walk up from outside never reaches it.
 * -1 if the task is gone.
 */
static int pidfd_in_view(int pidfd)
{
	int cur = ioctl(pidfd, PIDFD_GET_PID_NAMESPACE, 0), parent, found = 0;

	if (cur < 0)
		return -1;
	for (;;) {
		if (ns_ino(cur) == caller_ns_ino) {
			found = 1;
			break;
		}
		parent = ioctl(cur, NS_GET_PARENT);
		if (parent < 0)
			break;
		close(cur);
		cur = parent;
	}
	close(cur);
	return found;
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
		fail(st, thread, nr, c, "fdinfo Pid %d: the task is outside the root's /proc",
		     info.pid);
		return;
	}
	if (pidfd_in_view(fd) == 0)
		fail(st, thread, nr, c, "a pidfd of a task outside the caller's namespace (%s)",
		     ns_names[caller_ns]);
	/* /proc is the root's: NSpid[i] is the number at level i. */
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

/* The errno the arguments alone decide, or 0. */
static int args_error(const struct call *c)
{
	switch (c->cmd) {
	case PIDCMD_QUERY_PID:
		if (c->flags == PIDCTL_PIDFD)
			return c->src->kind == FD_SELF ? 0 : EINVAL;
		return c->pid > 0 && !c->flags ? 0 : EINVAL;
	case PIDCMD_QUERY_PIDNS:
		return !c->pid && !c->flags ? 0 : EINVAL;
	case PIDCMD_GET_PIDFD:
		return c->pid > 0 && !(c->flags & ~GET_PIDFD_FLAGS_OK) ? 0 : EINVAL;
	}
	return EINVAL;
}

/* -errno or the number that QUERY_PID answers for helper h (-1: none) in t_ns. */
static long helper_answer(int h, int t_ns)
{
	if (h < 0 || !visible(h))
		return -ESRCH;
	return ns_contains(t_ns, helper_ns[h]) ? helpers[h].nr[ns_level[t_ns]] : -ENOENT;
}

static void check_pidns(struct stats *st, int thread, unsigned long nr, const struct call *c,
			int s_ns, int t_ns)
{
	long want;

	if (c->ret < 0 && c->err == EPERM) {
		/* Only a known namespace beside the caller's line is refused. */
		if (!((s_ns >= 0 && !in_view(s_ns)) || (t_ns >= 0 && !in_view(t_ns))))
			fail(st, thread, nr, c, "EPERM, but both are on the caller's line");
		return;
	}
	if (c->ret < 0 || c->ret > PIDNS_TARGET_IS_ANCESTOR) {
		fail(st, thread, nr, c, "not a PIDNS_* answer nor EPERM");
		return;
	}
	if ((s_ns >= 0 && !in_view(s_ns)) || (t_ns >= 0 && !in_view(t_ns))) {
		fail(st, thread, nr, c, "answered, but a namespace is beside the caller's line");
		return;
	}
	if (s_ns < 0 || t_ns < 0)
		return;
	st->exact_checks++;
	want = ns_relation(s_ns, t_ns);
	if (c->ret != want)
		fail(st, thread, nr, c, "%s and %s relate as %ld", ns_names[s_ns], ns_names[t_ns],
		     want);
}

static void check_query(struct stats *st, int thread, unsigned long nr, const struct call *c,
			int s_ns, int t_ns, int h, bool sure)
{
	long got = c->ret < 0 ? -c->err : c->ret;

	if (c->ret == 0 || (c->ret < 0 && c->err != ESRCH && c->err != ENOENT)) {
		fail(st, thread, nr, c, "QUERY_PID answers a pid, ESRCH or ENOENT");
		return;
	}
	if (s_ns >= 0 && t_ns >= 0 && s_ns == t_ns && c->ret > 0 && c->ret != c->pid)
		fail(st, thread, nr, c, "translation within one namespace changed the pid");
	if (s_ns >= 0 && t_ns >= 0 && ns_contains(t_ns, s_ns) && got == -ENOENT)
		fail(st, thread, nr, c, "ENOENT, but the target is an ancestor of the source");
	if (!sure)
		return;
	if (h < 0 || !visible(h)) {
		st->invisible_checks += h >= 0;
		st->exact_checks++;
		if (got != -ESRCH)
			fail(st, thread, nr, c, "expected ESRCH (%s)", h < 0 ? "no task" :
			     "a helper the caller cannot see");
	} else if (t_ns >= 0) {
		st->exact_checks++;
		if (got != helper_answer(h, t_ns))
			fail(st, thread, nr, c, "expected %ld (helper %d)",
			     helper_answer(h, t_ns), h);
	} else if (got == -ESRCH) {
		fail(st, thread, nr, c, "ESRCH for helper %d, which the caller can see", h);
	}
}

static void check_get_pidfd(struct stats *st, int thread, unsigned long nr,
			    const struct call *c, int s_ns, int t_ns, int h, bool sure)
{
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
	if (sure && (h < 0 || !visible(h))) {
		st->invisible_checks += h >= 0;
		st->exact_checks++;
		if (!(c->ret == -1 && c->err == ESRCH))
			fail(st, thread, nr, c, "expected ESRCH (%s)", h < 0 ? "no task" :
			     "a helper the caller cannot see");
	} else if (sure && t_ns >= 0) {
		bool ok = ns_contains(t_ns, helper_ns[h]);

		st->exact_checks++;
		if (ok && c->ret < 0)
			fail(st, thread, nr, c, "expected a pidfd of helper %d", h);
		if (!ok && !(c->ret == -1 && c->err == ENOENT))
			fail(st, thread, nr, c, "expected ENOENT");
	}
	if (c->ret >= 0) {
		check_pidfd(st, thread, nr, c, s_ns, t_ns, sure ? h : -1);
		close((int)c->ret);
	}
}

/* QUERY_PID with PIDCTL_PIDFD: the answer the pidfd's kind decides. */
static void check_query_pidfd(struct stats *st, int thread, unsigned long nr,
			      const struct call *c, int t_ns)
{
	long got = c->ret < 0 ? -c->err : c->ret;
	int of = c->pidfd ? c->pidfd->pidfd_of : PFD_NONE;
	long want;

	st->pidfd_calls++;
	if (c->ret > 0)
		st->pidfd_ok++;
	else if (c->ret < 0 && c->err < (int)(sizeof(st->pidfd_err) / sizeof(st->pidfd_err[0])))
		st->pidfd_err[c->err]++;
	if (c->ret == 0) {
		fail(st, thread, nr, c, "0 is no answer");
		return;
	}
	if (!c->pidfd) {
		/* Some number: any fd of ours, or one another thread opened. */
		if (got < 0 && got != -EBADF && got != -ESRCH && got != -ENOENT &&
		    !(got == -EREMOTE && caller_ns != NS_ROOT))
			fail(st, thread, nr, c, "not an errno PIDCTL_PIDFD may return");
		return;
	}
	if (of == PFD_NONE) {
		want = -EBADF;
	} else if (of == PFD_REAPED) {
		want = -ESRCH;
	} else if (of == PFD_CHURN) {
		/* A churn child of the caller's namespace, alive or reaped. */
		if (got != -ESRCH && got != -ENOENT && got <= 0)
			fail(st, thread, nr, c, "expected a number, ENOENT or ESRCH");
		return;
	} else if (!helpers[of].alive) {
		want = -ESRCH;
	} else if (!visible(of)) {
		st->invisible_checks++;
		want = -EREMOTE;
	} else if (t_ns >= 0) {
		want = helper_answer(of, t_ns);
	} else {
		if (got != -ENOENT && got <= 0)
			fail(st, thread, nr, c, "expected a number or ENOENT for helper %d", of);
		return;
	}
	st->exact_checks++;
	if (got != want)
		fail(st, thread, nr, c, "expected %ld", want);
}

static void check(struct stats *st, int thread, unsigned long nr, const struct call *c)
{
	int s_ns = fd_ns(c->src), t_ns = fd_ns(c->tgt), want = 0, h = -1;
	bool sure = false;

	if (c->ret < 0 && c->err < (int)(sizeof(st->err) / sizeof(st->err[0])))
		st->err[c->err]++;
	if (c->cmd > PIDCMD_GET_PIDFD)
		st->invalid_cmd++;
	want = args_error(c);
	if (!want)
		want = fd_error(c->src);
	if (!want)
		want = fd_error(c->tgt);
	if (want) {
		if (c->ret != -1 || c->err != want)
			fail(st, thread, nr, c, "expected %s", errname(want));
		if (c->ret >= 0 && c->cmd == PIDCMD_GET_PIDFD)
			close((int)c->ret);
		return;
	}
	if (c->ret >= 0)
		st->ok[c->cmd]++;
	if (c->cmd == PIDCMD_QUERY_PID && c->flags == PIDCTL_PIDFD) {
		check_query_pidfd(st, thread, nr, c, t_ns);
		return;
	}
	if (s_ns >= 0 && c->cmd != PIDCMD_QUERY_PIDNS)
		h = helper_in(c->pid, s_ns, &sure);

	switch (c->cmd) {
	case PIDCMD_QUERY_PIDNS:
		check_pidns(st, thread, nr, c, s_ns, t_ns);
		break;
	case PIDCMD_QUERY_PID:
		check_query(st, thread, nr, c, s_ns, t_ns, h, sure);
		break;
	case PIDCMD_GET_PIDFD:
		check_get_pidfd(st, thread, nr, c, s_ns, t_ns, h, sure);
		break;
	}
}

struct fuzz_thread {
	pthread_t thread;
	int index, stream;
	unsigned long calls;
	struct stats st;
};

static void *fuzz_main(void *arg)
{
	struct fuzz_thread *ft = arg;
	uint64_t rs = rnd_seed(seed, ft->stream);
	unsigned long i;

	thread_tids[atomic_fetch_add(&nr_thread_tids, 1)] = gettid();
	for (i = 0; i < ft->calls; i++) {
		struct call c;

		c.cmd = pick_cmd(&rs);
		c.flags = pick_flags(&rs, c.cmd);
		c.pidfd = NULL;
		if (c.cmd == PIDCMD_QUERY_PID && c.flags == PIDCTL_PIDFD) {
			/* A pidfd as pid, from the caller's namespace mostly. */
			if (rnd_below(&rs, 10))
				c.pidfd = pick_pidfd(&rs);
			c.pid = c.pidfd ? c.pidfd->fd : pick_pid(&rs);
			c.src = rnd_below(&rs, 5) ? &self_fd : pick_fd(&rs);
		} else {
			c.pid = c.cmd == PIDCMD_QUERY_PIDNS && rnd_below(&rs, 100) < 85 ? 0 :
				pick_pid(&rs);
			c.src = pick_fd(&rs);
		}
		c.tgt = pick_fd(&rs);
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

/* A thread that tells its tid, then exits once something is written. */
struct short_lived {
	int go[2];
	atomic_int tid;
};

static void *exit_on_read(void *arg)
{
	struct short_lived *sl = arg;
	char c;

	atomic_store(&sl->tid, gettid());
	if (read(sl->go[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

/*
 * A pidfd of a child process (or, with thread, a PIDFD_THREAD pidfd of a
 * thread) taken while it ran, returned once it is reaped: fdinfo's Pid is
 * -1 then (a thread is released a moment after pthread_join() returns).
 */
static int reaped_pidfd(bool thread)
{
	struct short_lived sl = { .tid = 0 };
	struct pidfd_info info;
	int fd = -1, i;
	pthread_t t;
	pid_t pid;

	if (!thread) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		fd = pid < 0 ? -1 : sys_pidfd_open(pid, 0);
		waitpid(pid, NULL, 0);
		return fd;
	}
	if (pipe(sl.go))
		return -1;
	if (!pthread_create(&t, NULL, exit_on_read, &sl)) {
		while (!atomic_load(&sl.tid))
			usleep(1000);
		fd = sys_pidfd_open(atomic_load(&sl.tid), PIDFD_THREAD);
		if (write(sl.go[1], "x", 1) != 1)
			abort();
		pthread_join(t, NULL);
	}
	close(sl.go[0]);
	close(sl.go[1]);
	for (i = 0; fd >= 0 && i < 1000; i++) {
		if (read_pidfd_info(fd, &info) || info.pid == -1)
			break;
		usleep(1000);
	}
	return fd;
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
	while (got < H_ZOMBIE && read(report_pipe[0], &r, sizeof(r)) == sizeof(r)) {
		helpers[r.role].root_pid = r.root_pid;
		got++;
	}
	if (got != H_ZOMBIE)
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
	helpers[H_PARENT].root_pid = getpid();
	helpers[H_INIT].root_pid = 1;
	helpers[H_KTHREADD].root_pid = 2;
	for (i = H_PARENT; i <= H_KTHREADD; i++)
		helpers[i].nr[0] = helpers[i].root_pid;

	for (i = 0; i < NR_HELPERS; i++) {
		pid_t nr[MAX_LEVELS];
		int n, l;

		helpers[i].alive = true;
		if (i >= H_ZOMBIE)
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
	add_pidfd(pfd, H_PARENT, "pidfd of the root fuzzer");
	add_fd(open_ns(helpers[H_A_INIT].root_pid, "pid"), FD_PIDNS, NS_A, "A");
	pfd = sys_pidfd_open(helpers[H_A_MEMBER].root_pid, 0);
	add_fd(ioctl(pfd, PIDFD_GET_PID_NAMESPACE, 0), FD_PIDNS, NS_A, "A (pidfd ioctl)");
	add_pidfd(pfd, H_A_MEMBER, "pidfd of A member");
	for (i = 0; i < NR_HELPERS; i++)
		if (i != H_PARENT && i != H_A_MEMBER)
			add_pidfd(sys_pidfd_open(helpers[i].root_pid, 0), i,
				  "pidfd of helper %d", i);
	add_pidfd(sys_pidfd_open(helpers[H_A_INIT].root_pid, PIDFD_THREAD), H_A_INIT,
		  "PIDFD_THREAD pidfd of A init");
	add_pidfd(reaped_pidfd(false), PFD_REAPED, "pidfd of a reaped process");
	add_pidfd(reaped_pidfd(true), PFD_REAPED, "PIDFD_THREAD pidfd of an exited thread");
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
	for (i = 0; i < NR_CHURN_PIDFDS; i++) {
		fd = sys_pidfd_open(getpid(), 0);
		dup2(fd, CHURN_PIDFD_BASE + i);
		close(fd);
		add_pidfd(CHURN_PIDFD_BASE + i, PFD_CHURN, "churned pidfd");
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
			ksft_print_msg("fd %s is at level %d, not %d\n", fds[i].name,
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

static void add_stats(struct stats *sum, const struct stats *st)
{
	int e;

	sum->calls += st->calls;
	sum->invalid_cmd += st->invalid_cmd;
	sum->fds_checked += st->fds_checked;
	sum->exact_checks += st->exact_checks;
	sum->failures += st->failures;
	sum->pidfd_calls += st->pidfd_calls;
	sum->pidfd_ok += st->pidfd_ok;
	sum->invisible_checks += st->invisible_checks;
	for (e = 0; e < 3; e++)
		sum->ok[e] += st->ok[e];
	for (e = 0; e < (int)(sizeof(sum->err) / sizeof(sum->err[0])); e++) {
		sum->err[e] += st->err[e];
		sum->pidfd_err[e] += st->pidfd_err[e];
	}
}

static void print_errnos(const char *what, const unsigned long *err, int n)
{
	char buf[512];
	int len = 0, e;

	for (e = 1; e < n; e++)
		if (err[e])
			len += snprintf(buf + len, sizeof(buf) - len, " %s %lu", errname(e),
					err[e]);
	buf[len] = 0;
	ksft_print_msg("%s errnos:%s\n", what, buf);
}

/*
 * One phase: nthreads fuzzing threads (streams stream, stream + 1, ...)
 * beside nchurn churn threads, calls in all; their stats summed into sum.
 */
static void run_phase(unsigned long calls, int nthreads, int nchurn, int stream,
		      struct stats *sum)
{
	struct fuzz_thread *ft = calloc(nthreads, sizeof(*ft));
	pthread_t churn[8];
	double start = now_s();
	int i;

	atomic_store(&stop_churn, false);
	for (i = 0; i < nchurn; i++)
		pthread_create(&churn[i], NULL, churn_main, (void *)(uintptr_t)(stream + i));
	for (i = 0; i < nthreads; i++) {
		ft[i].index = i;
		ft[i].stream = stream + i;
		ft[i].calls = calls / nthreads + ((unsigned long)i < calls % nthreads);
		pthread_create(&ft[i].thread, NULL, fuzz_main, &ft[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(ft[i].thread, NULL);
		add_stats(sum, &ft[i].st);
	}
	atomic_store(&stop_churn, true);
	for (i = 0; i < nchurn; i++)
		pthread_join(churn[i], NULL);
	free(ft);
	ksft_print_msg("phase %s: %lu calls in %.1f s; successes: QUERY_PID %lu, QUERY_PIDNS %lu, "
	     "GET_PIDFD %lu, of them PIDCTL_PIDFD %lu; invalid commands %lu; exact answers "
	     "checked %lu (%lu about what the caller cannot see); pidfds checked %lu\n", phase,
	     sum->calls, now_s() - start, sum->ok[0], sum->ok[1], sum->ok[2], sum->pidfd_ok,
	     sum->invalid_cmd, sum->exact_checks, sum->invisible_checks, sum->fds_checked);
	print_errnos("all", sum->err, sizeof(sum->err) / sizeof(sum->err[0]));
	print_errnos("PIDCTL_PIDFD", sum->pidfd_err,
		     sizeof(sum->pidfd_err) / sizeof(sum->pidfd_err[0]));
}

static int fd_of_ns(int ns)
{
	int i;

	for (i = 0; i < nr_fds; i++)
		if (fds[i].kind == FD_PIDNS && fds[i].ns == ns)
			return fds[i].fd;
	return -1;
}

/*
 * The second phase, in a process of A: entered with setns(), so that it is
 * a member of A, not its init. Its churn lives in A too; the volatile
 * slots start as A's namespace and its own pidfd. Reports its stats
 * through a pipe; false if it could not run.
 */
static bool run_phase_in_a(unsigned long calls, int nthreads, int nchurn, struct stats *st)
{
	int a_fd = fd_of_ns(NS_A), root_fd = fd_of_ns(NS_ROOT), p[2], i, fd;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (a_fd < 0 || root_fd < 0 || pipe(p) || setns(a_fd, CLONE_NEWPID))
		return false;
	fflush(stdout);
	pid = fork();
	setns(root_fd, CLONE_NEWPID);
	if (pid == 0) {
		struct stats sum = { 0 };

		close(p[0]);
		caller_ns = NS_A;
		self_fd.ns = NS_A;
		caller_ns_ino = ns_ino(a_fd);
		phase = "A";
		for (i = 0; i < NR_VOLATILE; i++) {
			fd = open("/proc/self/ns/pid", O_RDONLY);
			dup2(fd, VOLATILE_BASE + i);
			close(fd);
		}
		for (i = 0; i < NR_CHURN_PIDFDS; i++) {
			fd = sys_pidfd_open(getpid(), 0);
			dup2(fd, CHURN_PIDFD_BASE + i);
			close(fd);
		}
		memset(history, 0, sizeof(history));
		atomic_store(&nr_thread_tids, 0);
		run_phase(calls, nthreads, nchurn, 100, &sum);
		_exit(write(p[1], &sum, sizeof(sum)) == sizeof(sum) ? 0 : 1);
	}
	close(p[1]);
	while (pid > 0 && got < sizeof(*st) &&
	       (n = read(p[0], (char *)st + got, sizeof(*st) - got)) > 0)
		got += n;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return got == sizeof(*st);
}

int main(int argc, char **argv)
{
	unsigned long calls = 100000, total = 0, i;
	int nthreads = 2, nchurn = 2, fds_before, fds_after;
	struct stats sum = { 0 }, sum_a = { 0 }, total_st = { 0 };
	bool in_a_ran;

	ksft_print_header();

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
	ksft_print_msg("pidctl_fuzz --seed %llu --calls %lu --threads %d --churn %d\n",
	     (unsigned long long)seed, calls, nthreads, nchurn);

	fds_before = count_open_fds();
	learn_ref_flags();
	if (setup()) {
		ksft_test_result(false, "fuzz: setup of namespaces and helpers\n");
		return 1;
	}
	fixup_dead_helpers();
	ksft_print_msg("%d fds in the pool; helper pids: A init %d, A member %d, A/A init %d, "
	     "A/A/A init %d, B init %d, zombie %d\n", nr_fds, helpers[H_A_INIT].root_pid,
	     helpers[H_A_MEMBER].root_pid, helpers[H_AA_INIT].root_pid,
	     helpers[H_AAA_INIT].root_pid, helpers[H_B_INIT].root_pid, zombie_pid);

	/* Half the calls from the root namespace, half from a process in A. */
	caller_ns_ino = ns_ino(fd_of_ns(NS_ROOT));
	run_phase(calls - calls / 2, nthreads, nchurn, 0, &sum);
	in_a_ran = run_phase_in_a(calls / 2, nthreads, nchurn, &sum_a);
	if (!in_a_ran)
		ksft_test_result(false, "fuzz (in A): the phase in A could not run\n");
	add_stats(&total_st, &sum);
	add_stats(&total_st, &sum_a);
	total = total_st.calls;
	for (i = 0; i < NR_VOLATILE; i++)
		close(VOLATILE_BASE + i);
	teardown();
	fds_after = count_open_fds();

	ksft_test_result(total_st.failures == 0 && total == calls,
	    "fuzz: %lu calls (%lu from the root namespace, %lu from A), every answer within "
	    "the contract (seed %llu)%s\n", total, sum.calls, sum_a.calls,
	    (unsigned long long)seed, total_st.failures ? ": see FAIL lines" : "");
	ksft_test_result(sum.fds_checked > 0 && sum_a.fds_checked > 0,
	    "fuzz: %lu returned pidfds checked (%lu in A)\n", total_st.fds_checked,
	    sum_a.fds_checked);
	ksft_test_result(sum.err[EINVAL] && sum.err[EBADF] && sum.err[ESRCH] && sum.err[ENOENT] &&
	    sum.ok[0] && sum.ok[1] && sum.ok[2],
	    "fuzz (root): every command succeeded and EINVAL, EBADF, ESRCH, ENOENT all came back\n");
	ksft_test_result(sum_a.ok[0] && sum_a.ok[1] && sum_a.ok[2] && sum_a.err[EPERM] &&
	    sum_a.pidfd_err[EREMOTE] && sum_a.invisible_checks,
	    "fuzz (in A): every command succeeded, EPERM (QUERY_PIDNS) and EREMOTE "
	    "(PIDCTL_PIDFD) came back, %lu exact checks about what A cannot see\n",
	    sum_a.invisible_checks);
	ksft_test_result(total_st.pidfd_ok && total_st.pidfd_err[EBADF] && total_st.pidfd_err[ESRCH] &&
	    total_st.pidfd_err[ENOENT],
	    "fuzz: PIDCTL_PIDFD: %lu calls, %lu numbers, EBADF %lu, ESRCH %lu, ENOENT %lu, "
	    "EREMOTE %lu\n", total_st.pidfd_calls, total_st.pidfd_ok, total_st.pidfd_err[EBADF],
	    total_st.pidfd_err[ESRCH], total_st.pidfd_err[ENOENT], total_st.pidfd_err[EREMOTE]);
	ksft_test_result(fds_after == fds_before, "fuzz: no fd left open (%d before, %d after)\n",
	    fds_before, fds_after);
	if (total_st.failures)
		ksft_print_msg("%lu failures; each thread's calls again, without the churn: "
		     "pidctl_fuzz --seed %llu --calls %lu --threads %d --churn 0\n",
		     total_st.failures, (unsigned long long)seed, calls, nthreads);
	return stress_finished();
}
