// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of pidctl().
 *
 * pidctl() translates a pid from one pid namespace to another, tells how
 * two pid namespaces are related and returns pidfds for tasks named by
 * their number in some pid namespace. Namespaces are given as file
 * descriptors, or as -1 for the caller's active pid namespace.
 *
 * Expected answers never come from pidctl() itself: pids come from the
 * NSpid: lines of /proc/<pid>/status and from getpid() in the task itself,
 * and a pidfd must match the one pidfd_open() returns for the same task.
 *
 * The tasks the tests look at are "agents": children that answer requests
 * over a socketpair, so calls can also be made from inside other pid
 * namespaces and with fewer privileges. An agent exits when its socket is
 * closed.
 */

#define _GNU_SOURCE
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/pidctl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd.h"
#include "../kselftest_harness.h"

/* The number comes from the kernel's installed headers (KHDR_INCLUDES). */
#ifndef __NR_pidctl
#error "__NR_pidctl: build against the kernel's headers (make headers_install)"
#endif

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

#ifndef PIDFS_IOCTL_MAGIC
#define PIDFS_IOCTL_MAGIC 0xFF
#endif

#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(PIDFS_IOCTL_MAGIC, 4)
#endif

#ifndef PIDFD_GET_PID_NAMESPACE
#define PIDFD_GET_PID_NAMESPACE _IO(PIDFS_IOCTL_MAGIC, 5)
#endif

#ifndef PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE
#define PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE _IO(PIDFS_IOCTL_MAGIC, 6)
#endif

#define MAX_LEVELS	32	/* MAX_PID_NS_LEVEL */
#define NOBODY		65534
#define AGENT_EXIT	42	/* exit status of an agent whose socket closed */
#define WAIT_MS		10000	/* bound for waiting on an exit or a signal */
#define NSFD_BASE	200	/* fixture namespace fds sit at fixed numbers */
#define MAX_BATCH	2048	/* requests to an agent in one message */
#define ALL_FLAGS	(PIDFD_NONBLOCK | PIDFD_THREAD)

#ifdef PIDCTL_CLOEXEC
#error "PIDCTL_CLOEXEC is gone: pidfds are always close-on-exec"
#endif

/* The UAPI values are ABI: a header that changes them must not build. */
static_assert(PIDCMD_QUERY_PID == 0 && PIDCMD_QUERY_PIDNS == 1 &&
	      PIDCMD_GET_PIDFD == 2, "command numbers");
static_assert(PIDNS_UNRELATED == 0 && PIDNS_EQUAL == 1 &&
	      PIDNS_SOURCE_IS_ANCESTOR == 2 && PIDNS_TARGET_IS_ANCESTOR == 3,
	      "PIDCMD_QUERY_PIDNS answers");
static_assert(PIDFD_NONBLOCK == O_NONBLOCK && PIDFD_THREAD == O_EXCL,
	      "pidfd flags are the O_* flags pidfd_open() takes");
/* PIDCTL_PIDFD shares the flags argument with the pidfd flags. */
static_assert(!(PIDCTL_PIDFD & (PIDFD_NONBLOCK | PIDFD_THREAD | O_CLOEXEC)),
	      "PIDCTL_PIDFD collides with a pidfd flag");

static long sys_pidctl(unsigned int cmd, pid_t pid, int source, int target,
		       unsigned int flags)
{
	return syscall(__NR_pidctl, cmd, pid, source, target, flags);
}

/* Without CONFIG_PID_NS there is one pid namespace, and no nsfs file. */
static bool have_pidns(void)
{
	return access("/proc/self/ns/pid", F_OK) == 0 || errno != ENOENT;
}

/*
 * As upstream selftests do for a system call the kernel lacks, every test
 * skips on ENOSYS (with this reason) rather than fails.
 */
static const char *pidctl_missing(void)
{
	if (sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0) < 0 &&
	    errno == ENOSYS)
		return "pidctl() is not in this kernel (ENOSYS)";
	return NULL;
}

/* The same for the tests that need pid namespaces. */
static const char *pidns_missing(void)
{
	if (pidctl_missing())
		return pidctl_missing();
	if (!have_pidns())
		return "no pid namespaces in this kernel (CONFIG_PID_NS=n)";
	return NULL;
}

static int sys_waitid(int which, pid_t pid, siginfo_t *info, int options)
{
	return syscall(__NR_waitid, which, pid, info, options, NULL);
}

/* Copy what follows @key on the first line of @path starting with it. */
static int read_field(const char *path, const char *key, char *buf,
		      size_t size)
{
	size_t len = strlen(key);
	char line[1024];
	int ret = -1;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, len))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, size, "%s", line + len + strspn(line + len, " \t"));
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* Read the NSpid: line of task @tid into @ids, outermost namespace first. */
static int read_nspid(pid_t tid, pid_t *ids, int max)
{
	char path[64], buf[1024], *p, *end;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (read_field(path, "NSpid:", buf, sizeof(buf)))
		return -1;
	for (p = buf; n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		ids[n++] = v;
	}
	return n;
}

/* Level of the test's pid namespace below the one /proc belongs to. */
static int own_level(void)
{
	pid_t ids[MAX_LEVELS + 1];

	return read_nspid(getpid(), ids, MAX_LEVELS + 1) - 1;
}

static pid_t fdinfo_pid(int fd)
{
	char path[64], buf[32];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_field(path, "Pid:", buf, sizeof(buf)))
		return -2;
	return strtol(buf, NULL, 10);
}

static int open_ns(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Move @fd to number @num, so that agents forked later find it there. */
static int place_fd(int fd, int num)
{
	if (fd < 0 || fd == num)
		return fd;
	if (dup2(fd, num) != num)
		num = -1;
	close(fd);
	return num;
}

static bool same_file(int fd1, int fd2)
{
	struct stat st1, st2;

	return !fstat(fd1, &st1) && !fstat(fd2, &st2) &&
	       st1.st_dev == st2.st_dev && st1.st_ino == st2.st_ino;
}

static int poll_fd(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret = poll(&p, 1, timeout_ms);

	return ret > 0 ? p.revents : ret;
}

/* What one pidctl() call returned, as seen by the task that made it. */
struct res {
	long ret;		/* result or -errno; 0 for a pidfd */
	unsigned long long ino;	/* pidfd: pidfs inode, naming the pid */
	int fd_flags;		/* pidfd: F_GETFD */
	int fl_flags;		/* pidfd: F_GETFL */
	pid_t fdinfo_pid;	/* pidfd: Pid: of its fdinfo, /proc's view */
};

/* Record what identifies pidfd @fd, then close it. */
static void describe_pidfd(struct res *r, int fd)
{
	struct stat st;

	r->ret = 0;
	r->ino = fstat(fd, &st) ? 0 : st.st_ino;
	r->fd_flags = fcntl(fd, F_GETFD);
	r->fl_flags = fcntl(fd, F_GETFL);
	r->fdinfo_pid = fdinfo_pid(fd);
	close(fd);
}

static void do_pidctl(struct res *r, unsigned int cmd, pid_t pid, int source,
		      int target, unsigned int flags)
{
	long ret;

	memset(r, 0, sizeof(*r));
	ret = sys_pidctl(cmd, pid, source, target, flags);
	if (ret < 0)
		r->ret = -errno;
	else if (cmd == PIDCMD_GET_PIDFD)
		describe_pidfd(r, ret);
	else
		r->ret = ret;
}

static long try_pidctl(unsigned int cmd, pid_t pid, int source, int target,
		       unsigned int flags)
{
	struct res r;

	do_pidctl(&r, cmd, pid, source, target, flags);
	return r.ret;
}

/* The pidfd pidfd_open() gives the test for @pid, as reference. */
static void ref_pidfd(struct res *r, pid_t pid, unsigned int flags)
{
	int fd;

	memset(r, 0, sizeof(*r));
	fd = sys_pidfd_open(pid, flags & (PIDFD_NONBLOCK | PIDFD_THREAD));
	if (fd < 0)
		r->ret = -errno;
	else
		describe_pidfd(r, fd);
}

/* Agents */

enum agent_op {
	OP_PIDCTL,		/* make the pidctl() call in the request */
	OP_THREAD_START,	/* start a thread, answer its gettid() */
	OP_THREAD_STOP,		/* let that thread return and join it */
	OP_SIGWAIT,		/* wait for SIGUSR1 (blocked), answer signo */
	OP_NEW_PIDNS,		/* hand its socket to the init of a new ns,
				 * owned by user ns fd .target unless -1
				 */
	OP_ADOPT_NS,		/* put an fd of its pid ns at number .target */
	OP_RECV_FD,		/* put the fd that comes next at .target */
};

struct req {
	int op;
	unsigned int cmd;
	pid_t pid;
	int source;
	int target;
	unsigned int flags;
};

/* First message of an agent. */
struct hello {
	pid_t vpid;	/* its getpid() */
	int err;	/* -errno if its setup failed */
};

/* clone3()'s arguments, CLONE_ARGS_SIZE_VER0 */
struct clone_args0 {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

enum agent_mode {
	AGENT_ROOT,	/* like the test: root with all capabilities */
	AGENT_NOCAPS,	/* uid 0 with no capabilities, dropped with libcap */
	AGENT_NOBODY,	/* uid and gid 65534, so no capabilities either */
	AGENT_USERNS,	/* 65534 made root of its own user and pid ns */
};

struct task {
	pid_t pid;		/* pid in the test's pid namespace */
	pid_t vpid;		/* getpid() in its own pid namespace */
	pid_t reap;		/* our child to reap when it is done */
	int pidfd;		/* pidfd_open(pid) */
	int sock;		/* our end of the socketpair, or -1 */
	int peer;		/* number of the agent's end, in the agent */
	unsigned long long peer_ino;	/* inode of the agent's end */
	int nids;		/* NSpid: of the task, outermost first */
	pid_t ids[MAX_LEVELS + 1];
};

/* Our ends of all agents' sockets; an agent closes them all. */
static int socks[256];
static int nr_socks;

static void task_init(struct task *t)
{
	memset(t, 0, sizeof(*t));
	t->sock = -1;
	t->pidfd = -1;
}

struct agent_thread {
	pthread_t thread;
	int ready[2];
	int quit[2];
	bool running;
};

static void *thread_main(void *arg)
{
	struct agent_thread *th = arg;
	pid_t tid = gettid();
	char c;

	if (write(th->ready[1], &tid, sizeof(tid)) == sizeof(tid) &&
	    read(th->quit[0], &c, 1) < 0)
		return arg;
	return NULL;
}

static long thread_start(struct agent_thread *th)
{
	pid_t tid;
	int err;

	if (th->running)
		return -EBUSY;
	if (pipe(th->ready) || pipe(th->quit))
		return -errno;
	err = pthread_create(&th->thread, NULL, thread_main, th);
	if (err)
		return -err;
	th->running = true;
	if (read(th->ready[0], &tid, sizeof(tid)) != sizeof(tid))
		return -EIO;
	return tid;
}

static long thread_stop(struct agent_thread *th)
{
	if (!th->running)
		return -EINVAL;
	close(th->quit[1]);
	pthread_join(th->thread, NULL);
	close(th->quit[0]);
	close(th->ready[0]);
	close(th->ready[1]);
	th->running = false;
	return 0;
}

static long wait_sigusr1(void)
{
	struct timespec ts = { .tv_sec = WAIT_MS / 1000 };
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sig = sigtimedwait(&set, NULL, &ts);
	return sig < 0 ? -errno : sig;
}

static long adopt_ns(int num)
{
	int fd = open("/proc/self/ns/pid", O_RDONLY);

	if (fd < 0)
		return -errno;
	return place_fd(fd, num) == num ? 0 : -EBADF;
}

/* Take the fd the next message on @sock carries, as number @num. */
static long recv_fd(int sock, int num)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -EIO;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return place_fd(fd, num) == num ? 0 : -EBADF;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 0;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static void __noreturn agent_serve(int sock);

static void send_hello(int sock, int err)
{
	struct hello h = { .vpid = getpid(), .err = err };

	if (send(sock, &h, sizeof(h), MSG_NOSIGNAL) != sizeof(h) || err)
		_exit(1);
}

/*
 * Unshare a new pid namespace and clone its init as a sibling, i.e. a
 * child of the test, so the test can wait for it. The init takes over the
 * socket once we are gone; we answer and exit. The namespace cannot be
 * opened before its init exists.
 */
static long new_pidns(int sock, int userns)
{
	struct clone_args0 args = { .flags = CLONE_PARENT };
	struct res r = { .ret = 0 };
	pid_t child;
	int p[2];
	char c;

	/* A pid ns must be owned by its parent's user ns or one below it. */
	if (userns >= 0 && setns(userns, CLONE_NEWUSER))
		return -errno;
	if (unshare(CLONE_NEWPID) || pipe(p))
		return -errno;
	child = syscall(__NR_clone3, &args, sizeof(args));
	if (child < 0)
		return -errno;
	if (child == 0) {
		close(p[1]);
		/* Speak only after our creator's last word: wait for EOF. */
		if (read(p[0], &c, 1) < 0)
			_exit(1);
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		send_hello(sock, 0);
		agent_serve(sock);
	}
	r.ret = child;
	if (send(sock, &r, sizeof(r), MSG_NOSIGNAL) != sizeof(r))
		_exit(1);
	_exit(AGENT_EXIT);
}

static void agent_do(int sock, struct agent_thread *th, const struct req *q,
		     struct res *r)
{
	memset(r, 0, sizeof(*r));
	switch (q->op) {
	case OP_PIDCTL:
		do_pidctl(r, q->cmd, q->pid, q->source, q->target, q->flags);
		break;
	case OP_THREAD_START:
		r->ret = thread_start(th);
		break;
	case OP_THREAD_STOP:
		r->ret = thread_stop(th);
		break;
	case OP_SIGWAIT:
		r->ret = wait_sigusr1();
		break;
	case OP_NEW_PIDNS:
		r->ret = new_pidns(sock, q->target);
		break;
	case OP_ADOPT_NS:
		r->ret = adopt_ns(q->target);
		break;
	case OP_RECV_FD:
		r->ret = recv_fd(sock, q->target);
		break;
	default:
		r->ret = -EOPNOTSUPP;
	}
}

/* Requests come in batches, one message each way: round trips are slow. */
static struct req agent_q[MAX_BATCH];
static struct res agent_r[MAX_BATCH];

static void __noreturn agent_serve(int sock)
{
	struct agent_thread th = { .running = false };
	ssize_t n, len;
	int i;

	for (;;) {
		n = recv(sock, agent_q, sizeof(agent_q), 0);
		if (n <= 0 || n % sizeof(struct req))
			_exit(n ? 1 : AGENT_EXIT);
		n /= sizeof(struct req);
		for (i = 0; i < n; i++)
			agent_do(sock, &th, &agent_q[i], &agent_r[i]);
		len = n * sizeof(struct res);
		if (send(sock, agent_r, len, MSG_NOSIGNAL) != len)
			_exit(1);
	}
}

static int drop_caps(void)
{
	cap_t none = cap_init();
	int ret = 0;

	if (!none)
		return -errno;
	if (cap_set_proc(none))
		ret = -errno;
	cap_free(none);
	return ret;
}

/* Fail unless all capability sets of the caller are empty. */
static int check_no_caps(void)
{
	cap_t now = cap_get_proc(), none = cap_init();
	int ret = -ENOMEM;

	if (now && none)
		ret = cap_compare(now, none) ? -EPERM : 0;
	cap_free(now);
	cap_free(none);
	return ret;
}

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	/* Keep /proc/self owned by us, for the id maps below. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -errno;
	return 0;
}

static int write_file(const char *path, const char *text)
{
	ssize_t len = strlen(text);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

static int map_ids(void)
{
	char map[32];
	int ret;

	snprintf(map, sizeof(map), "0 %d 1", NOBODY);
	ret = write_file("/proc/self/setgroups", "deny");
	if (!ret)
		ret = write_file("/proc/self/uid_map", map);
	if (!ret)
		ret = write_file("/proc/self/gid_map", map);
	return ret;
}

/*
 * As nobody, make a user namespace mapping its root to nobody and a pid
 * namespace it owns, and fork the first task there. Only that task returns;
 * the task that made the namespaces waits for it and exits with its status.
 */
static int enter_userns(int sock)
{
	int status, ret;
	pid_t child;

	ret = become_nobody();
	if (ret)
		return ret;
	if (unshare(CLONE_NEWUSER | CLONE_NEWPID))
		return -errno;
	ret = map_ids();
	if (ret)
		return ret;
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0)
		return 0;
	close(sock);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		_exit(1);
	_exit(WEXITSTATUS(status));
}

static void __noreturn agent_run(int sock, enum agent_mode mode)
{
	sigset_t set;
	int i, err = 0;

	for (i = 0; i < nr_socks; i++)
		close(socks[i]);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	switch (mode) {
	case AGENT_ROOT:
		break;
	case AGENT_NOCAPS:
		err = drop_caps() ?: check_no_caps();
		break;
	case AGENT_NOBODY:
		err = become_nobody() ?: check_no_caps();
		break;
	case AGENT_USERNS:
		err = enter_userns(sock);
		break;
	}
	send_hello(sock, err);
	agent_serve(sock);
}

/*
 * Receive an agent's hello, and from the kernel the sender's pid in our
 * namespace (SO_PASSCRED), which needs no pidctl() to find out.
 */
static int recv_hello(int sock, struct hello *h, pid_t *pid)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { .iov_base = h, .iov_len = sizeof(*h) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	struct ucred uc;

	*pid = 0;
	if (recvmsg(sock, &msg, 0) != sizeof(*h))
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_CREDENTIALS)
			continue;
		memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
		*pid = uc.pid;
	}
	return 0;
}

