// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl_security - pidctl() hands out no more than pidfd_open() and kill()
 * would allow.
 *
 * - A caller inside a child pid namespace that holds an fd to an ancestor
 *   (or a sibling) pid namespace, received over a unix socket, gets no
 *   pidfd for a process outside its own namespace: ENOENT, with or without
 *   privilege, from a user namespace of its own too. It does get pidfds
 *   for processes it can see, named through the ancestor's fd.
 * - An unprivileged caller (and one that is root only in a user namespace
 *   of its own) cannot signal through a pidctl pidfd a process kill()
 *   refuses to signal for it: the same EPERM, and the process lives on;
 *   where kill() works, the pidfd works too.
 *
 * Prints TAP. Run as root in the root pid namespace.
 */
#include "stress.h"

#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define NOBODY 65534

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

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * Run fn in a child process, which prints its own TAP lines numbered on
 * from ours, and take its counts back.
 */
struct counts {
	int nr, failed;
};

static void run_child(const char *name, pid_t (*forker)(void), void (*fn)(void *), void *arg)
{
	struct counts c;
	int p[2], status;
	pid_t pid;

	if (pipe(p)) {
		tap(false, "%s: pipe", name);
		return;
	}
	fflush(stdout);
	pid = forker();
	if (pid == 0) {
		close(p[0]);
		fn(arg);
		c.nr = tap_nr;
		c.failed = tap_failed;
		fflush(stdout);
		if (write(p[1], &c, sizeof(c)) != sizeof(c))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, sizeof(c)) != sizeof(c)) {
		if (pid > 0)
			waitpid(pid, &status, 0);
		tap(false, "%s: the child did not report", name);
		close(p[0]);
		return;
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	tap_nr = c.nr;
	tap_failed = c.failed;
}

static pid_t plain_fork(void)
{
	return fork();
}

