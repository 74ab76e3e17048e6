// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl_race - pidctl() against processes that exit while it looks them
 * up, with a small pid_max so that their numbers are reused at once.
 *
 *   pidctl_race [--seconds N] [--seed N (default: from the time)] [--pid-max N] [--checkers N]
 *
 * Two spawner processes fork short-lived children and reap them: one in
 * the root pid namespace, one as init of a child pid namespace. For every
 * child they record, in shared memory, the pidfs inode number of its
 * struct pid (unique, never reused), its number and two points of a global
 * sequence: before its fork, and after it was reaped.
 *
 * Checker threads take pidfds with PIDCMD_GET_PIDFD for random numbers,
 * through -1, an fd of the root namespace or of the child namespace, and
 * draw a sequence point before and after each call. The pidfd must name a
 * process that had the number at some moment of the call: one whose fork
 * started before the call ended and that was not reaped before it began,
 * and whose number in the source namespace is the one asked for (the
 * pidfd's inode and fdinfo). A later user of the same number is a failure.
 * QUERY_PID must answer the number itself within one namespace, or ESRCH.
 *
 * They also keep a few pidfds of children (taken by number, identified by
 * their inode) and ask for their numbers with PIDCTL_PIDFD while the
 * spawners reap them: the answer is the child's own number in the target
 * (ENOENT in the child namespace for a root child), or ESRCH, and ESRCH
 * only once its reaping may have begun: a call that began after the reap
 * was recorded must be ESRCH, one that ended before it began must answer.
 * --self-test replaces pidctl() with broken stand-ins: GET_PIDFD looks the
 * number up again after the call (pidfd_open() a moment later), the pidfd
 * query answers the number the child had when its pidfd was taken, reaped
 * or not. The checks must then report later users of numbers and numbers
 * of reaped children, and the run passes if both do.
 * Sets /proc/sys/kernel/pid_max for the run and restores it. Prints TAP.
 */
#include "stress.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define TABLE (1u << 18)
#define RESERVED_LOW 300	/* RESERVED_PIDS: numbers below are not reused */
#define PENDING (1ULL << 63)

enum { SPACE_ROOT, SPACE_NS, NR_SPACES };

struct rec {
	_Atomic uint64_t key;	/* pidfs inode; PENDING while filled in */
	pid_t nr[NR_SPACES];	/* number in the root and in the child namespace */
	int space;		/* where it was forked */
	uint64_t seq_fork;
	_Atomic uint64_t seq_reaping;	/* before waitpid() */
	_Atomic uint64_t seq_reaped;	/* after it */
};

struct shared {
	_Atomic uint64_t seq;
	atomic_int stop;
	atomic_ulong forks[NR_SPACES];
	atomic_ulong full;
	atomic_ulong fork_failures;
	struct rec recs[TABLE];
};

static struct shared *sh;
static uint64_t seed;
static int pid_max = 340;
static bool self_test;
static pid_t checker_tids[64];
static atomic_int nr_checker_tids;
/*
 * A checker's own threads have numbers in the reused range too, and
 * GET_PIDFD without PIDFD_THREAD rightly fails with EINVAL on them: every
 * checker records its thread id before any checker makes a call.
 */
static pthread_barrier_t checkers_ready;

static uint64_t hash(uint64_t ino)
{
	return (ino * 0x9E3779B97F4A7C15ULL) >> 46; /* 18 bits */
}

static struct rec *insert(uint64_t ino)
{
	uint64_t i, h = hash(ino);

	for (i = 0; i < TABLE; i++) {
		struct rec *r = &sh->recs[(h + i) & (TABLE - 1)];
		uint64_t zero = 0;

		if (atomic_compare_exchange_strong(&r->key, &zero, ino | PENDING))
			return r;
	}
	atomic_fetch_add(&sh->full, 1);
	return NULL;
}

/* The record of ino, if a spawner has finished writing one. */
static struct rec *lookup(uint64_t ino)
{
	uint64_t i, h = hash(ino);

	for (i = 0; i < TABLE; i++) {
		struct rec *r = &sh->recs[(h + i) & (TABLE - 1)];
		uint64_t key = atomic_load(&r->key);

		if (key == ino)
			return r;
		if (!key)
			break;
	}
	return NULL;
}

/*
 * Fork children that exit after a moment, keep up to INFLIGHT of them,
 * and reap the oldest; runs in its own process until told to stop.
 */
#define INFLIGHT 12

static void __attribute__((noreturn)) spawner(int space)
{
	uint64_t rs = rnd_seed(seed, 100 + space);
	struct { pid_t pid; struct rec *r; } ring[INFLIGHT];
	unsigned int head = 0, n = 0;

	while (!atomic_load(&sh->stop) || n) {
		uint64_t seq_fork;
		struct rec *r = NULL;
		pid_t pid;
		int pfd;

		if (n == INFLIGHT || (n && (atomic_load(&sh->stop) || rnd_below(&rs, 4) == 0))) {
			/* Reap the oldest: only then can its number be reused. */
			unsigned int i = (head + INFLIGHT - n) % INFLIGHT;

			if (ring[i].r)
				atomic_store(&ring[i].r->seq_reaping,
					     atomic_fetch_add(&sh->seq, 1));
			waitpid(ring[i].pid, NULL, 0);
			if (ring[i].r)
				atomic_store(&ring[i].r->seq_reaped, atomic_fetch_add(&sh->seq, 1));
			n--;
			continue;
		}
		seq_fork = atomic_fetch_add(&sh->seq, 1);
		pid = fork();
		if (pid == 0) {
			uint32_t r = rnd_below(&rs, 4);

			if (r == 1)
				sched_yield();
			else if (r == 2)
				usleep(rnd_below(&rs, 3000));
			_exit(0);
		}
		rnd_next(&rs);
		if (pid < 0) {
			atomic_fetch_add(&sh->fork_failures, 1);
			sched_yield();
			continue;
		}
		/* Not reaped yet, so the number is still this child's. */
		pfd = sys_pidfd_open(pid, 0);
		if (pfd >= 0) {
			uint64_t ino = pidfd_ino(pfd);
			struct pidfd_info info;

			/* /proc is the root namespace's: NSpid is root, child. */
			if (read_pidfd_info(pfd, &info) || info.levels != space + 1)
				info.levels = 0;
			close(pfd);
			r = ino && info.levels ? insert(ino) : NULL;
			if (r) {
				r->nr[SPACE_ROOT] = info.nspid[0];
				r->nr[SPACE_NS] = space == SPACE_NS ? info.nspid[1] : 0;
				r->space = space;
				r->seq_fork = seq_fork;
				atomic_store(&r->key, ino);
			}
		}
		atomic_fetch_add(&sh->forks[space], 1);
		ring[head].pid = pid;
		ring[head].r = r;
		head = (head + 1) % INFLIGHT;
		n++;
	}
	_exit(0);
}

#define MAX_DEFERRED 65536

struct deferred {
	uint64_t ino, s0, s1;
	pid_t nr;
	int space;
	bool query;	/* a PIDCTL_PIDFD query: got is its answer in space */
	long got;
};

/* A pidfd a checker keeps across calls, to ask about while it is reaped. */
#define NR_HELD 8

struct held {
	int fd;
	uint64_t ino;
	pid_t nr[NR_SPACES];	/* its numbers when taken: the self-test's answers */
};

struct checker {
	pthread_t thread;
	int index;
	int root_fd, ns_fd;
	unsigned long calls, pidfds, exited, unknown, verified, failures, queries;
	unsigned long pidfd_queries, pidfd_numbers, pidfd_enoent, pidfd_esrch, pidfd_failures;
	unsigned long pidfd_verified, pidfd_unknown;
	struct held held[NR_HELD];
	unsigned long errs[NR_SPACES];
	struct deferred *deferred;
	int nr_deferred;
};

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long total_failures;

static void fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	c->failures++;
	pthread_mutex_lock(&out_lock);
	if (total_failures++ < 10) {
		printf("# %s seed=%llu checker=%d: ", self_test ? "caught (self-test)" : "FAIL",
		       (unsigned long long)seed, c->index);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		fflush(stdout);
	}
	pthread_mutex_unlock(&out_lock);
}