/* Take @t's hello; @t->sock and @t->reap are set. */
static void greet(struct __test_metadata *_metadata, struct task *t)
{
	struct hello h;
	pid_t pid;

	ASSERT_EQ(0, recv_hello(t->sock, &h, &pid));
	ASSERT_EQ(0, h.err) {
		TH_LOG("agent setup failed: %s", strerror(-h.err));
	}
	ASSERT_GT(pid, 0);
	t->vpid = h.vpid;
	t->pid = pid;
	t->pidfd = sys_pidfd_open(t->pid, 0);
	ASSERT_GE(t->pidfd, 0);
	t->nids = read_nspid(t->pid, t->ids, ARRAY_SIZE(t->ids));
	ASSERT_GT(t->nids, 0);
	/* Both sources of truth must agree. */
	ASSERT_EQ(t->vpid, t->ids[t->nids - 1]);
}

/*
 * Start agent @t as the next task of pid namespace @nsfd, or of the test's
 * pid_for_children namespace if @nsfd is -1.
 */
static void spawn(struct __test_metadata *_metadata, struct task *t,
		  int nsfd, enum agent_mode mode)
{
	int sv[2], self_ns = -1, on = 1;
	struct stat st;
	pid_t pid;

	ASSERT_LT(nr_socks, (int)ARRAY_SIZE(socks));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	ASSERT_EQ(0, setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on,
				sizeof(on)));
	ASSERT_EQ(0, fstat(sv[1], &st));
	socks[nr_socks++] = sv[0];
	if (nsfd >= 0) {
		self_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(self_ns, 0);
		ASSERT_EQ(0, setns(nsfd, CLONE_NEWPID));
	}
	pid = fork();
	if (pid == 0)
		agent_run(sv[1], mode);
	if (nsfd >= 0) {
		ASSERT_EQ(0, setns(self_ns, CLONE_NEWPID));
		close(self_ns);
	}
	ASSERT_GT(pid, 0);
	close(sv[1]);
	t->sock = sv[0];
	t->peer = sv[1];
	t->peer_ino = st.st_ino;
	t->reap = pid;
	greet(_metadata, t);
	/* The userns agent is the child of the helper that made its ns. */
	if (mode != AGENT_USERNS)
		ASSERT_EQ(pid, t->pid);
}

/* Close @t's socket, which makes it exit. */
static void let_exit(struct task *t)
{
	int i;

	if (t->sock < 0)
		return;
	for (i = 0; i < nr_socks; i++) {
		if (socks[i] == t->sock) {
			socks[i] = socks[--nr_socks];
			break;
		}
	}
	close(t->sock);
	t->sock = -1;
}

/* Make @t exit and reap it; return its wait status, or -1. */
static int stop(struct task *t)
{
	int status = -1;

	let_exit(t);
	if (t->reap > 0 && waitpid(t->reap, &status, 0) != t->reap)
		status = -1;
	t->reap = 0;
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
	return status;
}

static void agent_batch(struct __test_metadata *_metadata, struct task *t,
			const struct req *q, struct res *r, int n)
{
	ssize_t qlen = n * sizeof(*q), rlen = n * sizeof(*r);

	ASSERT_LE(n, MAX_BATCH);
	ASSERT_EQ(qlen, send(t->sock, q, qlen, MSG_NOSIGNAL));
	ASSERT_EQ(rlen, recv(t->sock, r, rlen, 0));
}

static void agent_req(struct __test_metadata *_metadata, struct task *t,
		      const struct req *q, struct res *r)
{
	agent_batch(_metadata, t, q, r, 1);
}

static long agent_op(struct __test_metadata *_metadata, struct task *t,
		     int op, int arg)
{
	struct req q = { .op = op, .target = arg };
	struct res r;

	agent_req(_metadata, t, &q, &r);
	return r.ret;
}

/* Hand @fd to agent @t over its socket (SCM_RIGHTS), as its fd @num. */
static void give_fd(struct __test_metadata *_metadata, struct task *t, int fd,
		    int num)
{
	struct req q = { .op = OP_RECV_FD, .target = num };
	struct res r;

	ASSERT_EQ(sizeof(q), send(t->sock, &q, sizeof(q), MSG_NOSIGNAL));
	ASSERT_EQ(0, send_fd(t->sock, fd));
	ASSERT_EQ(sizeof(r), recv(t->sock, &r, sizeof(r), 0));
	ASSERT_EQ(0, r.ret);
}

/*
 * Start agent @t as pid 1 of a new pid namespace below @parent, owned by
 * user namespace @userns (-1: ours): a helper in @parent makes both and
 * hands its socket over. Return 0, or -errno if the namespace could not be
 * made.
 */
static long spawn_init(struct __test_metadata *_metadata, struct task *t,
		       int parent, int userns)
{
	struct req q = { .op = OP_NEW_PIDNS, .target = userns };
	struct task h;
	struct res r;

	task_init(&h);
	task_init(t);
	spawn(_metadata, &h, parent, AGENT_ROOT);
	agent_req(_metadata, &h, &q, &r);
	if (r.ret >= 0) {
		t->sock = h.sock;
		t->peer = h.peer;
		t->peer_ino = h.peer_ino;
		h.sock = -1;
	}
	EXPECT_EQ(W_EXITCODE(AGENT_EXIT, 0), stop(&h));
	if (r.ret < 0)
		return r.ret;
	greet(_metadata, t);
	t->reap = t->pid;
	ASSERT_EQ(1, t->vpid);
	return 0;
}

/* Make a pidctl() call as @caller, or as the test itself if NULL. */
static struct res call(struct __test_metadata *_metadata, struct task *caller,
		       unsigned int cmd, pid_t pid, int source, int target,
		       unsigned int flags)
{
	struct req q = {
		.op = OP_PIDCTL,
		.cmd = cmd,
		.pid = pid,
		.source = source,
		.target = target,
		.flags = flags,
	};
	struct res r;

	if (caller)
		agent_req(_metadata, caller, &q, &r);
	else
		do_pidctl(&r, cmd, pid, source, target, flags);
	return r;
}

#define QPID(c, pid, s, t) \
	(call(_metadata, c, PIDCMD_QUERY_PID, pid, s, t, 0).ret)
#define QNS(c, s, t) \
	(call(_metadata, c, PIDCMD_QUERY_PIDNS, 0, s, t, 0).ret)
#define GETFD(c, pid, s, t, f) \
	(call(_metadata, c, PIDCMD_GET_PIDFD, pid, s, t, f).ret)

/* Check that @r describes a pidfd like pidfd_open(@pid) would make. */
static void check_pidfd(struct __test_metadata *_metadata,
			const struct res *r, pid_t pid, unsigned int flags)
{
	struct res ref;

	ref_pidfd(&ref, pid, flags);
	ASSERT_EQ(0, ref.ret);
	EXPECT_EQ(ref.ino, r->ino) {
		TH_LOG("pidfd names another pid than %d", pid);
	}
	EXPECT_EQ(ref.fl_flags, r->fl_flags) {
		TH_LOG("file flags differ from pidfd_open(%d, %#x)", pid,
		       flags);
	}
	EXPECT_EQ(FD_CLOEXEC, r->fd_flags);
	EXPECT_EQ(pid, r->fdinfo_pid);
}

/* Check that @caller gets a pidfd for task @task (a pid in our ns). */
static void expect_pidfd(struct __test_metadata *_metadata,
			 struct task *caller, pid_t pid, int source,
			 int target, unsigned int flags, pid_t task)
{
	struct res r = call(_metadata, caller, PIDCMD_GET_PIDFD, pid, source,
			    target, flags);

	ASSERT_EQ(0, r.ret) {
		TH_LOG("GET_PIDFD pid %d source %d target %d flags %#x",
		       pid, source, target, flags);
	}
	check_pidfd(_metadata, &r, task, flags);
}

/* A number no fd has, above those the test hands out itself. */
static int closed_fd(void)
{
	int fd = fcntl(0, F_DUPFD_CLOEXEC, 500);

	if (fd >= 0)
		close(fd);
	return fd;
}

static long ns_op_errno(struct __test_metadata *_metadata, unsigned int cmd,
			int fd, int other)
{
	pid_t pid = cmd == PIDCMD_QUERY_PIDNS ? 0 : getpid();
	long a, b;

	a = try_pidctl(cmd, pid, fd, other, 0);
	b = try_pidctl(cmd, pid, other, fd, 0);
	EXPECT_EQ(a, b) {
		TH_LOG("cmd %u: fd %d as source gives %ld, as target %ld",
		       cmd, fd, a, b);
	}
	return a;
}

/* Check that every command fails with @err when given @fd as a namespace. */
static void expect_bad_fd(struct __test_metadata *_metadata, int fd, int err,
			  const char *what)
{
	unsigned int cmd;
	int own = -1;

	if (have_pidns()) {
		own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(own, 0);
	}
	for (cmd = PIDCMD_QUERY_PID; cmd <= PIDCMD_GET_PIDFD; cmd++) {
		EXPECT_EQ(-err, ns_op_errno(_metadata, cmd, fd, -1)) {
			TH_LOG("cmd %u with %s (fd %d) and -1", cmd, what, fd);
		}
		if (own < 0)
			continue;
		EXPECT_EQ(-err, ns_op_errno(_metadata, cmd, fd, own)) {
			TH_LOG("cmd %u with %s (fd %d) and a pid ns fd", cmd,
			       what, fd);
		}
	}
	if (own >= 0)
		close(own);
}

/* PIDCMD_QUERY_PID of the task pidfd @fd names, into namespace @target. */
static long query_pidfd(int fd, int target)
{
	return try_pidctl(PIDCMD_QUERY_PID, fd, -1, target, PIDCTL_PIDFD);
}

/* A child that waits to be killed; -1 if fork() failed. */
static pid_t fork_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		for (;;)
			pause();
	}
	return pid;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A child that exits at once, left unreaped; its pidfd is in @pidfd. */
static pid_t fork_zombie(struct __test_metadata *_metadata, int *pidfd)
{
	siginfo_t si;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(0);
	*pidfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(*pidfd, 0);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, *pidfd, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(pid, si.si_pid);
	return pid;
}

/* Calls that need no other pid namespace */

