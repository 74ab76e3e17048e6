// SPDX-License-Identifier: GPL-2.0
/*
 * pidctl() - ask about processes and pid namespaces in one call
 *
 * Pid namespaces are named by nsfs file descriptors, or by -1 for the
 * caller's active pid namespace. Holding such a descriptor is the
 * permission to ask about that namespace, as with the NS_GET_PID_* ioctls
 * of nsfs: pidctl() only reports what the holder of both descriptors could
 * piece together from /proc of each namespace, and it only hands out pidfds
 * that pidfd_open() would hand out to the caller as well.
 */

#include <linux/build_bug.h>
#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/syscalls.h>
#include <uapi/linux/pidctl.h>
#include <uapi/linux/pidfd.h>

#define PIDCTL_GET_PIDFD_FLAGS (PIDCTL_CLOEXEC | PIDFD_NONBLOCK | PIDFD_THREAD)

/* put_pid() takes NULL; put_pid_ns() takes neither NULL nor an error. */
static void pidctl_put_pidns(struct pid_namespace *ns)
{
	if (!IS_ERR_OR_NULL(ns))
		put_pid_ns(ns);
}

DEFINE_FREE(put_pid, struct pid *, put_pid(_T))
DEFINE_FREE(pidctl_put_pidns, struct pid_namespace *, pidctl_put_pidns(_T))

/* Reject arguments a command does not take before touching any fd. */
static int pidctl_check_args(unsigned int cmd, pid_t pid, unsigned int flags)
{
	switch (cmd) {
	case PIDCMD_QUERY_PID:
		return pid > 0 && !flags ? 0 : -EINVAL;
	case PIDCMD_QUERY_PIDNS:
		return !pid && !flags ? 0 : -EINVAL;
	case PIDCMD_GET_PIDFD:
		return pid > 0 && !(flags & ~PIDCTL_GET_PIDFD_FLAGS) ? 0 :
								      -EINVAL;
	default:
		return -EINVAL;
	}
}

/*
 * Return a reference to the pid namespace @fd names: -1 is the caller's
 * active pid namespace, anything else must be an nsfs file of a pid
 * namespace. The file can be closed once we hold the namespace itself.
 */
static struct pid_namespace *pidctl_get_pidns(int fd)
{
	struct ns_common *ns;

	if (fd == -1)
		return get_pid_ns(task_active_pid_ns(current));
	if (fd < 0)
		return ERR_PTR(-EBADF);

	CLASS(fd, f)(fd);
	if (fd_empty(f))
		return ERR_PTR(-EBADF);
	if (!proc_ns_file(fd_file(f)))
		return ERR_PTR(-EINVAL);

	ns = get_proc_ns(file_inode(fd_file(f)));
	if (ns->ops->type != CLONE_NEWPID)
		return ERR_PTR(-EINVAL);

	return get_pid_ns(container_of(ns, struct pid_namespace, ns));
}

/* The struct pid of the task numbered @nr in @ns, with a reference. */
static struct pid *pidctl_get_task_pid(pid_t nr, struct pid_namespace *ns)
{
	struct pid *pid;

	guard(rcu)();
	pid = find_pid_ns(nr, ns);
	/* A number kept alive only as a process group or session id is no task. */
	if (!pid || !pid_has_task(pid, PIDTYPE_PID))
		return NULL;
	return get_pid(pid);
}

static long pidctl_query_pid(pid_t nr, struct pid_namespace *source,
			     struct pid_namespace *target)
{
	struct pid *pid __free(put_pid) = pidctl_get_task_pid(nr, source);
	pid_t target_nr;

	if (!pid)
		return -ESRCH;

	target_nr = pid_nr_ns(pid, target);
	return target_nr ? target_nr : -ENOENT;
}

/*
 * The answer depends only on the namespaces' parent chain, which the
 * references we hold keep alive; no process in either namespace needs to.
 */
static long pidctl_query_pidns(struct pid_namespace *source,
			       struct pid_namespace *target)
{
	if (source == target)
		return PIDNS_EQUAL;
	if (pidns_is_ancestor(target, source))
		return PIDNS_SOURCE_IS_ANCESTOR;
	if (pidns_is_ancestor(source, target))
		return PIDNS_TARGET_IS_ANCESTOR;
	return PIDNS_UNRELATED;
}

static long pidctl_get_pidfd(pid_t nr, struct pid_namespace *source,
			     struct pid_namespace *target, unsigned int flags)
{
	struct pid *pid __free(put_pid) = pidctl_get_task_pid(nr, source);
	struct file *file;
	int fd;

	if (!pid)
		return -ESRCH;
	if (!pid_nr_ns(pid, target))
		return -ENOENT;
	/* Never more than pidfd_open() would give the caller. */
	if (!pid_nr_ns(pid, task_active_pid_ns(current)))
		return -ENOENT;

	/* pidfds are always close-on-exec; the file takes no O_CLOEXEC. */
	fd = pidfd_prepare(pid, flags & ~PIDCTL_CLOEXEC, &file);
	if (fd < 0) {
		/* The task may have been reaped since we looked it up. */
		if (fd == -EINVAL && !pid_has_task(pid, PIDTYPE_PID))
			return -ESRCH;
		return fd;
	}

	fd_install(fd, file);
	return fd;
}

/**
 * sys_pidctl - query processes and pid namespaces
 * @cmd:    PIDCMD_QUERY_PID, PIDCMD_QUERY_PIDNS or PIDCMD_GET_PIDFD
 * @pid:    a pid as numbered in @source; 0 for PIDCMD_QUERY_PIDNS
 * @source: fd of the pid namespace @pid is numbered in, or -1
 * @target: fd of the pid namespace to answer in, or -1
 * @flags:  PIDCMD_GET_PIDFD only: PIDCTL_CLOEXEC, PIDFD_NONBLOCK,
 *          PIDFD_THREAD
 *
 * Return: for PIDCMD_QUERY_PID the number of @pid in @target, for
 * PIDCMD_QUERY_PIDNS a PIDNS_* value, for PIDCMD_GET_PIDFD a new pidfd;
 * a negative errno on failure.
 */
SYSCALL_DEFINE5(pidctl, unsigned int, cmd, pid_t, pid, int, source,
		int, target, unsigned int, flags)
{
	struct pid_namespace *source_ns __free(pidctl_put_pidns) = NULL;
	struct pid_namespace *target_ns __free(pidctl_put_pidns) = NULL;
	int err;

	BUILD_BUG_ON(PIDCTL_CLOEXEC != O_CLOEXEC);

	err = pidctl_check_args(cmd, pid, flags);
	if (err)
		return err;

	source_ns = pidctl_get_pidns(source);
	if (IS_ERR(source_ns))
		return PTR_ERR(source_ns);
	target_ns = pidctl_get_pidns(target);
	if (IS_ERR(target_ns))
		return PTR_ERR(target_ns);

	switch (cmd) {
	case PIDCMD_QUERY_PID:
		return pidctl_query_pid(pid, source_ns, target_ns);
	case PIDCMD_QUERY_PIDNS:
		return pidctl_query_pidns(source_ns, target_ns);
	case PIDCMD_GET_PIDFD:
		return pidctl_get_pidfd(pid, source_ns, target_ns, flags);
	}
	return -EINVAL;
}