static bool is_checker_tid(pid_t pid)
{
	int i, n = atomic_load(&nr_checker_tids);

	for (i = 0; i < n; i++)
		if (checker_tids[i] == pid)
			return true;
	return pid == getpid();
}

/* The process behind a pidfd had number nr in space during [s0, s1]. */
static void verify(struct checker *c, const struct rec *r, int space, pid_t nr,
		   uint64_t s0, uint64_t s1)
{
	uint64_t reaped;

	c->verified++;
	if (r->nr[space] != nr) {
		fail(c, "GET_PIDFD(%d in %s) names the child numbered %d there", nr,
		     space ? "the child ns" : "root", r->nr[space]);
		return;
	}
	if (r->seq_fork > s1) {
		fail(c, "GET_PIDFD(%d) during [%llu, %llu] names a child forked at %llu: a later "
		     "user of the number", nr, (unsigned long long)s0, (unsigned long long)s1,
		     (unsigned long long)r->seq_fork);
		return;
	}
	reaped = atomic_load(&r->seq_reaped);
	if (reaped && reaped < s0)
		fail(c, "GET_PIDFD(%d) during [%llu, %llu] names a child reaped at %llu",
		     nr, (unsigned long long)s0, (unsigned long long)s1,
		     (unsigned long long)reaped);
}