TEST(syscall_wired)
{
	long ret;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	ret = sys_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0);
	if (ret < 0)
		TH_LOG("pidctl() (syscall %d) failed: %s", __NR_pidctl,
		       strerror(errno));
	ASSERT_EQ(PIDNS_EQUAL, ret);
}

TEST(bad_cmd)
{
	static const unsigned int cmds[] = {
		PIDCMD_GET_PIDFD + 1, 4, 255, 0x80000000u, UINT_MAX,
	};
	int i;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-EINVAL, try_pidctl(cmds[i], getpid(), -1, -1, 0));
		EXPECT_EQ(-EINVAL, try_pidctl(cmds[i], 0, -1, -1, 0));
		/* The command is checked before anything else. */
		EXPECT_EQ(-EINVAL,
			  try_pidctl(cmds[i], -1, -7, INT_MIN, UINT_MAX));
		EXPECT_EQ(-EINVAL,
			  try_pidctl(cmds[i], -1, -1, -1, PIDCTL_PIDFD));
	}
}

TEST(bad_pid_and_flags)
{
	static const pid_t bad_pids[] = { 0, -1, -2, INT_MIN };
	static const pid_t ns_pids[] = { 1, -1, INT_MAX, INT_MIN };
	pid_t me = getpid();
	unsigned int f;
	int i;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	/* Neither 0 nor -1 stands for the caller. */
	for (i = 0; i < ARRAY_SIZE(bad_pids); i++) {
		EXPECT_EQ(-EINVAL,
			  try_pidctl(PIDCMD_QUERY_PID, bad_pids[i], -1, -1, 0));
		EXPECT_EQ(-EINVAL,
			  try_pidctl(PIDCMD_GET_PIDFD, bad_pids[i], -1, -1, 0));
		EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, bad_pids[i],
					      -1, -1, PIDFD_NONBLOCK));
	}
	for (i = 0; i < ARRAY_SIZE(ns_pids); i++)
		EXPECT_EQ(-EINVAL,
			  try_pidctl(PIDCMD_QUERY_PIDNS, ns_pids[i], -1, -1, 0));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PIDNS, me, -1, -1, 0));

	for (i = 0; i < 32; i++) {
		f = 1u << i;
		/* PIDCTL_PIDFD makes @pid an fd: see the pidfd_query tests. */
		if (f != PIDCTL_PIDFD)
			EXPECT_EQ(-EINVAL,
				  try_pidctl(PIDCMD_QUERY_PID, me, -1, -1, f))
				TH_LOG("QUERY_PID flags %#x", f);
		EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, f))
			TH_LOG("QUERY_PIDNS flags %#x", f);
		if (f & ALL_FLAGS)
			continue;
		EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, me, -1, -1, f))
			TH_LOG("GET_PIDFD flags %#x", f);
		EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, me, -1, -1,
					      f | PIDFD_NONBLOCK))
			TH_LOG("GET_PIDFD flags %#x", f | PIDFD_NONBLOCK);
	}
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, me, -1, -1, UINT_MAX));
	EXPECT_EQ(-EINVAL,
		  try_pidctl(PIDCMD_GET_PIDFD, me, -1, -1, ~ALL_FLAGS));

	/* Every combination of the allowed flags works. */
	for (f = 0; f <= ALL_FLAGS; f++) {
		if (f & ~ALL_FLAGS)
			continue;
		expect_pidfd(_metadata, NULL, me, -1, -1, f, me);
	}
}

/* pidfds are always close-on-exec, and O_CLOEXEC is no flag of pidctl(). */
TEST(cloexec)
{
	unsigned int f;
	int fd;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	for (f = 0; f <= ALL_FLAGS; f++) {
		if (f & ~ALL_FLAGS)
			continue;
		fd = sys_pidctl(PIDCMD_GET_PIDFD, getpid(), -1, -1, f);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD))
			TH_LOG("flags %#x", f);
		close(fd);
		EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, getpid(), -1,
					      -1, f | O_CLOEXEC))
			TH_LOG("flags %#x", f | O_CLOEXEC);
	}
}

TEST(bad_fds)
{
	static const char * const ns_types[] = {
		"net", "mnt", "uts", "ipc", "user", "cgroup", "time",
		"time_for_children",
	};
	static const int bad_numbers[] = { -2, -3, -100, INT_MIN, 1 << 20 };
	int i, fd, closed, p[2], s;
	char path[64];

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	/* Negative fds other than -1, and fds that are not open: EBADF */
	for (i = 0; i < ARRAY_SIZE(bad_numbers); i++)
		expect_bad_fd(_metadata, bad_numbers[i], EBADF, "bad number");
	closed = closed_fd();
	ASSERT_GE(closed, 0);
	expect_bad_fd(_metadata, closed, EBADF, "closed fd");

	/* Open fds of other kinds: EINVAL */
	fd = memfd_create("pidctl_test", MFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	expect_bad_fd(_metadata, fd, EINVAL, "regular file");
	close(fd);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	expect_bad_fd(_metadata, fd, EINVAL, "directory");
	close(fd);
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	expect_bad_fd(_metadata, fd, EINVAL, "proc file");
	close(fd);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	expect_bad_fd(_metadata, p[0], EINVAL, "pipe");
	close(p[0]);
	close(p[1]);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(s, 0);
	expect_bad_fd(_metadata, s, EINVAL, "socket");
	close(s);
	fd = sys_pidfd_open(getpid(), 0);
	ASSERT_GE(fd, 0);
	expect_bad_fd(_metadata, fd, EINVAL, "pidfd");
	close(fd);

	for (i = 0; i < ARRAY_SIZE(ns_types); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_types[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && i >= 5) {
			TH_LOG("no %s namespaces in this kernel", ns_types[i]);
			continue;
		}
		ASSERT_GE(fd, 0) TH_LOG("open %s", path);
		expect_bad_fd(_metadata, fd, EINVAL, path);
		close(fd);
	}
}

TEST(validation_order)
{
	static const unsigned int cmds[] = {
		PIDCMD_QUERY_PID, PIDCMD_QUERY_PIDNS, PIDCMD_GET_PIDFD,
	};
	int closed, memfd, pidfd, i;
	pid_t pid;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	closed = closed_fd();
	ASSERT_GE(closed, 0);
	memfd = memfd_create("pidctl_test", MFD_CLOEXEC);
	ASSERT_GE(memfd, 0);
	pidfd = sys_pidfd_open(getpid(), 0);
	ASSERT_GE(pidfd, 0);

	/* The command first, */
	EXPECT_EQ(-EINVAL, try_pidctl(7, 0, closed, -5, UINT_MAX));
	/* then pid and flags, */
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, 0, closed, -5, 0));
	EXPECT_EQ(-EINVAL,
		  try_pidctl(PIDCMD_QUERY_PID, getpid(), closed, -5, 1));
	EXPECT_EQ(-EINVAL,
		  try_pidctl(PIDCMD_QUERY_PIDNS, 1, closed, closed, 0));
	EXPECT_EQ(-EINVAL,
		  try_pidctl(PIDCMD_QUERY_PIDNS, 0, closed, closed, 1));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, -1, closed, -5, 0));
	EXPECT_EQ(-EINVAL,
		  try_pidctl(PIDCMD_GET_PIDFD, getpid(), closed, -5, 1));
	/* (with PIDCTL_PIDFD, a source other than -1 is an argument error) */
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, closed, closed, -5,
				      PIDCTL_PIDFD));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, -2, -1,
				      PIDCTL_PIDFD));
	/* then the fds, before any lookup of the pid. */
	EXPECT_EQ(-EBADF, try_pidctl(PIDCMD_QUERY_PID, INT_MAX, closed, -1, 0));
	EXPECT_EQ(-EBADF, try_pidctl(PIDCMD_QUERY_PID, INT_MAX, -1, closed, 0));
	EXPECT_EQ(-EBADF, try_pidctl(PIDCMD_GET_PIDFD, INT_MAX, -1, closed, 0));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, INT_MAX, memfd, -1, 0));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, INT_MAX, -1, memfd, 0));
	/* The target fd before the pidfd, */
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, closed, -1, memfd,
				      PIDCTL_PIDFD));
	EXPECT_EQ(-EBADF, try_pidctl(PIDCMD_QUERY_PID, memfd, -1, closed,
				     PIDCTL_PIDFD));

	/* and with both fds bad, the source's errno. */
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		pid = cmds[i] == PIDCMD_QUERY_PIDNS ? 0 : getpid();
		EXPECT_EQ(-EBADF, try_pidctl(cmds[i], pid, closed, memfd, 0))
			TH_LOG("cmd %u: closed source, memfd target", cmds[i]);
		EXPECT_EQ(-EBADF, try_pidctl(cmds[i], pid, -2, pidfd, 0))
			TH_LOG("cmd %u: source -2, pidfd target", cmds[i]);
		EXPECT_EQ(-EINVAL, try_pidctl(cmds[i], pid, memfd, closed, 0))
			TH_LOG("cmd %u: memfd source, closed target", cmds[i]);
		EXPECT_EQ(-EINVAL, try_pidctl(cmds[i], pid, pidfd, -2, 0))
			TH_LOG("cmd %u: pidfd source, target -2", cmds[i]);
	}
	close(pidfd);
	close(memfd);
}

TEST(own_ns)
{
	pid_t me = getpid(), parent = getppid(), child;
	int own = -1, fds[2], nfds = 1, s, t, status;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	fds[0] = -1;
	/* Without pid namespaces, -1 is the only name of the only one. */
	if (have_pidns()) {
		own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(own, 0);
		fds[nfds++] = own;
	}

	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, &status, 0));

	for (s = 0; s < nfds; s++) {
		for (t = 0; t < nfds; t++) {
			EXPECT_EQ(PIDNS_EQUAL, QNS(NULL, fds[s], fds[t]));
			EXPECT_EQ(me, QPID(NULL, me, fds[s], fds[t]));
			EXPECT_EQ(parent, QPID(NULL, parent, fds[s], fds[t]));
			EXPECT_EQ(1, QPID(NULL, 1, fds[s], fds[t]));
			expect_pidfd(_metadata, NULL, me, fds[s], fds[t], 0,
				     me);
			expect_pidfd(_metadata, NULL, parent, fds[s], fds[t],
				     PIDFD_NONBLOCK, parent);
			/* Nothing has that number, or no longer. */
			EXPECT_EQ(-ESRCH, QPID(NULL, INT_MAX, fds[s], fds[t]));
			EXPECT_EQ(-ESRCH,
				  GETFD(NULL, INT_MAX, fds[s], fds[t], 0));
			EXPECT_EQ(-ESRCH, QPID(NULL, child, fds[s], fds[t]));
			EXPECT_EQ(-ESRCH,
				  GETFD(NULL, child, fds[s], fds[t], 0));
		}
	}
	if (own >= 0)
		close(own);
}

/* A pidfd pidctl() gives for a child signals it, and waitid() reaps it. */
TEST(pidfd_of_child)
{
	siginfo_t si;
	pid_t child;
	int fd;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	child = fork_sleeper();
	ASSERT_GT(child, 0);
	expect_pidfd(_metadata, NULL, child, -1, -1, 0, child);
	fd = sys_pidctl(PIDCMD_GET_PIDFD, child, -1, -1, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, sys_pidfd_send_signal(fd, SIGKILL, NULL, 0));
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, fd, &si, WEXITED));
	EXPECT_EQ(child, si.si_pid);
	EXPECT_EQ(CLD_KILLED, si.si_code);
	EXPECT_EQ(SIGKILL, si.si_status);
	close(fd);
}

