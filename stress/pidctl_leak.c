// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl_leak - every path of pidctl(), successes and errors, many times
 * over; then the pid slab, the filp slab and the open fds must be back at
 * their baseline (the guest script adds a kmemleak scan).
 *
 *   pidctl_leak [--rounds N] [--no-failslab]
 *
 * A round takes a pidfd (of the caller, of a helper in a child pid
 * namespace named from either side, of a thread with PIDFD_THREAD, of a
 * zombie) and closes it, asks both queries (answers and errors), and goes
 * through one error path of GET_PIDFD: ESRCH, ENOENT, EINVAL (cmd, pid,
 * flags, non-leader thread, non-pidns fd as source and as target), EBADF
 * (source, target), EMFILE (RLIMIT_NOFILE lowered for the call), and, where
 * the kernel has fault injection, ENOMEM (failslab on the filp and dentry
 * caches, for this task only); and one QUERY_PID of a pidfd (PIDCTL_PIDFD:
 * of the helper, a thread, a zombie, a reaped process; EBADF, ENOENT,
 * EINVAL). A phase of its own, from inside the child namespace, takes the
 * paths of what the caller cannot see: ESRCH for a task outside, EREMOTE
 * for a pidfd from outside. ENFILE is reached in a phase of its own:
 * an unprivileged child calls while fs.file-max is 0 (0, not 1: the kernel
 * compares with an approximate count first, which reads 0 in a small VM).
 * Slab counts come from /proc/slabinfo after a shrink (debug kernel,
 * slab_nomerge); where there is none those checks are skipped. Prints TAP.
 */
#include "stress.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define CLOSED_FD 900

static int pipe_hold[2];
static pid_t helper, helper_tid_thread, zombie;
static int root_fd, child_fd, net_fd;
static int helper_pidfd, thread_pidfd, zombie_pidfd, reaped_pidfd;
static unsigned long calls, bad, enomem_calls, enomem_hits, emfile_hits;
static int make_it_fail = -1;

static void *blocked_thread(void *arg)
{
	char c;

	helper_tid_thread = gettid();
	(void)arg;
	while (read(pipe_hold[0], &c, 1) > 0)
		;
	return NULL;
}

static void expect(const char *what, long ret, long want, int want_err)
{
	int err = errno;

	calls++;
	if (want_err ? ret == -1 && err == want_err : ret == want)
		return;
	if (bad++ < 10)
		printf("# FAIL %s: got %ld %s, expected %ld %s\n", what, ret,
		       ret < 0 ? errname(err) : "", want_err ? -1 : want,
		       want_err ? errname(want_err) : "");
}

static void expect_pidfd(const char *what, long ret, pid_t want_pid, bool look)
{
	struct pidfd_info info = { .pid = want_pid };

	calls++;
	if (ret < 0 || (look && (read_pidfd_info((int)ret, &info) || info.pid != want_pid))) {
		if (bad++ < 10)
			printf("# FAIL %s: got %ld %s, pid %d, expected a pidfd for %d\n", what,
			       ret, ret < 0 ? errname(errno) : "", ret < 0 ? 0 : info.pid,
			       want_pid);
	}
	if (ret >= 0)
		close((int)ret);
}

static int lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

/*
 * One round: a pidfd taken and closed, two queries and one error path,
 * each rotating through its kinds, so that every kind comes up every few
 * rounds. The pidfd's fdinfo is read every 16th round only: that read is
 * what costs most under the debug kernel.
 */