static void defer(struct checker *c, const struct deferred *d)
{
	if (c->nr_deferred < MAX_DEFERRED)
		c->deferred[c->nr_deferred++] = *d;
}

static void check_pidfd(struct checker *c, int fd, int space, pid_t nr, int src, int tgt,
			uint64_t s0, uint64_t s1)
{
	struct pidfd_info info;
	uint64_t ino = pidfd_ino(fd);
	struct rec *r;

	c->pidfds++;
	if (!is_pidfd(fd) || read_pidfd_info(fd, &info)) {
		fail(c, "GET_PIDFD(%d, %d, %d) = %d is no pidfd", nr, src, tgt, fd);
		return;
	}
	if (info.pid == -1) {
		c->exited++;
	} else if (info.levels <= space || info.nspid[space] != nr) {
		fail(c, "GET_PIDFD(%d in %s) names a task numbered %d there (Pid %d)", nr,
		     space ? "the child ns" : "root", info.levels > space ? info.nspid[space] : 0,
		     info.pid);
	}
	r = lookup(ino);
	if (r) {
		verify(c, r, space, nr, s0, s1);
	} else {
		/* A spawner may still be writing its record: look at the end. */
		struct deferred d = { .ino = ino, .nr = nr, .space = space, .s0 = s0, .s1 = s1 };

		defer(c, &d);
	}
}

/*
 * The answer got, in space, to a PIDCTL_PIDFD query during [s0, s1] about
 * the child of r: its own number there (ENOENT in the child namespace for
 * a root child) while not reaped, ESRCH once its reaping may have begun.
 */