/* Process group and session of task @pid, from /proc/PID/stat. */
static int read_pgrp_session(pid_t pid, pid_t *pgrp, pid_t *sid)
{
	char path[64], buf[512], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	/* The command name may hold anything but ends at the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %d %d", pgrp, sid) != 2)
		return -1;
	return 0;
}

enum leftover { AS_PGRP, AS_SESSION, AS_BOTH };

/*
 * Leave the number of a reaped process alive only as the process group
 * and/or session id of its child (our child too, as subreaper). Return
 * that number; the child's pid is in @orphan.
 */
static pid_t leave_number(struct __test_metadata *_metadata,
			  enum leftover how, pid_t *orphan)
{
	pid_t leader, pgrp, sid;
	int p[2], status;

	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	leader = fork();
	ASSERT_GE(leader, 0);
	if (leader == 0) {
		if (how == AS_PGRP ? setpgid(0, 0) : setsid() < 0)
			_exit(1);
		if (fork() == 0) {
			pid_t me = getpid();

			/* Leave the group, stay in the session. */
			if (how == AS_SESSION && setpgid(0, 0))
				_exit(1);
			if (write(p[1], &me, sizeof(me)) != sizeof(me))
				_exit(1);
			for (;;)
				pause();
		}
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(sizeof(*orphan), read(p[0], orphan, sizeof(*orphan)));
	close(p[0]);
	ASSERT_EQ(leader, waitpid(leader, &status, 0));
	ASSERT_EQ(0, status);

	ASSERT_EQ(0, read_pgrp_session(*orphan, &pgrp, &sid));
	EXPECT_EQ(how != AS_SESSION, pgrp == leader);
	EXPECT_EQ(how != AS_PGRP, sid == leader);
	return leader;
}

/* A number that lives on only as a pgrp or session id names no task. */
TEST(number_of_group_or_session)
{
	static const enum leftover hows[] = { AS_PGRP, AS_SESSION, AS_BOTH };
	pid_t nr, orphan;
	int i;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	for (i = 0; i < ARRAY_SIZE(hows); i++) {
		nr = leave_number(_metadata, hows[i], &orphan);
		/* The number is in use: as a group, kill() finds it. */
		if (hows[i] != AS_SESSION)
			EXPECT_EQ(0, kill(-nr, 0));
		/*
		 * pidfd_open() finds the struct pid and refuses it (EINVAL:
		 * no thread-group leader); pidctl() counts it as no task.
		 */
		EXPECT_EQ(-1, sys_pidfd_open(nr, 0));
		EXPECT_EQ(-ESRCH, QPID(NULL, nr, -1, -1)) TH_LOG("case %d", i);
		EXPECT_EQ(-ESRCH, GETFD(NULL, nr, -1, -1, 0));
		EXPECT_EQ(-ESRCH, GETFD(NULL, nr, -1, -1, PIDFD_THREAD));
		/* while its holder translates. */
		EXPECT_EQ(orphan, QPID(NULL, orphan, -1, -1));
		kill_and_reap(orphan);
	}
}

/* GET_PIDFD fails like pidfd_open() when the fd table is full. */
TEST(emfile)
{
	struct rlimit old, lim;
	int src, fd, fds[16], n = 0;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	src = memfd_create("pidctl_test", MFD_CLOEXEC);
	ASSERT_GE(src, 0);
	lim = old;
	lim.rlim_cur = src + 1 + ARRAY_SIZE(fds) / 2;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	while (n < ARRAY_SIZE(fds) &&
	       (fd = fcntl(src, F_DUPFD_CLOEXEC, 0)) >= 0)
		fds[n++] = fd;
	ASSERT_EQ(EMFILE, errno);
	ASSERT_GT(n, 0);

	EXPECT_EQ(-1, sys_pidfd_open(getpid(), 0));
	EXPECT_EQ(EMFILE, errno);
	EXPECT_EQ(-1, sys_pidctl(PIDCMD_GET_PIDFD, getpid(), -1, -1, 0));
	EXPECT_EQ(EMFILE, errno);
	/* Queries make no fd. */
	EXPECT_EQ(getpid(), sys_pidctl(PIDCMD_QUERY_PID, getpid(), -1, -1, 0));
	close(fds[--n]);
	fd = sys_pidctl(PIDCMD_GET_PIDFD, getpid(), -1, -1, 0);
	EXPECT_GE(fd, 0);
	close(fd);

	while (n)
		close(fds[--n]);
	close(src);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
}

/* PIDCTL_PIDFD: pidfds from every source name their task's number. */
TEST(pidfd_query_sources)
{
	struct clone_args0 args = { .exit_signal = SIGCHLD };
	int fd, own = -1, cfd = -1;
	pid_t child, cloned;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	if (have_pidns()) {
		own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(own, 0);
	}
	fd = sys_pidfd_open(getpid(), 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(getpid(), query_pidfd(fd, -1));
	if (own >= 0)
		EXPECT_EQ(getpid(), query_pidfd(fd, own));
	close(fd);
	fd = sys_pidfd_open(getpid(), PIDFD_NONBLOCK);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(getpid(), query_pidfd(fd, -1));
	close(fd);

	child = fork_sleeper();
	ASSERT_GT(child, 0);
	fd = sys_pidfd_open(child, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(child, query_pidfd(fd, -1));
	close(fd);
	/* pidctl()'s own pidfds */
	fd = sys_pidctl(PIDCMD_GET_PIDFD, child, -1, -1, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(child, query_pidfd(fd, -1));
	if (own >= 0)
		EXPECT_EQ(child, query_pidfd(fd, own));
	close(fd);
	kill_and_reap(child);

	/* clone3(CLONE_PIDFD) */
	args.flags = CLONE_PIDFD;
	args.pidfd = (uintptr_t)&cfd;
	cloned = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_GE(cloned, 0);
	if (cloned == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		for (;;)
			pause();
	}
	ASSERT_GE(cfd, 0);
	EXPECT_EQ(cloned, query_pidfd(cfd, -1));
	kill_and_reap(cloned);
	close(cfd);
	if (own >= 0)
		close(own);
}

/* Wait until thread @tid of ours is released, as /proc shows it. */
static bool thread_gone(pid_t tid)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "/proc/self/task/%d", tid);
	for (i = 0; i < WAIT_MS; i++) {
		if (access(path, F_OK) && errno == ENOENT)
			return true;
		usleep(1000);
	}
	return false;
}

/* A PIDFD_THREAD pidfd gives the thread's number, a process pidfd the tgid. */
TEST(pidfd_query_thread)
{
	struct agent_thread th = { .running = false };
	int tfd, tfd2, pfd, lfd;
	pid_t tid;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	tid = thread_start(&th);
	ASSERT_GT(tid, 0);
	ASSERT_NE(getpid(), tid);
	tfd = sys_pidfd_open(tid, PIDFD_THREAD);
	ASSERT_GE(tfd, 0);
	tfd2 = sys_pidctl(PIDCMD_GET_PIDFD, tid, -1, -1, PIDFD_THREAD);
	ASSERT_GE(tfd2, 0);
	pfd = sys_pidfd_open(getpid(), 0);
	ASSERT_GE(pfd, 0);
	lfd = sys_pidfd_open(getpid(), PIDFD_THREAD);
	ASSERT_GE(lfd, 0);

	EXPECT_EQ(tid, query_pidfd(tfd, -1));
	EXPECT_EQ(tid, query_pidfd(tfd2, -1));
	EXPECT_EQ(getpid(), query_pidfd(pfd, -1));
	EXPECT_EQ(getpid(), query_pidfd(lfd, -1));

	/* A thread that is gone is reaped: ESRCH, as for pidfd_send_signal. */
	ASSERT_EQ(0, thread_stop(&th));
	ASSERT_TRUE(thread_gone(tid));
	EXPECT_EQ(-1, sys_pidfd_send_signal(tfd, 0, NULL, 0));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-ESRCH, query_pidfd(tfd, -1));
	EXPECT_EQ(-ESRCH, query_pidfd(tfd2, -1));
	/* while the process translates. */
	EXPECT_EQ(getpid(), query_pidfd(pfd, -1));
	close(lfd);
	close(pfd);
	close(tfd2);
	close(tfd);
}

/* Compare PIDCTL_PIDFD's errno on @fd with pidfd_send_signal()'s. */
static void expect_not_pidfd(struct __test_metadata *_metadata, int fd,
			     const char *what)
{
	long ret = sys_pidfd_send_signal(fd, 0, NULL, 0);

	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBADF, errno) TH_LOG("pidfd_send_signal() on %s", what);
	EXPECT_EQ(-EBADF, query_pidfd(fd, -1)) TH_LOG("%s", what);
}

TEST(pidfd_query_errors)
{
	static const int bad_numbers[] = { -1, -2, INT_MIN, 1 << 20 };
	int fd, p[2], s, i, pidfd, closed;
	char path[64];

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	pidfd = sys_pidfd_open(getpid(), 0);
	ASSERT_GE(pidfd, 0);

	/* The source must be -1: the pidfd names the task. */
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, -2, -1,
				      PIDCTL_PIDFD));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, 0, -1,
				      PIDCTL_PIDFD));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, pidfd, -1,
				      PIDCTL_PIDFD));
	if (have_pidns()) {
		fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, fd, -1,
					      PIDCTL_PIDFD));
		close(fd);
	}
	/* The only other flag it takes is none, */
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, -1, -1,
				      PIDCTL_PIDFD | PIDFD_NONBLOCK));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, -1, -1,
				      PIDCTL_PIDFD | PIDFD_THREAD));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PID, pidfd, -1, -1,
				      PIDCTL_PIDFD | 1));
	/* and no other command takes it. */
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1,
				      PIDCTL_PIDFD));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_QUERY_PIDNS, pidfd, -1, -1,
				      PIDCTL_PIDFD));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, getpid(), -1, -1,
				      PIDCTL_PIDFD));
	EXPECT_EQ(-EINVAL, try_pidctl(PIDCMD_GET_PIDFD, pidfd, -1, -1,
				      PIDCTL_PIDFD | PIDFD_NONBLOCK));

	/* Anything that is no pidfd is EBADF, as pidfd_send_signal() says. */
	for (i = 0; i < ARRAY_SIZE(bad_numbers); i++)
		expect_not_pidfd(_metadata, bad_numbers[i], "a bad number");
	closed = closed_fd();
	ASSERT_GE(closed, 0);
	expect_not_pidfd(_metadata, closed, "a closed fd");
	fd = memfd_create("pidctl_test", MFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	expect_not_pidfd(_metadata, fd, "a memfd");
	close(fd);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	expect_not_pidfd(_metadata, p[0], "a pipe");
	close(p[0]);
	close(p[1]);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(s, 0);
	expect_not_pidfd(_metadata, s, "a socket");
	close(s);
	snprintf(path, sizeof(path), "/proc/self/ns/%s",
		 have_pidns() ? "pid" : "net");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	expect_not_pidfd(_metadata, fd, path);
	close(fd);
	close(pidfd);
}

