/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What both benchmark programs share, in C that compiles as C++ too:
 *
 *  - a chain of nested pid namespaces, one process at each depth 1..32,
 *    each blocked on a pipe, with an nsfs fd for each level;
 *  - a loop harness: every method of a group is warmed up, given a batch
 *    size that makes one batch last about opts.batch_us, and then timed in
 *    opts.reps rounds; each round times one batch of every method of the
 *    group, so that the methods compared see the same machine at the same
 *    time, in an order shuffled anew each round (see bench_order).
 *
 * Time is counted in TSC cycles: the VM's kernel has only a jiffies clock
 * (4 ms steps), while under QEMU TCG the guest's rdtsc reads the host's
 * TSC, whose constant rate bench/run measures on the host (the programs'
 * -c option) to turn cycles into ns. Every measured series is printed as
 *     @bench {"group":..,"method":..,"x":..,"batch":..,"cycles":[per-op cycles of each round]}
 * for bench/run, which computes medians, spreads and ratios.
 */
#ifndef PIDCTL_BENCH_H
#define PIDCTL_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

/* MAX_PID_NS_LEVEL: the deepest a pid namespace can be. */
#define BENCH_MAX_DEPTH 32

static void bench_die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fflush(stdout);
	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d: %s)\n", err, strerror(err));
	exit(1);
}

/* ---- the namespace chain ------------------------------------------------ */

struct bench_chain {
	int depth;
	pid_t host[BENCH_MAX_DEPTH + 1];  /* pid in the caller's namespace */
	int nsfd[BENCH_MAX_DEPTH + 1];    /* nsfs fd of each level's namespace */
	pid_t helper;                     /* the level-0 process that starts it */
	int release;                      /* write end; closing it ends the chain */
};

/* This process's pid as the /proc mount (the initial namespace) numbers it. */
static pid_t bench_proc_self(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	return (pid_t)atoi(buf);
}

/*
 * A helper forks away from the caller; it and every process below does
 * unshare(CLONE_NEWPID) + fork(), so the process at level k is pid 1 of a
 * namespace k levels below the caller's and the parent of level k+1. Each
 * reports its pid as the caller numbers it, then waits for EOF on the
 * release pipe; when one of them dies its namespace is torn down, and all
 * those below with it.
 */