static void verify_query(struct checker *c, const struct rec *r, int space, long got,
			 uint64_t s0, uint64_t s1)
{
	uint64_t reaping = atomic_load(&r->seq_reaping), reaped = atomic_load(&r->seq_reaped);
	long want = r->nr[space] ? r->nr[space] : -ENOENT;

	c->pidfd_verified++;
	if (got == -ESRCH) {
		if (!reaping || reaping > s1) {
			c->pidfd_failures++;
			fail(c, "PIDCTL_PIDFD during [%llu, %llu] of a child (%d) reaped only from "
			     "%llu on: ESRCH", (unsigned long long)s0, (unsigned long long)s1,
			     r->nr[r->space], (unsigned long long)reaping);
		}
		return;
	}
	if (got != want) {
		c->pidfd_failures++;
		fail(c, "PIDCTL_PIDFD of a child (%d) answers %ld in %s, expected %ld",
		     r->nr[r->space], got, space ? "the child ns" : "root", want);
	} else if (reaped && reaped < s0) {
		c->pidfd_failures++;
		fail(c, "PIDCTL_PIDFD during [%llu, %llu] of a child (%d) reaped at %llu "
		     "answers %ld", (unsigned long long)s0, (unsigned long long)s1, r->nr[r->space],
		     (unsigned long long)reaped, got);
	}
}

static void check_deferred(struct checker *c)
{
	int i;

	for (i = 0; i < c->nr_deferred; i++) {
		struct deferred *d = &c->deferred[i];
		struct rec *r = lookup(d->ino);

		if (!r && d->query)
			c->pidfd_unknown++;
		else if (!r)
			c->unknown++; /* not a spawner's child: init, a checker... */
		else if (d->query)
			verify_query(c, r, d->space, d->got, d->s0, d->s1);
		else
			verify(c, r, d->space, d->nr, d->s0, d->s1);
	}
}

/* A number in the range that is reused. */
static pid_t random_nr(uint64_t *rs)
{
	return rnd_below(rs, 4) ? RESERVED_LOW + (pid_t)rnd_below(rs, pid_max - RESERVED_LOW)
				: 1 + (pid_t)rnd_below(rs, pid_max - 1);
}

/* Take a pidfd by number into a held slot; the slot stays empty if none. */
static void take_held(struct checker *c, struct held *h, uint64_t *rs)
{
	int space = rnd_below(rs, NR_SPACES);
	pid_t nr = random_nr(rs);
	struct pidfd_info info;
	long fd;

	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	fd = sys_pidctl(PIDCMD_GET_PIDFD, nr, space == SPACE_ROOT ? -1 : c->ns_fd, -1, 0);
	if (fd < 0)
		return;
	if (read_pidfd_info((int)fd, &info) || info.pid <= 0) {
		close((int)fd);
		return;
	}
	h->fd = (int)fd;
	h->ino = pidfd_ino(h->fd);
	h->nr[SPACE_ROOT] = info.nspid[0];
	h->nr[SPACE_NS] = info.levels > 1 ? info.nspid[1] : 0;
}

/* One PIDCTL_PIDFD query about a held pidfd, checked now or at the end. */
static void query_held(struct checker *c, uint64_t *rs)
{
	struct held *h = &c->held[rnd_below(rs, NR_HELD)];
	struct deferred d = { .query = true };
	int tgt;
	long ret;
	struct rec *r;

	if (h->fd < 0 || rnd_below(rs, 16) == 0) {
		take_held(c, h, rs);
		return;
	}
	d.space = rnd_below(rs, NR_SPACES);
	tgt = d.space == SPACE_NS ? c->ns_fd : rnd_below(rs, 2) ? -1 : c->root_fd;
	d.s0 = atomic_fetch_add(&sh->seq, 1);
	if (self_test) {
		/* A broken query: the number it had, reaped or not. */
		ret = h->nr[d.space] ? h->nr[d.space] : -ENOENT;
	} else {
		ret = sys_pidctl(PIDCMD_QUERY_PID, h->fd, -1, tgt, PIDCTL_PIDFD);
		ret = ret < 0 ? -errno : ret;
	}
	d.s1 = atomic_fetch_add(&sh->seq, 1);
	d.got = ret;
	d.ino = h->ino;
	c->pidfd_queries++;
	if (ret > 0)
		c->pidfd_numbers++;
	else if (ret == -ENOENT)
		c->pidfd_enoent++;
	else if (ret == -ESRCH)
		c->pidfd_esrch++;
	r = lookup(d.ino);
	if (r)
		verify_query(c, r, d.space, d.got, d.s0, d.s1);
	else
		defer(c, &d);
}