TEST(pidfd_query_zombie_and_reaped)
{
	int fd, status;
	pid_t pid;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	pid = fork_zombie(_metadata, &fd);
	/* A zombie still translates, */
	EXPECT_EQ(pid, query_pidfd(fd, -1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* a reaped process does not. */
	EXPECT_EQ(-1, sys_pidfd_send_signal(fd, 0, NULL, 0));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-ESRCH, query_pidfd(fd, -1));
	close(fd);
}

struct reaper {
	pid_t pid;
	atomic_int done;	/* waitpid() returned */
};

static void *reap_thread(void *arg)
{
	struct reaper *r = arg;

	waitpid(r->pid, NULL, 0);
	atomic_store(&r->done, 1);
	return NULL;
}

/*
 * A process reaped while pidctl() looks at it: each answer is its number
 * (or a pidfd naming it) or ESRCH, and ESRCH once waitpid() returned.
 * GET_PIDFD by number against reuse of numbers is stress/pidctl_race's.
 */
TEST(reaped_during_call)
{
	struct stat ref_st, st;
	int round, fd, pfd, answered = 0, gone = 0;
	struct reaper r;
	pthread_t thread;
	long ret;
	bool done;

	if (pidctl_missing())
		SKIP(return, "%s", pidctl_missing());
	for (round = 0; round < 200; round++) {
		r.pid = fork_zombie(_metadata, &pfd);
		atomic_store(&r.done, 0);
		ASSERT_EQ(0, fstat(pfd, &ref_st));
		ASSERT_EQ(0, pthread_create(&thread, NULL, reap_thread, &r));
		do {
			done = atomic_load(&r.done);
			ret = query_pidfd(pfd, -1);
			EXPECT_TRUE(ret == r.pid || ret == -ESRCH)
				TH_LOG("round %d: %ld", round, ret);
			if (done)
				EXPECT_EQ(-ESRCH, ret);
			answered += ret == r.pid;
			fd = sys_pidctl(PIDCMD_GET_PIDFD, r.pid, -1, -1, 0);
			if (fd >= 0) {
				EXPECT_EQ(0, fstat(fd, &st));
				EXPECT_EQ(ref_st.st_ino, st.st_ino);
				close(fd);
			} else {
				EXPECT_EQ(ESRCH, errno)
					TH_LOG("round %d: GET_PIDFD", round);
			}
		} while (!done);
		gone += ret == -ESRCH;
		pthread_join(thread, NULL);
		close(pfd);
	}
	TH_LOG("answered for the zombie %d times", answered);
	EXPECT_EQ(200, gone);
}

/*
 * A tree of pid namespaces with a task or two in each:
 *
 *   root (the test's own)
 *   +-- a:  "ia" (pid 1), "ga"
 *   |   +-- a1: "ia1" (pid 1)
 *   |   +-- a2: "ia2" (pid 1)
 *   +-- b:  "ib" (pid 1)
 *   |   +-- b1: "ib1" (pid 1)
 *   +-- u:  only in the userns tests: "u" (pid 1), root of its own user ns
 *       +-- u1: "iu1" (pid 1)
 *       +-- u2: "iu2" (pid 1)
 *
 * A caller in a sees root (its ancestor), a1 and a2 (its descendants, to
 * each other unrelated); b and b1 are off its line.
 */
enum {
	NS_ROOT, NS_A, NS_A1, NS_A2, NS_B, NS_B1, NS_U, NS_U1, NS_U2, NR_NS
};

#define NS_CALLER	(-1)	/* -1: the caller's active pid namespace */

static const char * const ns_name[NR_NS] = {
	"root", "a", "a1", "a2", "b", "b1", "u", "u1", "u2",
};

static const int ns_parent[NR_NS] = {
	-1, NS_ROOT, NS_A, NS_A, NS_ROOT, NS_B, NS_ROOT, NS_U, NS_U,
};

static const int ns_level[NR_NS] = { 0, 1, 2, 2, 1, 2, 1, 2, 2 };

enum {
	T_SELF, T_IA, T_GA, T_IA1, T_IA2, T_IB, T_IB1, T_U, T_IU1, T_IU2,
	NR_TASKS
};

static const int task_ns[NR_TASKS] = {
	NS_ROOT, NS_A, NS_A, NS_A1, NS_A2, NS_B, NS_B1, NS_U, NS_U1, NS_U2,
};

/* Is @anc namespace @ns or one of its ancestors? */
static bool ns_contains(int anc, int ns)
{
	for (; ns >= 0; ns = ns_parent[ns])
		if (ns == anc)
			return true;
	return false;
}

/* Is @ns on the line of namespace @cns: @cns, an ancestor or a descendant? */
static bool ns_on_line(int cns, int ns)
{
	return ns_contains(cns, ns) || ns_contains(ns, cns);
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

/* Helpers below name it struct _test_data_pidctl, i.e. FIXTURE_DATA(pidctl). */
FIXTURE(pidctl) {
	int base;			/* level of our ns below /proc's */
	int ns[NR_NS];			/* pid namespace fds, -1 if none */
	int userns;			/* user namespace of "u", or -1 */
	struct task t[NR_TASKS];
};

/* Number of task @i in namespace @ns, from NSpid:, or 0 if none. */
static pid_t pid_in(struct _test_data_pidctl *self, int i, int ns)
{
	const struct task *t = &self->t[i];
	int level = self->base + ns_level[ns];

	if (!t->pid || !ns_contains(ns, task_ns[i]) || level >= t->nids)
		return 0;
	return t->ids[level];
}

static int ns_fd(struct _test_data_pidctl *self, int ns)
{
	return ns == NS_CALLER ? -1 : self->ns[ns];
}

static void add_task(struct __test_metadata *_metadata,
		     struct _test_data_pidctl *self, int i)
{
	spawn(_metadata, &self->t[i], self->ns[task_ns[i]], AGENT_ROOT);
}

/* Make task @i's namespace, with @i as its init. */
static void add_init(struct __test_metadata *_metadata,
		     struct _test_data_pidctl *self, int i)
{
	int ns = task_ns[i];

	ASSERT_EQ(0, spawn_init(_metadata, &self->t[i],
				self->ns[ns_parent[ns]],
				ns_parent[ns] == NS_U ? self->userns : -1));
	self->ns[ns] = place_fd(open_ns(self->t[i].pid, "pid"),
				NSFD_BASE + ns);
	ASSERT_EQ(NSFD_BASE + ns, self->ns[ns]);
}

FIXTURE_SETUP(pidctl)
{
	int i;

	for (i = 0; i < NR_TASKS; i++)
		task_init(&self->t[i]);
	for (i = 0; i < NR_NS; i++)
		self->ns[i] = -1;
	self->userns = -1;
	if (pidns_missing())
		SKIP(return, "%s", pidns_missing());
	ASSERT_EQ(PIDNS_EQUAL, try_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0)) {
		TH_LOG("pidctl() (syscall %d) does not work", __NR_pidctl);
	}
	self->base = own_level();
	ASSERT_GE(self->base, 0);
	self->t[T_SELF].pid = getpid();
	self->t[T_SELF].nids = read_nspid(getpid(), self->t[T_SELF].ids,
					  MAX_LEVELS + 1);
	self->ns[NS_ROOT] = place_fd(open("/proc/self/ns/pid", O_RDONLY),
				     NSFD_BASE + NS_ROOT);
	ASSERT_EQ(NSFD_BASE + NS_ROOT, self->ns[NS_ROOT]);

	add_init(_metadata, self, T_IA);
	add_init(_metadata, self, T_IB);
	add_init(_metadata, self, T_IA1);
	add_init(_metadata, self, T_IA2);
	add_init(_metadata, self, T_IB1);
	add_task(_metadata, self, T_GA);
	for (i = T_IA; i <= T_IB1; i++)
		ASSERT_EQ(self->base + ns_level[task_ns[i]] + 1,
			  self->t[i].nids);
}

/*
 * Make all agents exit, also those a failed test left, and reap them all.
 * The init of a pid namespace only finishes exiting once every other task
 * in it is reaped, so reap in whatever order they come.
 */
static void end_all(struct task *t, int n)
{
	int i;

	while (nr_socks)
		close(socks[--nr_socks]);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	for (i = 0; i < n; i++) {
		t[i].sock = -1;
		stop(&t[i]);
	}
}

FIXTURE_TEARDOWN(pidctl)
{
	int i;

	end_all(self->t, NR_TASKS);
	for (i = 0; i < NR_NS; i++)
		if (self->ns[i] >= 0)
			close(self->ns[i]);
	if (self->userns >= 0)
		close(self->userns);
}

/*
 * The answer a caller in namespace @cns must get (CONTRACT.md, step 4):
 * nothing beyond what it sees from its own namespace, and a task it cannot
 * see is refused like a number nobody has.
 */
static long expected(struct _test_data_pidctl *self, int cns, unsigned int cmd,
		     int task, int src, int tgt)
{
	if (cmd == PIDCMD_QUERY_PIDNS) {
		if (!ns_on_line(cns, src) || !ns_on_line(cns, tgt))
			return -EPERM;
		return ns_relation(src, tgt);
	}
	if (task < 0 || !pid_in(self, task, cns))
		return -ESRCH;
	if (!pid_in(self, task, tgt))
		return -ENOENT;
	if (cmd == PIDCMD_QUERY_PID)
		return pid_in(self, task, tgt);
	return 0;
}

/* Calls to make as one caller, and where they came from. */
struct matrix {
	int n;
	struct req q[MAX_BATCH];
	struct {
		int task;	/* -1: a pid nobody has */
		int s, t;	/* namespace indices, or NS_CALLER */
	} at[MAX_BATCH];
	struct res r[MAX_BATCH];	/* the caller's answers */
	struct res e[MAX_BATCH];	/* the reference caller's */
};

static void matrix_add(struct _test_data_pidctl *self, struct matrix *m,
		       int cns, unsigned int cmd, int task, int s, int t,
		       unsigned int flags)
{
	int src = s == NS_CALLER ? cns : s;
	pid_t pid = 0;

	if (cmd != PIDCMD_QUERY_PIDNS) {
		pid = task < 0 ? INT_MAX : pid_in(self, task, src);
		if (!pid)
			return;
	}
	if (m->n >= MAX_BATCH)
		return;
	m->q[m->n] = (struct req){
		.op = OP_PIDCTL,
		.cmd = cmd,
		.pid = pid,
		.source = ns_fd(self, s),
		.target = ns_fd(self, t),
		.flags = flags,
	};
	m->at[m->n].task = task;
	m->at[m->n].s = s;
	m->at[m->n].t = t;
	m->n++;
}

/* Make the calls of @m as @caller, or as the test itself if NULL. */
static void matrix_call(struct __test_metadata *_metadata, struct matrix *m,
			struct task *caller, struct res *r)
{
	const struct req *q;
	int i;

	if (caller) {
		agent_batch(_metadata, caller, m->q, r, m->n);
		return;
	}
	for (i = 0; i < m->n; i++) {
		q = &m->q[i];
		do_pidctl(&r[i], q->cmd, q->pid, q->source, q->target,
			  q->flags);
	}
}

static const char *ns_str(int ns)
{
	return ns == NS_CALLER ? "-1" : ns_name[ns];
}

/*
 * Make every call naming the fixture's namespaces and tasks, with -1 and
 * with fds, as @caller in namespace @cns. Check the answers against the
 * contract, or if @ref is given, against @ref's answers.
 */
static void run_matrix(struct __test_metadata *_metadata,
		       struct _test_data_pidctl *self, struct task *caller,
		       int cns, struct task *ref)
{
	int s, t, i, src, tgt, ok = 0;
	const struct res *r, *e;
	struct matrix *m;
	const struct req *q;
	long want;

	m = calloc(1, sizeof(*m));
	ASSERT_TRUE(!!m);
	for (s = NS_CALLER; s < NR_NS; s++) {
		if (s != NS_CALLER && self->ns[s] < 0)
			continue;
		for (t = NS_CALLER; t < NR_NS; t++) {
			if (t != NS_CALLER && self->ns[t] < 0)
				continue;
			matrix_add(self, m, cns, PIDCMD_QUERY_PIDNS, -1, s, t,
				   0);
			for (i = -1; i < NR_TASKS; i++) {
				matrix_add(self, m, cns, PIDCMD_QUERY_PID, i,
					   s, t, 0);
				matrix_add(self, m, cns, PIDCMD_GET_PIDFD, i,
					   s, t, 0);
				matrix_add(self, m, cns, PIDCMD_GET_PIDFD, i,
					   s, t, ALL_FLAGS);
			}
		}
	}
	ASSERT_LT(m->n, MAX_BATCH);
	matrix_call(_metadata, m, caller, m->r);
	if (ref)
		matrix_call(_metadata, m, ref, m->e);

	for (i = 0; i < m->n; i++) {
		q = &m->q[i];
		r = &m->r[i];
		e = &m->e[i];
		s = m->at[i].s;
		t = m->at[i].t;
		src = s == NS_CALLER ? cns : s;
		tgt = t == NS_CALLER ? cns : t;
		ok += r->ret >= 0;
		if (ref) {
			EXPECT_TRUE(e->ret == r->ret && e->ino == r->ino &&
				    e->fd_flags == r->fd_flags &&
				    e->fl_flags == r->fl_flags &&
				    e->fdinfo_pid == r->fdinfo_pid) {
				TH_LOG("cmd %u pid %d %s -> %s flags %#x: %ld, privileged %ld",
				       q->cmd, q->pid, ns_str(s), ns_str(t),
				       q->flags, r->ret, e->ret);
			}
			continue;
		}
		want = expected(self, cns, q->cmd, m->at[i].task, src, tgt);
		EXPECT_EQ(want, r->ret) {
			TH_LOG("caller in %s: cmd %u pid %d %s -> %s flags %#x",
			       ns_name[cns], q->cmd, q->pid, ns_str(s),
			       ns_str(t), q->flags);
		}
		if (q->cmd == PIDCMD_GET_PIDFD && !want && !r->ret)
			check_pidfd(_metadata, r, self->t[m->at[i].task].pid,
				    q->flags);
	}
	/* Guard against a matrix that tested nothing. */
	EXPECT_GT(ok, 20);
	EXPECT_GT(m->n - ok, 20);
	free(m);
}

static void expect_uid(struct __test_metadata *_metadata, struct task *t,
		       uid_t uid, bool no_caps)
{
	char path[64], buf[128];

	snprintf(path, sizeof(path), "/proc/%d/status", t->pid);
	ASSERT_EQ(0, read_field(path, "Uid:", buf, sizeof(buf)));
	EXPECT_EQ(uid, strtoul(buf, NULL, 10));
	if (!no_caps)
		return;
	ASSERT_EQ(0, read_field(path, "CapEff:", buf, sizeof(buf)));
	EXPECT_EQ(0, strtoull(buf, NULL, 16));
	ASSERT_EQ(0, read_field(path, "CapPrm:", buf, sizeof(buf)));
	EXPECT_EQ(0, strtoull(buf, NULL, 16));
}

TEST_F(pidctl, matrix_from_root)
{
	run_matrix(_metadata, self, NULL, NS_ROOT, NULL);
}

TEST_F(pidctl, matrix_from_child_ns)
{
	static const int where[] = { NS_A, NS_A1, NS_B1 };
	struct task c;
	int i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		task_init(&c);
		spawn(_metadata, &c, self->ns[where[i]], AGENT_ROOT);
		run_matrix(_metadata, self, &c, where[i], NULL);
		stop(&c);
	}
}

/* Unprivileged callers in several namespaces, against the contract and
 * against a privileged caller next to them.
 */
static void unprivileged(struct __test_metadata *_metadata,
			 struct _test_data_pidctl *self, enum agent_mode mode,
			 uid_t uid)
{
	static const int where[] = { NS_ROOT, NS_A, NS_B1 };
	struct task c, ref;
	int i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		task_init(&c);
		task_init(&ref);
		spawn(_metadata, &c, self->ns[where[i]], mode);
		spawn(_metadata, &ref, self->ns[where[i]], AGENT_ROOT);
		expect_uid(_metadata, &c, uid, true);
		run_matrix(_metadata, self, &c, where[i], NULL);
		run_matrix(_metadata, self, &c, where[i], &ref);
		stop(&ref);
		stop(&c);
	}
}

TEST_F(pidctl, unprivileged_no_caps)
{
	unprivileged(_metadata, self, AGENT_NOCAPS, 0);
}

TEST_F(pidctl, unprivileged_nobody)
{
	unprivileged(_metadata, self, AGENT_NOBODY, NOBODY);
}

/* /proc/sys/kernel/pid_max, capped so that a scan stays short. */
static int scan_limit(void)
{
	char buf[32];
	int fd, max = 0;
	ssize_t len;

	fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len > 0) {
		buf[len] = '\0';
		max = strtol(buf, NULL, 10);
	}
	return max < 1 << 15 ? max : 1 << 15;
}

/*
 * The number the task (or thread) numbered @nr in our namespace has in the
 * fixture's namespace @ns, from /proc and NS_GET_PARENT, never pidctl():
 * 0 if it has none, or there is no such task. *@leader: is it a tgid?
 */
static pid_t number_in(struct _test_data_pidctl *self, pid_t nr, int ns,
		       bool *leader)
{
	int level = self->base + ns_level[ns], n, fd, parent;
	pid_t ids[MAX_LEVELS + 1];
	char path[64], buf[32];
	bool in = false;

	n = read_nspid(nr, ids, ARRAY_SIZE(ids));
	if (n <= level)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", nr);
	if (read_field(path, "Tgid:", buf, sizeof(buf)))
		return 0;
	*leader = strtol(buf, NULL, 10) == nr;
	fd = open_ns(nr, "pid");
	/* Up from its own namespace to the one at @ns's level. */
	while (fd >= 0 && n-- > level + 1) {
		parent = ioctl(fd, NS_GET_PARENT);
		close(fd);
		fd = parent;
	}
	if (fd >= 0) {
		in = same_file(fd, self->ns[ns]);
		close(fd);
	}
	return in ? ids[level] : 0;
}

/*
 * Every number of the test's namespace, through its fd (an ancestor of
 * @caller's namespace @cns): QUERY_PID and GET_PIDFD find exactly the
 * tasks @caller sees, and say ESRCH for all others as for free numbers.
 */
static void scan_numbers(struct __test_metadata *_metadata,
			 struct _test_data_pidctl *self, struct task *caller,
			 int cns)
{
	int limit = scan_limit(), root = self->ns[NS_ROOT], i, k, n;
	int found = 0, refused = 0, want_found = 0;
	struct req *q = calloc(MAX_BATCH, sizeof(*q));
	struct res *r = calloc(MAX_BATCH, sizeof(*r));
	bool leader = false;
	pid_t first, want;

	ASSERT_TRUE(q && r);
	ASSERT_GT(limit, 1);
	for (first = 1; first < limit; first += MAX_BATCH / 2) {
		n = first + MAX_BATCH / 2 > limit ? limit - first : MAX_BATCH / 2;
		for (i = 0; i < n; i++) {
			q[2 * i] = (struct req){
				.op = OP_PIDCTL, .cmd = PIDCMD_QUERY_PID,
				.pid = first + i, .source = root, .target = -1,
			};
			q[2 * i + 1] = q[2 * i];
			q[2 * i + 1].cmd = PIDCMD_GET_PIDFD;
		}
		agent_batch(_metadata, caller, q, r, 2 * n);
		for (i = 0; i < n; i++) {
			k = first + i;
			want = number_in(self, k, cns, &leader);
			want_found += !!want;
			found += r[2 * i].ret > 0;
			refused += r[2 * i].ret == -ESRCH;
			EXPECT_EQ(want ?: -ESRCH, r[2 * i].ret)
				TH_LOG("QUERY_PID of %d from %s", k, ns_name[cns]);
			if (!want) {
				EXPECT_EQ(-ESRCH, r[2 * i + 1].ret)
					TH_LOG("GET_PIDFD of %d", k);
				continue;
			}
			EXPECT_EQ(leader ? 0 : -EINVAL, r[2 * i + 1].ret)
				TH_LOG("GET_PIDFD of %d", k);
			if (leader && !r[2 * i + 1].ret)
				check_pidfd(_metadata, &r[2 * i + 1], k, 0);
		}
	}
	TH_LOG("scan of 1..%d from %s: %d visible, %d ESRCH", limit - 1,
	       ns_name[cns], found, refused);
	EXPECT_EQ(want_found, found);
	/* Its namespace's init and the inits below it at least, */
	EXPECT_GE(found, 3);
	/* and the test itself and the sibling namespace's init are refused. */
	EXPECT_GE(refused, 2);
	free(q);
	free(r);
}