static void round_once(unsigned long r, bool failslab)
{
	pid_t self = getpid();
	bool look = r % 16 == 0;
	struct rlimit rl, low;
	long ret;
	int err;

	switch (r % 5) {
	case 0:
		expect_pidfd("pidfd of self", sys_pidctl(PIDCMD_GET_PIDFD, self, -1, -1,
			     r & 8 ? PIDFD_NONBLOCK : 0), self, look);
		break;
	case 1:
		expect_pidfd("pidfd of the helper, target its ns",
			     sys_pidctl(PIDCMD_GET_PIDFD, helper, root_fd, child_fd, 0), helper, look);
		break;
	case 2:
		expect_pidfd("pidfd of the helper as 1 of its ns",
			     sys_pidctl(PIDCMD_GET_PIDFD, 1, child_fd, -1, PIDFD_NONBLOCK), helper, look);
		break;
	case 3:
		expect_pidfd("pidfd of a thread",
			     sys_pidctl(PIDCMD_GET_PIDFD, helper_tid_thread, -1, -1, PIDFD_THREAD),
			     helper_tid_thread, look);
		break;
	case 4:
		expect_pidfd("pidfd of a zombie",
			     sys_pidctl(PIDCMD_GET_PIDFD, zombie, -1, root_fd, 0), zombie, look);
		break;
	}

	switch (r % 7) {
	case 0:
		expect("query helper", sys_pidctl(PIDCMD_QUERY_PID, helper, root_fd, child_fd, 0), 1, 0);
		expect("pidns relation", sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, child_fd, 0),
		       PIDNS_SOURCE_IS_ANCESTOR, 0);
		break;
	case 1:
		expect("query helper back", sys_pidctl(PIDCMD_QUERY_PID, 1, child_fd, -1, 0), helper, 0);
		expect("pidns relation back", sys_pidctl(PIDCMD_QUERY_PIDNS, 0, child_fd, root_fd, 0),
		       PIDNS_TARGET_IS_ANCESTOR, 0);
		break;
	case 2:
		expect("query self in child ns", sys_pidctl(PIDCMD_QUERY_PID, self, -1, child_fd, 0),
		       0, ENOENT);
		expect("pidns equal", sys_pidctl(PIDCMD_QUERY_PIDNS, 0, root_fd, -1, 0), PIDNS_EQUAL, 0);
		break;
	case 3:
		expect("query unused", sys_pidctl(PIDCMD_QUERY_PID, 4000000, -1, child_fd, 0), 0, ESRCH);
		expect("pidns with pid", sys_pidctl(PIDCMD_QUERY_PIDNS, 1, child_fd, root_fd, 0), 0,
		       EINVAL);
		break;
	case 4:
		expect("query bad target", sys_pidctl(PIDCMD_QUERY_PID, self, child_fd, net_fd, 0), 0,
		       EINVAL);
		expect("pidns closed target", sys_pidctl(PIDCMD_QUERY_PIDNS, 0, child_fd, CLOSED_FD, 0),
		       0, EBADF);
		break;
	case 5:
		expect("query closed source", sys_pidctl(PIDCMD_QUERY_PID, self, CLOSED_FD, -1, 0), 0,
		       EBADF);
		expect("pidns net source", sys_pidctl(PIDCMD_QUERY_PIDNS, 0, net_fd, -1, 0), 0, EINVAL);
		break;
	case 6:
		expect("query flags", sys_pidctl(PIDCMD_QUERY_PID, self, -1, -1, 1), 0, EINVAL);
		expect("query zombie", sys_pidctl(PIDCMD_QUERY_PID, zombie, root_fd, -1, 0), zombie, 0);
		break;
	}

	switch (r % 8) {
	case 0:
		expect("pidfd of the helper, target its ns", sys_pidctl(PIDCMD_QUERY_PID, helper_pidfd,
		       -1, child_fd, PIDCTL_PIDFD), 1, 0);
		break;
	case 1:
		expect("pidfd of the helper", sys_pidctl(PIDCMD_QUERY_PID, helper_pidfd, -1, -1,
		       PIDCTL_PIDFD), helper, 0);
		break;
	case 2:
		expect("pidfd of a zombie", sys_pidctl(PIDCMD_QUERY_PID, zombie_pidfd, -1, root_fd,
		       PIDCTL_PIDFD), zombie, 0);
		break;
	case 3:
		expect("pidfd of a reaped process", sys_pidctl(PIDCMD_QUERY_PID, reaped_pidfd, -1, -1,
		       PIDCTL_PIDFD), 0, ESRCH);
		break;
	case 4:
		expect("pidfd: a namespace fd", sys_pidctl(PIDCMD_QUERY_PID, net_fd, -1, -1,
		       PIDCTL_PIDFD), 0, EBADF);
		expect("pidfd: a closed fd", sys_pidctl(PIDCMD_QUERY_PID, CLOSED_FD, -1, -1,
		       PIDCTL_PIDFD), 0, EBADF);
		break;
	case 5:
		expect("PIDFD_THREAD pidfd of a thread", sys_pidctl(PIDCMD_QUERY_PID, thread_pidfd,
		       -1, root_fd, PIDCTL_PIDFD), helper_tid_thread, 0);
		break;
	case 6:
		/* A pidfd just made, asked about, closed. */
		ret = sys_pidctl(PIDCMD_GET_PIDFD, self, -1, -1, 0);
		expect("pidfd of self, target the child ns", ret < 0 ? ret :
		       sys_pidctl(PIDCMD_QUERY_PID, (int)ret, -1, child_fd, PIDCTL_PIDFD), 0, ENOENT);
		if (ret >= 0)
			close((int)ret);
		break;
	case 7:
		expect("GET_PIDFD takes no O_CLOEXEC", sys_pidctl(PIDCMD_GET_PIDFD, self, -1, -1,
		       O_CLOEXEC), 0, EINVAL);
		expect("pidfd: source not -1", sys_pidctl(PIDCMD_QUERY_PID, helper_pidfd, root_fd, -1,
		       PIDCTL_PIDFD), 0, EINVAL);
		break;
	}

	switch (r % 13) {
	case 0:
		expect("non-leader thread", sys_pidctl(PIDCMD_GET_PIDFD, helper_tid_thread, -1, -1, 0),
		       0, EINVAL);
		break;
	case 1:
		expect("self in the child ns", sys_pidctl(PIDCMD_GET_PIDFD, self, -1, child_fd, 0), 0,
		       ENOENT);
		break;
	case 2:
		expect("unused pid", sys_pidctl(PIDCMD_GET_PIDFD, 4000000, -1, -1, 0), 0, ESRCH);
		break;
	case 3:
		expect("unused pid in the child ns",
		       sys_pidctl(PIDCMD_GET_PIDFD, 2 + r % 100, child_fd, -1, 0), 0, ESRCH);
		break;
	case 4:
		expect("bad flags", sys_pidctl(PIDCMD_GET_PIDFD, self, -1, -1, 1), 0, EINVAL);
		break;
	case 5:
		expect("pid 0", sys_pidctl(PIDCMD_GET_PIDFD, 0, -1, -1, 0), 0, EINVAL);
		break;
	case 6:
		expect("closed source", sys_pidctl(PIDCMD_GET_PIDFD, self, CLOSED_FD, -1, 0), 0, EBADF);
		break;
	case 7:
		expect("net ns source", sys_pidctl(PIDCMD_GET_PIDFD, self, net_fd, -1, 0), 0, EINVAL);
		break;
	case 8:
		expect("closed target", sys_pidctl(PIDCMD_GET_PIDFD, self, child_fd, CLOSED_FD, 0), 0,
		       EBADF);
		break;
	case 9:
		expect("net ns target", sys_pidctl(PIDCMD_GET_PIDFD, self, root_fd, net_fd, 0), 0,
		       EINVAL);
		break;
	case 10:
		expect("bad command", sys_pidctl(3 + r % 7, self, root_fd, child_fd, 0), 0, EINVAL);
		break;
	case 11:
		/* EMFILE: no fd left under the limit for the call. */
		getrlimit(RLIMIT_NOFILE, &rl);
		low = rl;
		low.rlim_cur = lowest_free_fd();
		setrlimit(RLIMIT_NOFILE, &low);
		ret = sys_pidctl(PIDCMD_GET_PIDFD, r & 1 ? helper : self, -1, -1, 0);
		err = errno;
		setrlimit(RLIMIT_NOFILE, &rl);
		errno = err;
		expect("EMFILE", ret, 0, EMFILE);
		if (ret == -1 && err == EMFILE)
			emfile_hits++;
		break;
	case 12:
		/* ENOMEM: allocations of the filp and dentry caches fail for us. */
		if (!failslab)
			break;
		if (write(make_it_fail, "1", 1) != 1)
			abort();
		ret = sys_pidctl(PIDCMD_GET_PIDFD, r & 1 ? helper : self, -1, -1, 0);
		err = errno;
		if (write(make_it_fail, "0", 1) != 1)
			abort();
		enomem_calls++;
		calls++;
		if (ret >= 0) {
			close((int)ret);
		} else if (err == ENOMEM) {
			enomem_hits++;
		} else if (err != ENFILE && err != EMFILE) {
			if (bad++ < 10)
				printf("# FAIL with failslab: %s\n", errname(err));
		}
		break;
	}
}