static void *checker_main(void *arg)
{
	struct checker *c = arg;
	uint64_t rs = rnd_seed(seed, c->index);

	int i;

	for (i = 0; i < NR_HELD; i++)
		c->held[i].fd = -1;
	checker_tids[atomic_fetch_add(&nr_checker_tids, 1)] = gettid();
	pthread_barrier_wait(&checkers_ready);
	while (!atomic_load(&sh->stop)) {
		int space, src, tgt;
		unsigned int flags = 0;
		uint64_t s0, s1;
		pid_t nr;
		long ret;
		int err;

		if (rnd_below(&rs, 4) == 0) {
			query_held(c, &rs);
			continue;
		}
		space = rnd_below(&rs, NR_SPACES);
		nr = random_nr(&rs);
		if (space == SPACE_ROOT) {
			src = rnd_below(&rs, 2) ? -1 : c->root_fd;
			tgt = rnd_below(&rs, 2) ? -1 : c->root_fd;
		} else {
			src = c->ns_fd;
			tgt = rnd_below(&rs, 3) == 0 ? c->ns_fd : rnd_below(&rs, 2) ? -1 : c->root_fd;
		}
		if (rnd_below(&rs, 8) == 0) {
			/* Translation within the source's own namespace. */
			ret = sys_pidctl(PIDCMD_QUERY_PID, nr, src, src, 0);
			err = errno;
			c->queries++;
			if (ret < 0 ? err != ESRCH : ret != nr)
				fail(c, "QUERY_PID(%d, %d, %d) = %ld %s", nr, src, src, ret,
				     ret < 0 ? errname(err) : "");
			continue;
		}
		if (rnd_below(&rs, 4) == 0)
			flags |= PIDFD_NONBLOCK;
		if (rnd_below(&rs, 8) == 0)
			flags |= PIDFD_THREAD;
		s0 = atomic_fetch_add(&sh->seq, 1);
		if (self_test) {
			/*
			 * A broken pidctl() that looks the number up again
			 * after it returned: the check must catch it.
			 */
			s1 = atomic_fetch_add(&sh->seq, 1);
			usleep(rnd_below(&rs, 2000));
			ret = space == SPACE_ROOT ? sys_pidfd_open(nr, flags & PIDFD_NONBLOCK) : -1;
			err = ret < 0 ? ESRCH : 0;
		} else {
			ret = sys_pidctl(PIDCMD_GET_PIDFD, nr, src, tgt, flags);
			err = errno;
			s1 = atomic_fetch_add(&sh->seq, 1);
		}
		c->calls++;
		if (ret >= 0) {
			check_pidfd(c, (int)ret, space, nr, src, tgt, s0, s1);
			close((int)ret);
		} else if (err == ESRCH) {
			c->errs[space]++;
		} else if (!(err == EINVAL && space == SPACE_ROOT && !(flags & PIDFD_THREAD) &&
			     is_checker_tid(nr))) {
			fail(c, "GET_PIDFD(%d, %d, %d, %#x) failed with %s", nr, src, tgt, flags,
			     errname(err));
		}
	}
	for (i = 0; i < NR_HELD; i++)
		if (c->held[i].fd >= 0)
			close(c->held[i].fd);
	return NULL;
}