/* A number nobody has in our namespace, below pid_max. */
static pid_t free_number(void)
{
	char path[64];
	pid_t nr;

	for (nr = scan_limit() - 1; nr > 1; nr--) {
		snprintf(path, sizeof(path), "/proc/%d", nr);
		if (access(path, F_OK) && errno == ENOENT)
			return nr;
	}
	return -1;
}

/*
 * The visibility rule, for @caller in namespace @cns, which has the test's
 * namespace as ancestor, @d1 and @d2 (with inits @t1, @t2) as descendants
 * on different branches, and @off (with init @toff) off its line.
 */
static void check_visibility(struct __test_metadata *_metadata,
			     struct _test_data_pidctl *self,
			     struct task *caller, int cns, int t1, int t2,
			     int toff)
{
	int root = self->ns[NS_ROOT], d1 = self->ns[task_ns[t1]];
	int d2 = self->ns[task_ns[t2]], off = self->ns[task_ns[toff]];
	pid_t me = caller->ids[self->base], vme = caller->vpid;
	pid_t p1 = self->t[t1].pid, v1 = pid_in(self, t1, cns);
	pid_t poff = self->t[toff].pid, nobody = free_number();

	ASSERT_GT(nobody, 1);
	ASSERT_GT(v1, 0);
	/* Its own tasks, into and out of the ancestor's numbering, */
	EXPECT_EQ(me, QPID(caller, vme, -1, root));
	EXPECT_EQ(vme, QPID(caller, me, root, -1));
	EXPECT_EQ(me, QPID(caller, me, root, root));
	EXPECT_EQ(p1, QPID(caller, 1, d1, root));
	EXPECT_EQ(1, QPID(caller, p1, root, d1));
	EXPECT_EQ(v1, QPID(caller, p1, root, -1));
	EXPECT_EQ(-ENOENT, QPID(caller, p1, root, d2));
	/* pidfds for them, named through the ancestor's fd, */
	expect_pidfd(_metadata, caller, p1, root, -1, 0, p1);
	expect_pidfd(_metadata, caller, p1, root, root, PIDFD_NONBLOCK, p1);
	expect_pidfd(_metadata, caller, me, root, -1, 0, caller->pid);
	/* but a task it cannot see is refused like a number nobody has, */
	EXPECT_EQ(-ESRCH, QPID(caller, nobody, root, root));
	EXPECT_EQ(-ESRCH, GETFD(caller, nobody, root, root, 0));
	EXPECT_EQ(-ESRCH, QPID(caller, getpid(), root, root));
	EXPECT_EQ(-ESRCH, QPID(caller, getpid(), root, -1));
	EXPECT_EQ(-ESRCH, GETFD(caller, getpid(), root, root, 0));
	EXPECT_EQ(-ESRCH, QPID(caller, poff, root, root));
	EXPECT_EQ(-ESRCH, QPID(caller, 1, off, root));
	EXPECT_EQ(-ESRCH, QPID(caller, 1, off, off));
	EXPECT_EQ(-ESRCH, GETFD(caller, poff, root, root, 0));
	EXPECT_EQ(-ESRCH, GETFD(caller, 1, off, -1, PIDFD_THREAD));

	/* Relations with ancestors and descendants, */
	EXPECT_EQ(PIDNS_TARGET_IS_ANCESTOR, QNS(caller, -1, root));
	EXPECT_EQ(PIDNS_SOURCE_IS_ANCESTOR, QNS(caller, root, -1));
	EXPECT_EQ(PIDNS_SOURCE_IS_ANCESTOR, QNS(caller, -1, d1));
	EXPECT_EQ(PIDNS_SOURCE_IS_ANCESTOR, QNS(caller, root, d2));
	EXPECT_EQ(PIDNS_TARGET_IS_ANCESTOR, QNS(caller, d2, root));
	EXPECT_EQ(PIDNS_EQUAL, QNS(caller, root, root));
	EXPECT_EQ(PIDNS_EQUAL, QNS(caller, d1, d1));
	/* unrelated only for two descendants on different branches, */
	EXPECT_EQ(PIDNS_UNRELATED, QNS(caller, d1, d2));
	EXPECT_EQ(PIDNS_UNRELATED, QNS(caller, d2, d1));
	/* and none with a namespace off its line, even with itself. */
	EXPECT_EQ(-EPERM, QNS(caller, off, -1));
	EXPECT_EQ(-EPERM, QNS(caller, -1, off));
	EXPECT_EQ(-EPERM, QNS(caller, off, off));
	EXPECT_EQ(-EPERM, QNS(caller, root, off));
	EXPECT_EQ(-EPERM, QNS(caller, off, d1));
}

/*
 * A privileged caller (root, all capabilities) in child namespace a gets
 * no more than its own namespace shows: no bypass.
 */
/* A scan of every number: on a KASAN kernel, tens of seconds. */
TEST_F_TIMEOUT(pidctl, visibility_from_child_ns, 300)
{
	struct task c;

	task_init(&c);
	spawn(_metadata, &c, self->ns[NS_A], AGENT_ROOT);
	check_visibility(_metadata, self, &c, NS_A, T_IA1, T_IA2, T_IB);
	scan_numbers(_metadata, self, &c, NS_A);
	stop(&c);
}

/* Can an unprivileged user make a user namespace here? 0 or -errno. */
static int probe_userns(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(become_nobody() || unshare(CLONE_NEWUSER) ? errno : 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

/*
 * Caller "u": nobody outside, made root of a user namespace of its own
 * and pid 1 of a pid namespace below the test's, with two child
 * namespaces of its own; it holds fds of all of them.
 */
static void add_userns_tree(struct __test_metadata *_metadata,
			    struct _test_data_pidctl *self)
{
	struct task *u = &self->t[T_U];
	int err = probe_userns();

	if (err)
		SKIP(return, "user namespaces are not allowed here: %s",
		     strerror(-err));
	spawn(_metadata, u, -1, AGENT_USERNS);
	ASSERT_EQ(1, u->vpid);
	expect_uid(_metadata, u, NOBODY, false);
	self->ns[NS_U] = place_fd(open_ns(u->pid, "pid"), NSFD_BASE + NS_U);
	ASSERT_EQ(NSFD_BASE + NS_U, self->ns[NS_U]);
	ASSERT_EQ(0, agent_op(_metadata, u, OP_ADOPT_NS, self->ns[NS_U]));
	self->userns = open_ns(u->pid, "user");
	ASSERT_GE(self->userns, 0);
	add_init(_metadata, self, T_IU1);
	add_init(_metadata, self, T_IU2);
	give_fd(_metadata, u, self->ns[NS_U1], self->ns[NS_U1]);
	give_fd(_metadata, u, self->ns[NS_U2], self->ns[NS_U2]);
}

/* A scan of every number: on a KASAN kernel, tens of seconds. */
TEST_F_TIMEOUT(pidctl, visibility_userns, 300)
{
	struct task *u = &self->t[T_U];

	add_userns_tree(_metadata, self);
	if (_metadata->exit_code == KSFT_SKIP)
		return;
	check_visibility(_metadata, self, u, NS_U, T_IU1, T_IU2, T_IA);
	scan_numbers(_metadata, self, u, NS_U);
}

/* As root of its own user ns it gets what a privileged caller there gets. */
TEST_F(pidctl, matrix_userns)
{
	struct task *u = &self->t[T_U], ref;

	add_userns_tree(_metadata, self);
	if (_metadata->exit_code == KSFT_SKIP)
		return;
	task_init(&ref);
	spawn(_metadata, &ref, self->ns[NS_U], AGENT_ROOT);
	run_matrix(_metadata, self, u, NS_U, NULL);
	run_matrix(_metadata, self, u, NS_U, &ref);
	stop(&ref);
}

/* QUERY_PID of the pidfd at number @fd in agent @caller, into @target. */
#define QPIDFD(c, fd, t) \
	(call(_metadata, c, PIDCMD_QUERY_PID, fd, -1, t, PIDCTL_PIDFD).ret)

/*
 * Fork a child that enters pid namespace @nsfd for its children and forks
 * one, which inherits @pidfd from outside that namespace and queries it
 * into @target. Return what the grandchild got.
 */
static long query_in_grandchild(struct __test_metadata *_metadata, int pidfd,
				int nsfd, int target)
{
	long ret = -ECHILD;
	int p[2], status;
	pid_t child, grandchild;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		/* setns() moves only the children we make from now on. */
		if (setns(nsfd, CLONE_NEWPID))
			_exit(1);
		grandchild = fork();
		if (grandchild == 0) {
			ret = query_pidfd(pidfd, target);
			_exit(write(p[1], &ret, sizeof(ret)) != sizeof(ret));
		}
		_exit(grandchild < 0 || waitpid(grandchild, &status, 0) !=
		      grandchild || status);
	}
	close(p[1]);
	ASSERT_EQ(sizeof(ret), read(p[0], &ret, sizeof(ret)));
	close(p[0]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, status);
	return ret;
}

/* PIDCTL_PIDFD across pid namespaces: ENOENT, and EREMOTE from outside. */
TEST_F(pidctl, pidfd_query_namespaces)
{
	struct task *ia1 = &self->t[T_IA1], *ga = &self->t[T_GA];
	int a = self->ns[NS_A], a1 = self->ns[NS_A1], b = self->ns[NS_B];
	int root = self->ns[NS_ROOT], me, fd = NSFD_BASE + NR_NS;

	me = sys_pidfd_open(getpid(), 0);
	ASSERT_GE(me, 0);
	/* From the root namespace, into every namespace it has a number in */
	EXPECT_EQ(ia1->pid, query_pidfd(ia1->pidfd, -1));
	EXPECT_EQ(ia1->pid, query_pidfd(ia1->pidfd, root));
	EXPECT_EQ(pid_in(self, T_IA1, NS_A), query_pidfd(ia1->pidfd, a));
	EXPECT_EQ(1, query_pidfd(ia1->pidfd, a1));
	/* and ENOENT where it has none. */
	EXPECT_EQ(-ENOENT, query_pidfd(ia1->pidfd, b));
	EXPECT_EQ(-ENOENT, query_pidfd(me, a));

	/* A caller in a, handed a pidfd of a task it sees, */
	give_fd(_metadata, ga, ia1->pidfd, fd);
	EXPECT_EQ(pid_in(self, T_IA1, NS_A), QPIDFD(ga, fd, -1));
	EXPECT_EQ(1, QPIDFD(ga, fd, a1));
	EXPECT_EQ(ia1->pid, QPIDFD(ga, fd, root));
	EXPECT_EQ(-ENOENT, QPIDFD(ga, fd, self->ns[NS_A2]));
	/* or of one it does not see: EREMOTE, whatever the target. */
	give_fd(_metadata, ga, me, fd);
	EXPECT_EQ(-EREMOTE, QPIDFD(ga, fd, -1));
	EXPECT_EQ(-EREMOTE, QPIDFD(ga, fd, root));
	EXPECT_EQ(-EREMOTE, QPIDFD(ga, fd, b));
	give_fd(_metadata, ga, self->t[T_IB].pidfd, fd);
	EXPECT_EQ(-EREMOTE, QPIDFD(ga, fd, b));
	EXPECT_EQ(-EREMOTE, QPIDFD(ga, fd, -1));

	/* Inherited across fork() from before it entered the namespace */
	EXPECT_EQ(-EREMOTE, query_in_grandchild(_metadata, me, a, -1));
	EXPECT_EQ(-EREMOTE, query_in_grandchild(_metadata, me, a, root));
	EXPECT_EQ(1, query_in_grandchild(_metadata, ia1->pidfd, a1, -1));
	EXPECT_EQ(ia1->pid,
		  query_in_grandchild(_metadata, ia1->pidfd, a1, root));
	close(me);
}

/*
 * Namespace fds got with NS_GET_PARENT and PIDFD_GET_PID_NAMESPACE work as
 * source and target like /proc/PID/ns/pid.
 */
TEST_F(pidctl, ns_fds_from_ioctls)
{
	struct task *ia1 = &self->t[T_IA1], *ga = &self->t[T_GA];
	int a1, a, parent, pidns;

	a1 = self->ns[NS_A1];
	parent = ioctl(a1, NS_GET_PARENT);
	ASSERT_GE(parent, 0);
	EXPECT_TRUE(same_file(parent, self->ns[NS_A]));
	pidns = ioctl(ia1->pidfd, PIDFD_GET_PID_NAMESPACE, 0);
	ASSERT_GE(pidns, 0);
	EXPECT_TRUE(same_file(pidns, a1));

	EXPECT_EQ(PIDNS_SOURCE_IS_ANCESTOR, QNS(NULL, parent, pidns));
	EXPECT_EQ(PIDNS_TARGET_IS_ANCESTOR, QNS(NULL, pidns, parent));
	EXPECT_EQ(pid_in(self, T_IA1, NS_A), QPID(NULL, 1, pidns, parent));
	EXPECT_EQ(1, QPID(NULL, pid_in(self, T_IA1, NS_A), parent, pidns));
	EXPECT_EQ(ga->vpid, QPID(NULL, ga->pid, -1, parent));
	EXPECT_EQ(-ENOENT, QPID(NULL, ga->vpid, parent, pidns));
	expect_pidfd(_metadata, NULL, 1, pidns, parent, 0, ia1->pid);
	expect_pidfd(_metadata, NULL, ga->vpid, parent, -1, 0, ga->pid);
	EXPECT_EQ(1, query_pidfd(ia1->pidfd, pidns));
	EXPECT_EQ(pid_in(self, T_IA1, NS_A), query_pidfd(ia1->pidfd, parent));

	/* From a caller in a: its own namespace's parent, by NS_GET_PARENT */
	a = self->ns[NS_A];
	close(parent);
	parent = ioctl(a, NS_GET_PARENT);
	ASSERT_GE(parent, 0);
	EXPECT_TRUE(same_file(parent, self->ns[NS_ROOT]));
	give_fd(_metadata, ga, parent, NSFD_BASE + NR_NS);
	give_fd(_metadata, ga, pidns, NSFD_BASE + NR_NS + 1);
	EXPECT_EQ(PIDNS_TARGET_IS_ANCESTOR, QNS(ga, -1, NSFD_BASE + NR_NS));
	EXPECT_EQ(PIDNS_SOURCE_IS_ANCESTOR,
		  QNS(ga, NSFD_BASE + NR_NS, NSFD_BASE + NR_NS + 1));
	EXPECT_EQ(ga->pid, QPID(ga, ga->vpid, -1, NSFD_BASE + NR_NS));
	EXPECT_EQ(1, QPID(ga, ia1->pid, NSFD_BASE + NR_NS,
			  NSFD_BASE + NR_NS + 1));
	expect_pidfd(_metadata, ga, 1, NSFD_BASE + NR_NS + 1,
		     NSFD_BASE + NR_NS, 0, ia1->pid);
	close(pidns);
	close(parent);
}

TEST_F(pidctl, zombie_and_reaped)
{
	int a = self->ns[NS_A], fd;
	siginfo_t si;
	struct task z;

	task_init(&z);
	spawn(_metadata, &z, a, AGENT_ROOT);
	let_exit(&z);
	/* Wait until it is a zombie, but leave it so. */
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, z.pidfd, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(z.pid, si.si_pid);

	/* A zombie still has its numbers, and pidfd_open() accepts it. */
	EXPECT_EQ(z.pid, QPID(NULL, z.vpid, a, -1));
	EXPECT_EQ(z.vpid, QPID(NULL, z.pid, -1, a));
	expect_pidfd(_metadata, NULL, z.vpid, a, -1, 0, z.pid);
	fd = sys_pidctl(PIDCMD_GET_PIDFD, z.vpid, a, -1, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(POLLIN, poll_fd(fd, 0) & POLLIN);

	/* Reap it through the pidfd pidctl() gave. */
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, fd, &si, WEXITED));
	EXPECT_EQ(z.pid, si.si_pid);
	EXPECT_EQ(CLD_EXITED, si.si_code);
	EXPECT_EQ(AGENT_EXIT, si.si_status);
	z.reap = 0;
	close(fd);

	/* Reaped: it is gone from every namespace. */
	EXPECT_EQ(-ESRCH, QPID(NULL, z.vpid, a, -1));
	EXPECT_EQ(-ESRCH, QPID(NULL, z.pid, -1, a));
	EXPECT_EQ(-ESRCH, QPID(NULL, z.pid, self->ns[NS_ROOT], -1));
	EXPECT_EQ(-ESRCH, GETFD(NULL, z.vpid, a, -1, 0));
	EXPECT_EQ(-ESRCH, GETFD(NULL, z.pid, -1, -1, 0));
	EXPECT_EQ(-1, sys_pidfd_open(z.pid, 0));
	EXPECT_EQ(ESRCH, errno);
	stop(&z);
}