static bool setup_failslab(void)
{
	static const char *const settings[][2] = {
		{ "/sys/kernel/debug/failslab/probability", "100" },
		{ "/sys/kernel/debug/failslab/interval", "1" },
		{ "/sys/kernel/debug/failslab/times", "-1" },
		{ "/sys/kernel/debug/failslab/space", "0" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/failslab/task-filter", "Y" },
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/cache-filter", "Y" },
		{ "/sys/kernel/slab/filp/failslab", "1" },
		{ "/sys/kernel/slab/dentry/failslab", "1" },
	};
	char path[64];
	unsigned int i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (write_file(settings[i][0], settings[i][1])) {
			ksft_print_msg("failslab: cannot write %s to %s\n", settings[i][1], settings[i][0]);
			return false;
		}
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/make-it-fail", gettid());
	make_it_fail = open(path, O_WRONLY | O_CLOEXEC);
	return make_it_fail >= 0;
}

static void teardown_failslab(void)
{
	write_file("/sys/kernel/slab/filp/failslab", "0");
	write_file("/sys/kernel/slab/dentry/failslab", "0");
	write_file("/sys/kernel/debug/failslab/probability", "0");
	if (make_it_fail >= 0)
		close(make_it_fail);
}

/* Objects in use in the slab caches named NAME and NAME_N; -1 if unknown. */
static long slab_in_use(const char *name)
{
	static char buf[1 << 16];
	char path[96], *line, *save;
	long total = -1;
	size_t len = strlen(name);
	int fd;
	ssize_t n, got = 0;

	/* Flush the per-cpu slabs, so that the counts are exact. */
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
	write_file(path, "1");
	fd = open("/proc/slabinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line + len;

		if (strncmp(line, name, len) || !(*p == ' ' || (*p == '_' && p[1] >= '0' && p[1] <= '9')))
			continue;
		if (*p == '_') {
			/* pid_N: shrink it too, then count it next time round. */
			char sub[64];

			snprintf(sub, sizeof(sub), "%.*s", (int)strcspn(line, " "), line);
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", sub);
			write_file(path, "1");
		}
		p += strcspn(p, " ");
		if (total < 0)
			total = 0;
		total += strtol(p, NULL, 10);
	}
	return total;
}

/* A count that no longer changes: earlier exits are freed after RCU. */
static long steady(const char *name)
{
	long prev = slab_in_use(name), now;
	int i, same = 0;

	for (i = 0; i < 100 && same < 3; i++) {
		usleep(100000);
		now = slab_in_use(name);
		same = now == prev ? same + 1 : 0;
		prev = now;
	}
	return prev;
}

/*
 * The count settles once RCU-deferred frees and delayed fputs are done;
 * wait, up to a minute, until it is no higher than the baseline. Lower is
 * fine: with other guests sharing the host, frees from before the baseline
 * can still be pending when it is taken, and land during the run.
 * A leak never settles, however long we wait.
 */
static long settled(const char *name, long want)
{
	long now = slab_in_use(name);
	int i;

	for (i = 0; i < 600 && now > want; i++) {
		usleep(100000);
		now = slab_in_use(name);
	}
	ksft_print_msg("%s slab: %ld objects after %.1f s (baseline %ld)\n", name, now, i / 10.0, want);
	return now;
}

/*
 * From inside the helper's namespace: the leak process and the root's init
 * are outside it (ESRCH), the leak process's pidfd came from outside
 * (EREMOTE); the helper is inside. Reports through the exit status.
 */
static int invisible_phase(unsigned long n, unsigned long *ncalls)
{
	int status, self_pidfd = sys_pidfd_open(getpid(), 0);
	pid_t parent = getpid(), child;

	if (self_pidfd < 0 || setns(child_fd, CLONE_NEWPID))
		return -1;
	child = fork();
	setns(root_fd, CLONE_NEWPID);
	if (child == 0) {
		unsigned long i;

		for (i = 0; i < n; i++) {
			long ret;

			expect("inside: GET_PIDFD of the parent", sys_pidctl(PIDCMD_GET_PIDFD,
			       parent, root_fd, -1, 0), 0, ESRCH);
			expect("inside: QUERY_PID of the parent", sys_pidctl(PIDCMD_QUERY_PID,
			       parent, root_fd, root_fd, 0), 0, ESRCH);
			expect("inside: QUERY_PID of the root's init", sys_pidctl(PIDCMD_QUERY_PID,
			       1, root_fd, -1, 0), 0, ESRCH);
			expect("inside: the parent's pidfd", sys_pidctl(PIDCMD_QUERY_PID, self_pidfd,
			       -1, root_fd, PIDCTL_PIDFD), 0, EREMOTE);
			ret = sys_pidctl(PIDCMD_GET_PIDFD, helper, root_fd, -1, 0);
			expect("inside: GET_PIDFD of the helper", ret < 0 ? ret :
			       sys_pidctl(PIDCMD_QUERY_PID, (int)ret, -1, -1, PIDCTL_PIDFD), 1, 0);
			if (ret >= 0)
				close((int)ret);
		}
		_exit(bad ? 1 : 0);
	}
	close(self_pidfd);
	if (child < 0 || waitpid(child, &status, 0) != child)
		return -1;
	*ncalls = n * 6;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* ENFILE: an unprivileged child calls while fs.file-max is 0. */
static long enfile_phase(unsigned long n, unsigned long *hits)
{
	char old[64];
	int go[2], ready[2], status;
	unsigned long i;
	pid_t child;
	char c;

	if (read_file("/proc/sys/fs/file-max", old, sizeof(old)) || pipe(go) || pipe(ready))
		return -1;
	child = fork();
	if (child == 0) {
		unsigned long got = 0;

		close(go[1]);
		close(ready[0]);
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		for (i = 0; i < n; i++) {
			long ret = sys_pidctl(PIDCMD_GET_PIDFD, getpid(), -1, -1, 0);

			if (ret >= 0)
				close((int)ret);
			else if (errno == ENFILE)
				got++;
		}
		/* Report through the exit status: ENFILE every time or not. */
		_exit(got == n ? 0 : 1);
	}
	close(go[0]);
	close(ready[1]);
	if (child < 0 || read(ready[0], &c, 1) != 1)
		return -1;
	write_file("/proc/sys/fs/file-max", "0");
	if (write(go[1], "g", 1) != 1)
		return -1;
	waitpid(child, &status, 0);
	write_file("/proc/sys/fs/file-max", old);
	close(go[1]);
	close(ready[0]);
	*hits = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? n : 0;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long rounds = 100000, r, enfile_hits = 0, inside_calls = 0;
	pid_t reaped;
	bool want_failslab = true, failslab = false;
	long pid0, pid1, filp0, filp1;
	int fds0, fds1, i;
	pthread_t thread;
	double start;

	ksft_print_header();

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--no-failslab"))
			want_failslab = false;
		else {
			fprintf(stderr, "usage: %s [--rounds N] [--no-failslab]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_msg("pidctl_leak --rounds %lu\n", rounds);

	if (pipe(pipe_hold))
		return 1;
	helper = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
	if (helper == 0) {
		char c;

		close(pipe_hold[1]);
		while (read(pipe_hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	zombie = fork();
	if (zombie == 0)
		_exit(0);
	{
		siginfo_t si;
		char path[64];

		waitid(P_PID, zombie, &si, WEXITED | WNOWAIT);
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", helper);
		child_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	root_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	net_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	pthread_create(&thread, NULL, blocked_thread, NULL);
	while (!helper_tid_thread)
		usleep(1000);
	helper_pidfd = sys_pidfd_open(helper, 0);
	thread_pidfd = sys_pidfd_open(helper_tid_thread, PIDFD_THREAD);
	zombie_pidfd = sys_pidfd_open(zombie, 0);
	reaped = fork();
	if (reaped == 0)
		_exit(0);
	reaped_pidfd = sys_pidfd_open(reaped, 0);
	waitpid(reaped, NULL, 0);
	if (helper < 0 || child_fd < 0 || root_fd < 0 || net_fd < 0 || helper_pidfd < 0 ||
	    thread_pidfd < 0 || zombie_pidfd < 0 || reaped_pidfd < 0) {
		ksft_test_result(false, "leak: setup\n");
		return 1;
	}
	if (want_failslab && access("/sys/kernel/debug/failslab", F_OK) == 0)
		failslab = setup_failslab();

	/* Warm up (fd table size, per-cpu caches), then the baseline. */
	for (r = 0; r < 100; r++)
		round_once(r, failslab);
	calls = bad = enomem_calls = enomem_hits = emfile_hits = 0;
	fds0 = count_open_fds();
	pid0 = steady("pid");
	filp0 = steady("filp");

	start = now_s();
	for (r = 0; r < rounds; r++)
		round_once(r, failslab);
	ksft_print_msg("%lu rounds, %lu calls in %.1f s (ENOMEM %lu of %lu calls under failslab, "
	     "EMFILE %lu)\n", rounds, calls, now_s() - start, enomem_hits, enomem_calls,
	     emfile_hits);
	ksft_test_result(bad == 0, "leak: %lu rounds, %lu calls, every path answered as expected\n", rounds,
	    calls);
	ksft_test_result(emfile_hits == (rounds + 1) / 13, "leak: EMFILE path taken %lu times\n", emfile_hits);
	if (failslab)
		ksft_test_result(enomem_hits > 0, "leak: ENOMEM path taken %lu times (failslab)\n", enomem_hits);
	else
		ksft_test_result_skip("leak: ENOMEM path: no failslab in this kernel\n");
	if (enfile_phase(rounds / 10 + 1, &enfile_hits))
		ksft_test_result(false, "leak: ENFILE phase could not run\n");
	else
		ksft_test_result(enfile_hits == rounds / 10 + 1, "leak: ENFILE path taken %lu times (unprivileged, "
		    "fs.file-max 0)\n", enfile_hits);

	i = invisible_phase(rounds / 10 + 1, &inside_calls);
	ksft_test_result(i == 0, "leak: %lu calls from inside the child namespace about what it cannot see "
	    "answered as expected%s\n", inside_calls, i < 0 ? " (could not run)" : "");

	fds1 = count_open_fds();
	ksft_test_result(fds1 == fds0, "leak: open fds back at baseline (%d, %d)\n", fds0, fds1);
	if (failslab)
		teardown_failslab();
	if (pid0 < 0) {
		ksft_test_result_skip("leak: pid slab: no /proc/slabinfo in this kernel\n");
		ksft_test_result_skip("leak: filp slab: no /proc/slabinfo in this kernel\n");
	} else {
		pid1 = settled("pid", pid0);
		filp1 = settled("filp", filp0);
		ksft_test_result(pid1 <= pid0, "leak: pid slab objects no more than at baseline (%ld, %ld)\n", pid0, pid1);
		ksft_test_result(filp1 <= filp0, "leak: filp slab objects no more than at baseline (%ld, %ld)\n", filp0,
		    filp1);
	}

	close(pipe_hold[1]);
	pthread_join(thread, NULL);
	waitpid(helper, NULL, 0);
	waitpid(zombie, NULL, 0);
	close(pipe_hold[0]);
	close(child_fd);
	close(root_fd);
	close(net_fd);
	close(helper_pidfd);
	close(thread_pidfd);
	close(zombie_pidfd);
	close(reaped_pidfd);
	return stress_finished();
}