static void expect_errno(long ret, int err, const char *fmt, ...)
{
	int got = errno;
	char name[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (ret >= 0)
		close((int)ret);
	tap(ret == -1 && got == err, "%s: %s (got %ld %s)", name, errname(err), ret,
	    ret < 0 ? errname(got) : "");
}

/* What the child in a new pid namespace is given. */
struct outside {
	int sock;		/* the root namespace's and a sibling's fds arrive here */
	pid_t parent;		/* the test itself, root namespace number */
	pid_t sibling;		/* a process in a sibling namespace, its number there */
	pid_t sibling_root;	/* the same, root namespace number */
	bool drop;		/* become nobody in a user namespace of its own first */
};

static int become_unprivileged(bool userns)
{
	if (setgid(NOBODY) || setuid(NOBODY))
		return -1;
	if (userns && unshare(CLONE_NEWUSER))
		return -1;
	return 0;
}

static void inside_child_ns(void *arg)
{
	struct outside *o = arg;
	const char *who = o->drop ? "nobody, root of its own userns" : "root";
	int root_fd = recv_fd(o->sock), sib_fd = recv_fd(o->sock), fd;
	pid_t self_root = proc_self_pid();
	long ret;

	if (o->drop && become_unprivileged(true)) {
		tap(false, "child ns (%s): drop privileges", who);
		return;
	}
	tap(root_fd >= 0 && sib_fd >= 0 && getpid() == 1,
	    "child ns (%s): runs as 1 with the ancestor's and a sibling's fds", who);
	expect_errno(sys_pidctl(PIDCMD_GET_PIDFD, o->parent, root_fd, -1, 0), ENOENT,
		     "child ns (%s): GET_PIDFD of the parent via the ancestor's fd", who);
	expect_errno(sys_pidctl(PIDCMD_GET_PIDFD, o->parent, root_fd, root_fd, PIDCTL_CLOEXEC),
		     ENOENT, "child ns (%s): ... with the ancestor as target too", who);
	expect_errno(sys_pidctl(PIDCMD_GET_PIDFD, 1, root_fd, root_fd, PIDFD_THREAD), ENOENT,
		     "child ns (%s): GET_PIDFD of the root namespace's init", who);
	expect_errno(sys_pidctl(PIDCMD_GET_PIDFD, o->sibling, sib_fd, sib_fd, 0), ENOENT,
		     "child ns (%s): GET_PIDFD in a sibling namespace via its fd", who);
	expect_errno(sys_pidctl(PIDCMD_GET_PIDFD, o->sibling_root, root_fd, sib_fd, 0), ENOENT,
		     "child ns (%s): GET_PIDFD of a sibling's process, root to sibling", who);
	expect_errno(sys_pidctl(PIDCMD_QUERY_PID, o->parent, root_fd, -1, 0), ENOENT,
		     "child ns (%s): the parent has no number here", who);
	/* What it can see, it gets, named either way. */
	ret = sys_pidctl(PIDCMD_GET_PIDFD, self_root, root_fd, -1, 0);
	tap(ret >= 0 && is_pidfd((int)ret), "child ns (%s): GET_PIDFD of itself by its root "
	    "number (got %ld %s)", who, ret, ret < 0 ? errname(errno) : "");
	if (ret >= 0)
		close((int)ret);
	fd = sys_pidctl(PIDCMD_QUERY_PID, self_root, root_fd, -1, 0);
	tap(fd == 1, "child ns (%s): QUERY_PID of itself from the ancestor is 1 (got %d)", who, fd);
	close(root_fd);
	close(sib_fd);
}

static void child_ns_checks(bool drop)
{
	struct outside o = { .parent = getpid(), .drop = drop };
	int sv[2], hold[2], root_fd, sib_fd;
	pid_t sib;
	char path[64];
	pid_t nr[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) || pipe(hold)) {
		tap(false, "child ns: socketpair");
		return;
	}
	/* The sibling: init of its own namespace, with a child numbered 2. */
	sib = fork_newpid();
	if (sib == 0) {
		char c;

		close(hold[1]);
		if (fork() == 0) {
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
		while (read(hold[0], &c, 1) > 0)
			;
		wait(NULL);
		_exit(0);
	}
	close(hold[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", sib);
	sib_fd = open(path, O_RDONLY | O_CLOEXEC);
	root_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	o.sibling = 1;
	o.sibling_root = sib;
	(void)nr;
	o.sock = sv[1];
	if (sib_fd < 0 || root_fd < 0 || send_fd(sv[0], root_fd) || send_fd(sv[0], sib_fd)) {
		tap(false, "child ns: passing the fds");
	} else {
		run_child("child ns", fork_newpid, inside_child_ns, &o);
	}
	close(hold[1]);
	waitpid(sib, NULL, 0);
	close(sv[0]);
	close(sv[1]);
	close(sib_fd);
	close(root_fd);
}

/* The target: a root-owned process that waits to be killed. */
static pid_t target;

static void signal_checks(void *arg)
{
	bool userns = arg != NULL;
	const char *who = userns ? "nobody, root of its own userns" : "nobody";
	int pfd, ref, e1, e2, k1, k2, own_fd;
	pid_t own;

	if (become_unprivileged(userns)) {
		tap(false, "signal (%s): drop privileges", who);
		return;
	}
	pfd = (int)sys_pidctl(PIDCMD_GET_PIDFD, target, -1, -1, 0);
	ref = sys_pidfd_open(target, 0);
	tap(pfd >= 0 && ref >= 0, "signal (%s): GET_PIDFD of a root process works as "
	    "pidfd_open() does (%d, %d)", who, pfd, ref);
	if (pfd < 0)
		return;
	k1 = kill(target, 0);
	e1 = errno;
	k2 = sys_pidfd_send_signal(pfd, 0);
	e2 = errno;
	tap(k1 == -1 && e1 == EPERM && k2 == -1 && e2 == EPERM,
	    "signal (%s): signal 0 refused by kill() and through the pidfd (%s, %s)", who,
	    k1 ? errname(e1) : "0", k2 ? errname(e2) : "0");
	k1 = kill(target, SIGKILL);
	e1 = errno;
	k2 = sys_pidfd_send_signal(pfd, SIGKILL);
	e2 = errno;
	tap(k1 == -1 && e1 == EPERM && k2 == -1 && e2 == EPERM,
	    "signal (%s): SIGKILL refused by kill() and through the pidfd (%s, %s)", who,
	    k1 ? errname(e1) : "0", k2 ? errname(e2) : "0");
	close(pfd);
	if (ref >= 0)
		close(ref);
	pfd = (int)sys_pidctl(PIDCMD_GET_PIDFD, target, -1, -1, PIDFD_THREAD);
	k2 = pfd < 0 ? 0 : sys_pidfd_send_signal(pfd, SIGKILL);
	e2 = errno;
	tap(pfd >= 0 && k2 == -1 && e2 == EPERM,
	    "signal (%s): SIGKILL refused through a PIDFD_THREAD pidfd too", who);
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
	tap(own_fd >= 0 && k2 == 0, "signal (%s): a child of its own is signalled through the "
	    "pidfd (%s)", who, k2 ? errname(e2) : "0");
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
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0 || sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0) != PIDNS_EQUAL) {
		tap(false, "security: runs as root in a kernel with pidctl()");
		return 1;
	}
	child_ns_checks(false);
	child_ns_checks(true);

	target = fork();
	if (target == 0) {
		for (;;)
			pause();
	}
	run_child("signal", plain_fork, signal_checks, NULL);
	run_child("signal", plain_fork, signal_checks, (void *)1);
	tap(target_alive(), "signal: the root process is still alive");
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	return tap_failed ? 1 : 0;
}