static void bench_chain_start(struct bench_chain *c, int depth)
{
	int release[2], report[2];
	int level;

	memset(c, 0, sizeof(*c));
	c->depth = depth;
	if (pipe2(release, O_CLOEXEC) || pipe2(report, O_CLOEXEC))
		bench_die("pipe");
	c->helper = fork();
	if (c->helper < 0)
		bench_die("fork");
	if (c->helper == 0) {
		char byte;

		close(release[1]);
		close(report[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (level = 1; level <= depth; level++) {
			pid_t child;

			if (unshare(CLONE_NEWPID))
				_exit(10);
			child = fork();
			if (child < 0)
				_exit(11);
			if (child > 0)
				break; /* stay as the parent of the next level */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			{
				pid_t msg[2] = { level, bench_proc_self() };

				if (write(report[1], msg, sizeof(msg)) != sizeof(msg))
					_exit(12);
			}
		}
		close(report[1]);
		while (read(release[0], &byte, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(release[0]);
	close(report[1]);
	c->release = release[1];

	c->host[0] = getpid();
	c->nsfd[0] = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (c->nsfd[0] < 0)
		bench_die("open /proc/self/ns/pid");
	for (level = 1; level <= depth; level++) {
		pid_t msg[2];
		char path[64];

		if (read(report[0], msg, sizeof(msg)) != sizeof(msg))
			bench_die("namespace chain stopped before level %d", level);
		if (msg[0] != level || msg[1] <= 0)
			bench_die("namespace chain: bad report for level %d", level);
		c->host[level] = msg[1];
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)msg[1]);
		c->nsfd[level] = open(path, O_RDONLY | O_CLOEXEC);
		if (c->nsfd[level] < 0)
			bench_die("open %s", path);
	}
	close(report[0]);
}

static void bench_chain_stop(struct bench_chain *c)
{
	int level;

	for (level = 0; level <= c->depth; level++)
		close(c->nsfd[level]);
	close(c->release);
	waitpid(c->helper, NULL, 0);
}

/* ---- the harness ------------------------------------------------------ */

typedef long (*bench_fn)(void *arg);

/*
 * The order of the series in a round. A batch leaves work behind that the
 * next batch pays for (RCU callbacks freeing the files, dentries and pidfs
 * inodes of closed pidfds; slab state), and under TCG the code that ran just
 * before changes what a call costs. With a fixed cyclic order, as in
 * BENCH_ROTATE (each round starts one series later), every series always
 * follows the same one, and two series compared carry different
 * neighbours' costs in every round. BENCH_SHUFFLE gives every series every
 * predecessor equally often. The other two are kept to measure that effect.
 */
enum bench_order { BENCH_SHUFFLE, BENCH_ROTATE, BENCH_REVERSE };

struct bench_opts {
	int reps;          /* timed rounds */
	long batch_us;     /* length of one timed batch */
	long warmup_us;    /* untimed running of each method first */
	const char *only;  /* run only the group of this name (NULL: all) */
	enum bench_order order; /* of the series in a round */
	double cycles_per_ns; /* for sizing batches and warm-up only */
};

#define BENCH_MAX_REPS 1001
#define BENCH_MAX_SERIES 64

struct bench_series {
	const char *group;
	const char *method;
	int x;            /* depth or distance */
	bench_fn fn;
	void *arg;
	long expect;      /* what fn must return */
	long batch;
	double *cyc;      /* per-op cycles of each round */
};

static inline struct bench_series bench_series_of(const char *group, const char *method, int x,
						 bench_fn fn, void *arg, long expect)
{
	struct bench_series s;

	memset(&s, 0, sizeof(s));
	s.group = group;
	s.method = method;
	s.x = x;
	s.fn = fn;
	s.arg = arg;
	s.expect = expect;
	return s;
}

static inline long long bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline long long bench_now(void)
{
	return (long long)__rdtsc();
}

/*
 * TSC cycles per ns against CLOCK_MONOTONIC over about `ms`, from one step
 * of the clock to another, so that a coarse clock costs only its jitter.
 */
static double bench_cycles_per_ns(long ms)
{
	long long t0 = bench_ns(), t1, t2;
	long long c1, c2;

	while ((t1 = bench_ns()) == t0)
		;
	c1 = bench_now();
	while ((t2 = bench_ns()) - t1 < ms * 1000000LL)
		;
	t0 = t2;
	while ((t2 = bench_ns()) == t0)
		;
	c2 = bench_now();
	return (double)(c2 - c1) / (double)(t2 - t1);
}

/* Pins the caller (and what it forks later) to CPU 0. */
static void bench_pin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		bench_die("sched_setaffinity");
}

static long long bench_time_batch(struct bench_series *s, long n)
{
	bench_fn fn = s->fn;
	void *arg = s->arg;
	long long start = bench_now();
	long i;

	for (i = 0; i < n; i++)
		fn(arg);
	return bench_now() - start;
}

static void bench_check(struct bench_series *s)
{
	long got = s->fn(s->arg);

	if (got != s->expect) {
		errno = got < 0 ? (int)-got : 0;
		bench_die("%s/%s/%d returned %ld, expected %ld", s->group,
			  s->method, s->x, got, s->expect);
	}
}

static void bench_print(const struct bench_series *s, int reps)
{
	int r;

	printf("@bench {\"group\":\"%s\",\"method\":\"%s\",\"x\":%d,\"batch\":%ld,\"cycles\":[",
	       s->group, s->method, s->x, s->batch);
	for (r = 0; r < reps; r++)
		printf("%s%.1f", r ? "," : "", s->cyc[r]);
	printf("]}\n");
	fflush(stdout);
}

/* xorshift64: a fixed sequence, so that every boot shuffles alike. */
static unsigned long long bench_random(void)
{
	static unsigned long long state = 0x9e3779b97f4a7c15ULL;

	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* The order of the n series in round r, into idx. */
static void bench_round_order(int *idx, int n, int r, enum bench_order order)
{
	int i;

	for (i = 0; i < n; i++) {
		int k = (r + i) % n;

		idx[i] = order == BENCH_REVERSE ? n - 1 - k : k;
	}
	if (order != BENCH_SHUFFLE)
		return;
	for (i = n - 1; i > 0; i--) { /* Fisher-Yates */
		int j = (int)(bench_random() % (unsigned long long)(i + 1));
		int t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
	}
}

/* Measures the n series of one group side by side and prints them. */
static void bench_group(struct bench_series *s, int n, const struct bench_opts *o)
{
	long long target = (long long)(o->batch_us * 1000.0 * o->cycles_per_ns);
	int idx[BENCH_MAX_SERIES];
	int i, r;

	if (o->only && strcmp(o->only, s[0].group))
		return;
	if (n > BENCH_MAX_SERIES)
		bench_die("group %s: %d series, at most %d", s[0].group, n, BENCH_MAX_SERIES);
	fprintf(stderr, "bench: %s, %d series\n", s[0].group, n);
	for (i = 0; i < n; i++) {
		long long warm_end;
		long batch = 1;

		bench_check(&s[i]);
		warm_end = bench_now() + (long long)(o->warmup_us * 1000.0 * o->cycles_per_ns);
		while (bench_now() < warm_end)
			bench_time_batch(&s[i], 16);
		/* Smallest power of two whose batch lasts the target time. */
		while (bench_time_batch(&s[i], batch) < target && batch < (1L << 24))
			batch *= 2;
		s[i].batch = batch;
		s[i].cyc = (double *)calloc((size_t)o->reps, sizeof(double));
		if (!s[i].cyc)
			bench_die("calloc");
	}
	for (r = 0; r < o->reps; r++) {
		bench_round_order(idx, n, r, o->order);
		for (i = 0; i < n; i++) {
			struct bench_series *t = &s[idx[i]];

			t->cyc[r] = (double)bench_time_batch(t, t->batch) / (double)t->batch;
		}
	}
	for (i = 0; i < n; i++) {
		bench_check(&s[i]); /* still answering right after all that */
		bench_print(&s[i], o->reps);
		free(s[i].cyc);
		s[i].cyc = NULL;
	}
}

/*
 * -r REPS -b BATCH_US -w WARMUP_US -g GROUP, -o shuffle|rotate|reverse for
 * the order of the series in a round (shuffle; the others to see what a
 * fixed order does); -c only prints TSC cycles per ns (measured over a
 * second) and exits, which bench/run runs on the host.
 */
static enum bench_order bench_order_of(const char *name)
{
	if (!strcmp(name, "shuffle"))
		return BENCH_SHUFFLE;
	if (!strcmp(name, "rotate"))
		return BENCH_ROTATE;
	if (!strcmp(name, "reverse"))
		return BENCH_REVERSE;
	errno = EINVAL;
	bench_die("unknown order %s (shuffle, rotate or reverse)", name);
	return BENCH_SHUFFLE;
}

static void bench_parse_opts(int argc, char **argv, struct bench_opts *o)
{
	int opt;

	o->reps = 51;
	o->batch_us = 2000;
	o->warmup_us = 20000;
	o->only = NULL;
	o->order = BENCH_SHUFFLE;
	while ((opt = getopt(argc, argv, "r:b:w:g:o:c")) != -1) {
		switch (opt) {
		case 'r': o->reps = atoi(optarg); break;
		case 'b': o->batch_us = atol(optarg); break;
		case 'w': o->warmup_us = atol(optarg); break;
		case 'g': o->only = optarg; break;
		case 'o': o->order = bench_order_of(optarg); break;
		case 'c':
			printf("%.6f\n", bench_cycles_per_ns(1000));
			exit(0);
		default:
			fprintf(stderr, "usage: %s [-r N] [-b US] [-w US] [-g GROUP] [-o ORDER] | -c\n",
				argv[0]);
			exit(2);
		}
	}
	if (o->reps < 1 || o->reps > BENCH_MAX_REPS || o->batch_us < 1 || o->warmup_us < 0)
		bench_die("bad options");
	/* The guest's clock is coarse: this only sizes batches. */
	o->cycles_per_ns = bench_cycles_per_ns(200);
}

/* One line about the machine the numbers come from. */
static void bench_print_env(const char *program, const struct bench_opts *o)
{
	char model[256] = "?", line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char release[128] = "?";
	static const char *const orders[] = { "shuffle", "rotate", "reverse" };
	int fd;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10)) {
			char *p = strchr(line, ':');

			if (p) {
				snprintf(model, sizeof(model), "%s", p + 2);
				model[strcspn(model, "\n")] = 0;
			}
			break;
		}
	}
	if (f)
		fclose(f);
	fd = open("/proc/sys/kernel/osrelease", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, release, sizeof(release) - 1);

		release[n > 0 ? n : 0] = 0;
		release[strcspn(release, "\n")] = 0;
		close(fd);
	}
	printf("@env {\"program\":\"%s\",\"kernel\":\"%s\",\"guest_cpu\":\"%s\",\"guest_cpus\":%ld,"
	       "\"reps\":%d,\"batch_us\":%ld,\"warmup_us\":%ld,\"order\":\"%s\","
	       "\"guest_cycles_per_ns\":%.4f}\n",
	       program, release, model, ncpu, o->reps, o->batch_us, o->warmup_us,
	       orders[o->order], o->cycles_per_ns);
	fflush(stdout);
}

#endif