int main(int argc, char **argv)
{
	int seconds = 10, nchecker = 2, i, root_fd, ns_fd, sync[2], fds_before;
	pid_t spawners[NR_SPACES];
	char old_pid_max[32] = "", buf[32];
	struct checker *cs;
	unsigned long calls = 0, pidfds = 0, exited = 0, unknown = 0, failures = 0, queries = 0;
	unsigned long verified = 0, pq = 0, pnum = 0, penoent = 0, pesrch = 0, pfail = 0;
	unsigned long pverified = 0, punknown = 0;
	unsigned long forks, distinct = 0;
	double start;

	ksft_print_header();

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--pid-max") && i + 1 < argc)
			pid_max = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--checkers") && i + 1 < argc)
			nchecker = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--self-test"))
			self_test = true;
		else {
			fprintf(stderr, "usage: %s [--seconds N] [--seed N] [--pid-max N] "
				"[--checkers N] [--self-test]\n", argv[0]);
			return 2;
		}
	}
	if (nchecker < 1 || nchecker > 16 || pid_max <= RESERVED_LOW + 10) {
		fprintf(stderr, "--checkers 1..16, --pid-max > %d\n", RESERVED_LOW + 10);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	ksft_print_msg("pidctl_race --seconds %d --seed %llu --pid-max %d --checkers %d\n", seconds,
	     (unsigned long long)seed, pid_max, nchecker);
	fds_before = count_open_fds();

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		ksft_test_result(false, "race: shared memory\n");
		return 1;
	}
	if (read_file("/proc/sys/kernel/pid_max", old_pid_max, sizeof(old_pid_max)) == 0) {
		snprintf(buf, sizeof(buf), "%d", pid_max);
		if (write_file("/proc/sys/kernel/pid_max", buf))
			ksft_print_msg("cannot set pid_max to %d\n", pid_max);
		/* Wrap at once: numbers below RESERVED_PIDS are never reused. */
		snprintf(buf, sizeof(buf), "%d", RESERVED_LOW);
		write_file("/proc/sys/kernel/ns_last_pid", buf);
	}

	root_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	spawners[SPACE_ROOT] = fork();
	if (spawners[SPACE_ROOT] == 0)
		spawner(SPACE_ROOT);
	if (pipe2(sync, O_CLOEXEC)) {
		ksft_test_result(false, "race: pipe\n");
		return 1;
	}
	spawners[SPACE_NS] = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
	if (spawners[SPACE_NS] == 0) {
		/* Wait until the parent holds our namespace. */
		char c;

		close(sync[1]);
		if (read(sync[0], &c, 1) != 0)
			_exit(1);
		/*
		 * Start numbering where the root namespace wraps too, so that
		 * numbers are reused here as soon as there (the sysctl acts on
		 * the writer's namespace; CONFIG_CHECKPOINT_RESTORE).
		 */
		snprintf(buf, sizeof(buf), "%d", RESERVED_LOW);
		write_file("/proc/sys/kernel/ns_last_pid", buf);
		spawner(SPACE_NS);
	}
	ns_fd = -1;
	if (spawners[SPACE_NS] > 0) {
		snprintf(buf, sizeof(buf), "/proc/%d/ns/pid", spawners[SPACE_NS]);
		ns_fd = open(buf, O_RDONLY | O_CLOEXEC);
	}
	close(sync[0]);
	close(sync[1]);
	if (root_fd < 0 || ns_fd < 0 || spawners[SPACE_ROOT] < 0) {
		ksft_test_result(false, "race: setup of the spawners and namespace fds\n");
		atomic_store(&sh->stop, 1);
		return 1;
	}

	start = now_s();
	cs = calloc(nchecker, sizeof(*cs));
	pthread_barrier_init(&checkers_ready, NULL, nchecker);
	for (i = 0; i < nchecker; i++) {
		cs[i].index = i;
		cs[i].root_fd = root_fd;
		cs[i].ns_fd = ns_fd;
		cs[i].deferred = calloc(MAX_DEFERRED, sizeof(*cs[i].deferred));
		pthread_create(&cs[i].thread, NULL, checker_main, &cs[i]);
	}
	while (now_s() - start < seconds)
		usleep(100000);
	atomic_store(&sh->stop, 1);
	for (i = 0; i < nchecker; i++)
		pthread_join(cs[i].thread, NULL);
	for (i = 0; i < NR_SPACES; i++)
		waitpid(spawners[i], NULL, 0);
	for (i = 0; i < nchecker; i++) {
		check_deferred(&cs[i]);
		verified += cs[i].verified;
		calls += cs[i].calls;
		pidfds += cs[i].pidfds;
		exited += cs[i].exited;
		unknown += cs[i].unknown;
		failures += cs[i].failures;
		queries += cs[i].queries;
		pq += cs[i].pidfd_queries;
		pnum += cs[i].pidfd_numbers;
		penoent += cs[i].pidfd_enoent;
		pesrch += cs[i].pidfd_esrch;
		pfail += cs[i].pidfd_failures;
		pverified += cs[i].pidfd_verified;
		punknown += cs[i].pidfd_unknown;
	}
	if (old_pid_max[0])
		write_file("/proc/sys/kernel/pid_max", old_pid_max);
	close(root_fd);
	close(ns_fd);

	forks = atomic_load(&sh->forks[0]) + atomic_load(&sh->forks[1]);
	{
		/* How often numbers were reused: forks per distinct (space, pid). */
		static unsigned char seen[NR_SPACES][1 << 16];
		unsigned int k;

		for (k = 0; k < TABLE; k++) {
			struct rec *r = &sh->recs[k];

			pid_t nr = r->nr[r->space];

			if (atomic_load(&r->key) && nr > 0 && nr < (1 << 16) &&
			    !seen[r->space][nr]++)
				distinct++;
		}
	}
	ksft_print_msg("%.1f s: %lu forks (root %lu, child ns %lu) over %lu distinct numbers, "
	     "%lu fork failures; %lu GET_PIDFD calls, %lu pidfds (%lu of exited tasks, "
	     "%lu of other tasks), %lu QUERY_PID\n",
	     now_s() - start, forks, atomic_load(&sh->forks[0]), atomic_load(&sh->forks[1]),
	     distinct, atomic_load(&sh->fork_failures), calls, pidfds, exited, unknown, queries);
	ksft_print_msg("%lu PIDCTL_PIDFD queries about held pidfds: %lu numbers, %lu ENOENT, %lu ESRCH; "
	     "%lu about recorded children checked, %lu about other tasks\n", pq, pnum, penoent,
	     pesrch, pverified, punknown);
	if (atomic_load(&sh->full))
		ksft_print_msg("record table full: %lu children not recorded\n", atomic_load(&sh->full));

	if (self_test) {
		/* Only the race check's teeth are tested here. */
		ksft_test_result(failures - pfail > 0, "race self-test: %lu pidfds of later users of a number "
		    "caught (of %lu)\n", failures - pfail, pidfds);
		ksft_test_result(pfail > 0, "race self-test: %lu numbers of reaped children caught (of %lu "
		    "PIDCTL_PIDFD queries)\n", pfail, pq);
		return stress_finished();
	}
	ksft_test_result(failures == 0 && verified > 0,
	    "race: %lu pidfds each name a process that had the number during the call "
	    "(seed %llu)\n", pidfds, (unsigned long long)seed);
	ksft_test_result(pfail == 0 && pnum > 0 && pesrch > 0 && pverified > punknown,
	    "race: %lu PIDCTL_PIDFD queries while the children were reaped: each the child's "
	    "own number (%lu), ENOENT (%lu) or, once its reaping began, ESRCH (%lu)\n", pq, pnum,
	    penoent, pesrch);
	ksft_test_result(distinct > 0 && forks > distinct,
	    "race: numbers were reused (%lu forks, %lu numbers)\n", forks, distinct);
	ksft_test_result(verified > unknown, "race: most pidfds named recorded children (%lu of %lu)\n",
	    verified, pidfds);
	ksft_test_result(count_open_fds() == fds_before, "race: no fd left open\n");
	return stress_finished();
}