static pid_t other_thread(pid_t pid)
{
	struct dirent *e;
	char path[64];
	pid_t tid = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		long v = strtol(e->d_name, NULL, 10);

		if (v > 0 && v != pid) {
			tid = v;
			break;
		}
	}
	closedir(d);
	return tid;
}

TEST_F(pidctl, threads)
{
	int a = self->ns[NS_A], root = self->ns[NS_ROOT], tfd, pfd, n;
	pid_t ids[MAX_LEVELS + 1], vtid, tid;
	struct task w;

	task_init(&w);
	spawn(_metadata, &w, a, AGENT_ROOT);
	vtid = agent_op(_metadata, &w, OP_THREAD_START, 0);
	ASSERT_GT(vtid, 0);
	tid = other_thread(w.pid);
	ASSERT_GT(tid, 0);
	n = read_nspid(tid, ids, MAX_LEVELS + 1);
	ASSERT_EQ(self->base + 2, n);
	ASSERT_EQ(vtid, ids[n - 1]);
	ASSERT_EQ(tid, ids[self->base]);
	ASSERT_NE(w.vpid, vtid);

	/* Thread ids translate as thread ids. */
	EXPECT_EQ(tid, QPID(NULL, vtid, a, -1));
	EXPECT_EQ(tid, QPID(NULL, vtid, a, root));
	EXPECT_EQ(vtid, QPID(NULL, tid, -1, a));
	EXPECT_EQ(vtid, QPID(&w, vtid, -1, -1));
	EXPECT_EQ(tid, QPID(&w, vtid, -1, root));
	EXPECT_EQ(vtid, QPID(&w, tid, root, -1));
	EXPECT_EQ(-ENOENT, QPID(NULL, tid, -1, self->ns[NS_B]));
	EXPECT_EQ(-ENOENT, QPID(NULL, vtid, a, self->ns[NS_A1]));

	/* Like pidfd_open(), a thread needs PIDFD_THREAD. */
	EXPECT_EQ(-EINVAL, GETFD(NULL, vtid, a, -1, 0));
	EXPECT_EQ(-EINVAL, GETFD(NULL, tid, -1, -1, PIDFD_NONBLOCK));
	EXPECT_EQ(-EINVAL, GETFD(&w, vtid, -1, -1, 0));
	expect_pidfd(_metadata, NULL, vtid, a, -1, PIDFD_THREAD, tid);
	expect_pidfd(_metadata, NULL, tid, -1, a,
		     PIDFD_THREAD | PIDFD_NONBLOCK, tid);
	expect_pidfd(_metadata, &w, vtid, -1, -1, PIDFD_THREAD, tid);
	expect_pidfd(_metadata, NULL, w.vpid, a, -1, PIDFD_THREAD, w.pid);

	/* The thread's pidfd reports the thread's exit, not the process'. */
	tfd = sys_pidctl(PIDCMD_GET_PIDFD, vtid, a, -1, PIDFD_THREAD);
	ASSERT_GE(tfd, 0);
	pfd = sys_pidctl(PIDCMD_GET_PIDFD, w.vpid, a, -1, 0);
	ASSERT_GE(pfd, 0);
	EXPECT_EQ(0, poll_fd(tfd, 0));
	EXPECT_EQ(0, poll_fd(pfd, 0));
	ASSERT_EQ(0, agent_op(_metadata, &w, OP_THREAD_STOP, 0));
	EXPECT_EQ(POLLIN, poll_fd(tfd, WAIT_MS) & POLLIN);
	EXPECT_EQ(0, poll_fd(pfd, 0));
	close(tfd);
	close(pfd);
	stop(&w);
}

static void compare_fdinfo(struct __test_metadata *_metadata, int fd1,
			   int fd2, const char *key, char *val, size_t size)
{
	char path[64], other[256];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd1);
	ASSERT_EQ(0, read_field(path, key, val, size));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd2);
	ASSERT_EQ(0, read_field(path, key, other, sizeof(other)));
	EXPECT_STREQ(other, val);
}

TEST_F(pidctl, pidfd_like_pidfd_open)
{
	struct task *t = &self->t[T_IA1];
	char l1[256], l2[256], want[256];
	struct statfs sf1, sf2;
	struct stat st1, st2;
	int fd, ref;
	ssize_t len;

	fd = sys_pidctl(PIDCMD_GET_PIDFD, 1, self->ns[NS_A1], -1, 0);
	ASSERT_GE(fd, 0);
	ref = sys_pidfd_open(t->pid, 0);
	ASSERT_GE(ref, 0);

	ASSERT_EQ(0, fstat(fd, &st1));
	ASSERT_EQ(0, fstat(ref, &st2));
	EXPECT_EQ(st2.st_dev, st1.st_dev);
	EXPECT_EQ(st2.st_ino, st1.st_ino);
	EXPECT_EQ(st2.st_mode, st1.st_mode);
	ASSERT_EQ(0, fstatfs(fd, &sf1));
	ASSERT_EQ(0, fstatfs(ref, &sf2));
	EXPECT_EQ(sf2.f_type, sf1.f_type);
	EXPECT_EQ(fcntl(ref, F_GETFL), fcntl(fd, F_GETFL));
	EXPECT_EQ(fcntl(ref, F_GETFD), fcntl(fd, F_GETFD));

	snprintf(l1, sizeof(l1), "/proc/self/fd/%d", fd);
	snprintf(l2, sizeof(l2), "/proc/self/fd/%d", ref);
	len = readlink(l1, want, sizeof(want) - 1);
	ASSERT_LT(0, len);
	want[len] = '\0';
	len = readlink(l2, l1, sizeof(l1) - 1);
	ASSERT_LT(0, len);
	l1[len] = '\0';
	EXPECT_STREQ(l1, want);

	/* fdinfo shows the same pid, in every namespace down to its own. */
	compare_fdinfo(_metadata, fd, ref, "Pid:", l1, sizeof(l1));
	snprintf(want, sizeof(want), "%d", t->pid);
	EXPECT_STREQ(want, l1);
	compare_fdinfo(_metadata, fd, ref, "NSpid:", l1, sizeof(l1));
	snprintf(want, sizeof(want), "%d\t%d\t1", t->ids[self->base],
		 t->ids[self->base + 1]);
	EXPECT_STREQ(want, l1);
	compare_fdinfo(_metadata, fd, ref, "flags:", l1, sizeof(l1));
	close(fd);
	close(ref);
}

TEST_F(pidctl, cloexec_in_child_ns)
{
	unsigned int f;
	int fd;

	for (f = 0; f <= ALL_FLAGS; f++) {
		if (f & ~ALL_FLAGS)
			continue;
		fd = sys_pidctl(PIDCMD_GET_PIDFD, 1, self->ns[NS_A], -1, f);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD))
			TH_LOG("flags %#x", f);
		close(fd);
		EXPECT_EQ(-EINVAL, GETFD(NULL, 1, self->ns[NS_A], -1,
					 f | O_CLOEXEC));
	}
}

TEST_F(pidctl, nonblock)
{
	struct task *ga = &self->t[T_GA];
	int a = self->ns[NS_A], fd, bfd;
	siginfo_t si;

	fd = sys_pidctl(PIDCMD_GET_PIDFD, ga->vpid, a, -1, PIDFD_NONBLOCK);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	/* waitid() on a running child through it does not block. */
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(-1, sys_waitid(P_PIDFD, fd, &si, WEXITED));
	EXPECT_EQ(EAGAIN, errno);

	bfd = sys_pidctl(PIDCMD_GET_PIDFD, ga->vpid, a, -1, 0);
	ASSERT_GE(bfd, 0);
	EXPECT_EQ(0, fcntl(bfd, F_GETFL) & O_NONBLOCK);
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(0, sys_waitid(P_PIDFD, bfd, &si, WEXITED | WNOHANG));
	EXPECT_EQ(0, si.si_pid);
	close(bfd);
	close(fd);
}

static void reap_killed(struct __test_metadata *_metadata, struct task *t)
{
	int status;

	ASSERT_EQ(t->reap, waitpid(t->reap, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	t->reap = 0;
}

TEST_F(pidctl, send_signal)
{
	struct task *ia = &self->t[T_IA], *ib1 = &self->t[T_IB1];
	siginfo_t si;
	int fd, fd2;

	/* Pid 1 of a child namespace, named as pid 1 there. */
	fd = sys_pidctl(PIDCMD_GET_PIDFD, 1, self->ns[NS_A], -1, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, sys_pidfd_send_signal(fd, SIGUSR1, NULL, 0));
	EXPECT_EQ(SIGUSR1, agent_op(_metadata, ia, OP_SIGWAIT, 0));

	fd2 = sys_pidctl(PIDCMD_GET_PIDFD, pid_in(self, T_IB1, NS_B),
			 self->ns[NS_B], self->ns[NS_B1], 0);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, sys_pidfd_send_signal(fd2, SIGUSR1, NULL, 0));
	EXPECT_EQ(SIGUSR1, agent_op(_metadata, ib1, OP_SIGWAIT, 0));
	close(fd2);

	/*
	 * Killing it kills its namespace; it is done exiting once its other
	 * tasks, our children too, have been reaped.
	 */
	ASSERT_EQ(0, sys_pidfd_send_signal(fd, SIGKILL, NULL, 0));
	reap_killed(_metadata, &self->t[T_GA]);
	reap_killed(_metadata, &self->t[T_IA1]);
	reap_killed(_metadata, &self->t[T_IA2]);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, fd, &si, WEXITED));
	EXPECT_EQ(ia->pid, si.si_pid);
	EXPECT_EQ(CLD_KILLED, si.si_code);
	EXPECT_EQ(SIGKILL, si.si_status);
	ia->reap = 0;
	close(fd);
}

TEST_F(pidctl, waitid)
{
	struct task *ga = &self->t[T_GA];
	siginfo_t si;
	int fd;

	fd = sys_pidctl(PIDCMD_GET_PIDFD, ga->vpid, self->ns[NS_A], -1, 0);
	ASSERT_GE(fd, 0);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG));
	EXPECT_EQ(0, si.si_pid);

	let_exit(ga);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, fd, &si, WEXITED));
	EXPECT_EQ(ga->pid, si.si_pid);
	EXPECT_EQ(CLD_EXITED, si.si_code);
	EXPECT_EQ(AGENT_EXIT, si.si_status);
	ga->reap = 0;
	close(fd);
}

TEST_F(pidctl, poll_exit)
{
	struct task *ib1 = &self->t[T_IB1];
	siginfo_t si;
	int fd;

	fd = sys_pidctl(PIDCMD_GET_PIDFD, 1, self->ns[NS_B1],
			self->ns[NS_B1], 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, poll_fd(fd, 0));
	let_exit(ib1);
	EXPECT_EQ(POLLIN, poll_fd(fd, WAIT_MS) & POLLIN);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, sys_waitid(P_PIDFD, fd, &si, WEXITED));
	EXPECT_EQ(ib1->pid, si.si_pid);
	ib1->reap = 0;
	close(fd);
}

TEST_F(pidctl, getfd)
{
	struct task *ia1 = &self->t[T_IA1];
	struct stat st;
	int fd, got;

	fd = sys_pidctl(PIDCMD_GET_PIDFD, 1, self->ns[NS_A1], -1, 0);
	ASSERT_GE(fd, 0);
	got = sys_pidfd_getfd(fd, ia1->peer, 0);
	ASSERT_GE(got, 0);
	ASSERT_EQ(0, fstat(got, &st));
	EXPECT_EQ(ia1->peer_ino, st.st_ino);
	close(got);
	close(fd);
}

TEST_F(pidctl, ns_ioctls)
{
	struct task *ia1 = &self->t[T_IA1];
	int a1 = self->ns[NS_A1], fd, ns, cns, net, proc_net;

	fd = sys_pidctl(PIDCMD_GET_PIDFD, 1, a1, -1, 0);
	ASSERT_GE(fd, 0);

	ns = ioctl(fd, PIDFD_GET_PID_NAMESPACE, 0);
	ASSERT_GE(ns, 0);
	EXPECT_TRUE(same_file(ns, a1));
	EXPECT_EQ(PIDNS_EQUAL, QNS(NULL, ns, a1));
	EXPECT_EQ(PIDNS_TARGET_IS_ANCESTOR, QNS(NULL, ns, self->ns[NS_A]));
	EXPECT_EQ(PIDNS_UNRELATED, QNS(NULL, ns, self->ns[NS_B1]));
	EXPECT_EQ(ia1->pid, QPID(NULL, 1, ns, -1));
	expect_pidfd(_metadata, NULL, 1, ns, -1, 0, ia1->pid);

	cns = ioctl(fd, PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 0);
	ASSERT_GE(cns, 0);
	EXPECT_EQ(PIDNS_EQUAL, QNS(NULL, cns, a1));

	net = ioctl(fd, PIDFD_GET_NET_NAMESPACE, 0);
	ASSERT_GE(net, 0);
	proc_net = open_ns(ia1->pid, "net");
	ASSERT_GE(proc_net, 0);
	EXPECT_TRUE(same_file(net, proc_net));
	EXPECT_EQ(-EINVAL, QNS(NULL, net, -1));
	EXPECT_EQ(-EINVAL, QPID(NULL, 1, a1, net));

	close(proc_net);
	close(net);
	close(cns);
	close(ns);
	close(fd);
}

TEST_F(pidctl, pid_for_children)
{
	int root = self->ns[NS_ROOT], fd, n;
	struct task c;

	task_init(&c);
	/* Without unshare(), a task's pid_for_children is its own ns. */
	fd = open_ns(self->t[T_IA].pid, "pid_for_children");
	ASSERT_GE(fd, 0);
	EXPECT_EQ(PIDNS_EQUAL, QNS(NULL, fd, self->ns[NS_A]));
	close(fd);

	/*
	 * After unshare() our next child is pid 1 of a new namespace, which
	 * then is our pid_for_children (nsfs offers it only once it has an
	 * init), while -1 still is our active namespace.
	 */
	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	spawn(_metadata, &c, -1, AGENT_ROOT);
	ASSERT_EQ(1, c.vpid);
	n = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(n, 0);
	fd = open_ns(c.pid, "pid");
	ASSERT_GE(fd, 0);
	EXPECT_TRUE(same_file(fd, n));
	close(fd);
	EXPECT_EQ(PIDNS_EQUAL, QNS(NULL, -1, root));
	EXPECT_EQ(PIDNS_SOURCE_IS_ANCESTOR, QNS(NULL, -1, n));
	EXPECT_EQ(PIDNS_TARGET_IS_ANCESTOR, QNS(NULL, n, root));
	EXPECT_EQ(PIDNS_UNRELATED, QNS(NULL, n, self->ns[NS_A]));
	EXPECT_EQ(getpid(), QPID(NULL, getpid(), -1, -1));
	EXPECT_EQ(-ENOENT, QPID(NULL, getpid(), -1, n));
	EXPECT_EQ(-ESRCH, QPID(NULL, 2, n, -1));
	EXPECT_EQ(-ESRCH, GETFD(NULL, 2, n, -1, 0));
	EXPECT_EQ(c.pid, QPID(NULL, 1, n, -1));
	EXPECT_EQ(1, QPID(NULL, c.pid, -1, n));
	expect_pidfd(_metadata, NULL, 1, n, -1, 0, c.pid);
	EXPECT_EQ(PIDNS_TARGET_IS_ANCESTOR, QNS(&c, -1, root));
	EXPECT_EQ(c.pid, QPID(&c, 1, -1, root));
	stop(&c);
	close(n);
}

TEST_F(pidctl, relation_after_init_exit)
{
	pid_t ids[NR_TASKS];
	int i, ns;

	/* Keep the fds but end every task in the child namespaces. */
	end_all(self->t, NR_TASKS);
	for (i = T_IA; i < NR_TASKS; i++) {
		ids[i] = self->t[i].pid;
		self->t[i].pid = 0;
	}
	for (ns = NS_A; ns < NR_NS; ns++) {
		if (self->ns[ns] < 0)
			continue;
		EXPECT_EQ(-ESRCH, QPID(NULL, 1, self->ns[ns], -1));
		EXPECT_EQ(-ESRCH, GETFD(NULL, 1, self->ns[ns], -1, 0));
	}
	for (i = T_IA; i < NR_TASKS; i++) {
		if (!ids[i])
			continue;
		EXPECT_EQ(-ESRCH, QPID(NULL, ids[i], -1, -1));
		EXPECT_EQ(-ESRCH, QPID(NULL, ids[i], -1, self->ns[task_ns[i]]));
	}
	/* Relations hold, and the test's own pid still translates. */
	run_matrix(_metadata, self, NULL, NS_ROOT, NULL);
}

/*
 * A chain of pid namespaces, each the child of the one before, down to
 * the deepest one the kernel allows, with a pid 1 in each.
 */
/* FIXTURE_DATA(nested), i.e. struct _test_data_nested */
FIXTURE(nested) {
	int base;				/* level of our ns */
	int depth;				/* levels below ours */
	int ns[MAX_LEVELS + 2];			/* ns[0]: our own */
	struct task init[MAX_LEVELS + 2];	/* init[0]: the test */
};

static int level_fd(struct _test_data_nested *self, int level)
{
	return level < 0 ? -1 : self->ns[level];
}

/* Pid of the init of level @k in the namespace of level @i <= @k. */
static pid_t nid(struct _test_data_nested *self, int k, int i)
{
	return self->init[k].ids[self->base + i];
}

static long level_relation(int i, int j)
{
	if (i == j)
		return PIDNS_EQUAL;
	return i < j ? PIDNS_SOURCE_IS_ANCESTOR : PIDNS_TARGET_IS_ANCESTOR;
}

FIXTURE_SETUP(nested)
{
	long ret;
	int i;

	for (i = 0; i < ARRAY_SIZE(self->init); i++) {
		task_init(&self->init[i]);
		self->ns[i] = -1;
	}
	if (pidns_missing())
		SKIP(return, "%s", pidns_missing());
	ASSERT_EQ(PIDNS_EQUAL, try_pidctl(PIDCMD_QUERY_PIDNS, 0, -1, -1, 0)) {
		TH_LOG("pidctl() (syscall %d) does not work", __NR_pidctl);
	}
	self->base = own_level();
	ASSERT_GE(self->base, 0);
	self->init[0].pid = getpid();
	self->init[0].nids = read_nspid(getpid(), self->init[0].ids,
					MAX_LEVELS + 1);
	self->ns[0] = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(self->ns[0], 0);

	for (i = 1; ; i++) {
		ret = spawn_init(_metadata, &self->init[i], self->ns[i - 1],
				 -1);
		if (ret == -ENOSPC)
			break;
		ASSERT_EQ(0, ret);
		ASSERT_LE(i, MAX_LEVELS) {
			TH_LOG("pid namespaces nest deeper than %d", MAX_LEVELS);
		}
		self->ns[i] = open_ns(self->init[i].pid, "pid");
		ASSERT_GE(self->ns[i], 0);
		ASSERT_EQ(self->base + i + 1, self->init[i].nids);
	}
	self->depth = i - 1;
	/* The chain ends at the kernel's limit, not before. */
	ASSERT_EQ(MAX_LEVELS, self->base + self->depth);
}

FIXTURE_TEARDOWN(nested)
{
	int i;

	end_all(self->init, ARRAY_SIZE(self->init));
	for (i = 0; i <= self->depth; i++)
		close(self->ns[i]);
}

static void check_levels(struct __test_metadata *_metadata,
			 struct _test_data_nested *self)
{
	int i, j, li, lj;

	for (i = -1; i <= self->depth; i++) {
		for (j = -1; j <= self->depth; j++) {
			li = i < 0 ? 0 : i;
			lj = j < 0 ? 0 : j;
			EXPECT_EQ(level_relation(li, lj),
				  QNS(NULL, level_fd(self, i),
				      level_fd(self, j)))
				TH_LOG("levels %d and %d", i, j);
		}
	}
}

TEST_F_TIMEOUT(nested, relations, 120)
{
	check_levels(_metadata, self);
}

TEST_F_TIMEOUT(nested, translate, 120)
{
	int k, i, j, d = self->depth;
	long want;

	for (k = 0; k <= d; k++) {
		for (i = 0; i <= k; i++) {
			for (j = 0; j <= d; j++) {
				want = j <= k ? nid(self, k, j) : -ENOENT;
				EXPECT_EQ(want, QPID(NULL, nid(self, k, i),
						     self->ns[i], self->ns[j]))
					TH_LOG("task %d from %d to %d", k, i, j);
				if (i == 0)
					EXPECT_EQ(want,
						  QPID(NULL, nid(self, k, 0),
						       -1, self->ns[j]));
				if (j == 0)
					EXPECT_EQ(want,
						  QPID(NULL, nid(self, k, i),
						       self->ns[i], -1));
			}
		}
	}
}

TEST_F_TIMEOUT(nested, get_pidfd, 120)
{
	int k, j, d = self->depth;

	for (k = 1; k <= d; k++) {
		expect_pidfd(_metadata, NULL, nid(self, k, 0), -1, -1, 0,
			     self->init[k].pid);
		for (j = 0; j <= d; j++) {
			if (j > k) {
				EXPECT_EQ(-ENOENT, GETFD(NULL, 1, self->ns[k],
							 self->ns[j], 0));
				continue;
			}
			expect_pidfd(_metadata, NULL, 1, self->ns[k],
				     self->ns[j], 0, self->init[k].pid);
		}
	}
}

/* Callers at several levels, -1 being their own namespace. */
TEST_F_TIMEOUT(nested, callers, 120)
{
	int levels[] = { 1, self->depth / 2, self->depth };
	int l, m, i, d = self->depth;
	struct task c;

	for (l = 0; l < ARRAY_SIZE(levels); l++) {
		m = levels[l];
		task_init(&c);
		spawn(_metadata, &c, self->ns[m], AGENT_ROOT);
		for (i = 0; i <= d; i++) {
			EXPECT_EQ(level_relation(m, i),
				  QNS(&c, -1, self->ns[i]));
			EXPECT_EQ(level_relation(i, m),
				  QNS(&c, self->ns[i], -1));
			/* Its init, by its number at every level */
			EXPECT_EQ(i <= m ? nid(self, m, i) : -ENOENT,
				  QPID(&c, 1, -1, self->ns[i]));
			if (i <= m)
				EXPECT_EQ(1, QPID(&c, nid(self, m, i),
						  self->ns[i], -1));
			/*
			 * The init of level i, seen from level m: above m
			 * it is out of sight, refused like a free number.
			 */
			EXPECT_EQ(i >= m ? nid(self, i, m) : -ESRCH,
				  QPID(&c, 1, self->ns[i], -1))
				TH_LOG("caller at %d, init of %d", m, i);
			if (i < m || i == 0) {
				EXPECT_EQ(-ESRCH, GETFD(&c, 1, self->ns[i],
							self->ns[i], 0));
				EXPECT_EQ(-ESRCH, QPID(&c, 1, self->ns[i],
						       self->ns[i]));
				continue;
			}
			expect_pidfd(_metadata, &c, 1, self->ns[i],
				     self->ns[i], PIDFD_NONBLOCK,
				     self->init[i].pid);
			expect_pidfd(_metadata, &c, 1, self->ns[i], -1, 0,
				     self->init[i].pid);
		}
		stop(&c);
	}
}

TEST_F_TIMEOUT(nested, after_init_exit, 120)
{
	pid_t pids[MAX_LEVELS + 2];
	int k;

	for (k = self->depth; k > 0; k--) {
		pids[k] = self->init[k].pid;
		EXPECT_EQ(W_EXITCODE(AGENT_EXIT, 0), stop(&self->init[k]));
	}
	check_levels(_metadata, self);
	for (k = 1; k <= self->depth; k++) {
		EXPECT_EQ(-ESRCH, QPID(NULL, 1, self->ns[k], -1));
		EXPECT_EQ(-ESRCH, QPID(NULL, pids[k], -1, self->ns[k]));
		EXPECT_EQ(-ESRCH, GETFD(NULL, 1, self->ns[k], -1, 0));
	}
}

TEST_HARNESS_MAIN
