// SPDX-License-Identifier: LGPL-2.1-or-later
// What nsfs and procfs share: pidctl()'s argument and fd checks, the
// relation of two namespaces from their parent chains, and a race-free
// pidfd for a pid named in another namespace.
#include "backend_impl.hpp"

#include "proc.hpp"
#include "sys.hpp"

#include <atomic>
#include <new>

namespace pidctl::detail {

namespace {

// A process that keeps being reaped and replaced between our looks would
// make us loop; no real workload does that this often.
constexpr int max_attempts = 16;

long relation_from_chains(const ns_arg& source, const ns_position& source_pos, const ns_arg& target,
                          const ns_position& target_pos) {
    if (target_pos.descends_from(source.id(), source_pos.depth()))
        return PIDNS_SOURCE_IS_ANCESTOR;
    if (source_pos.descends_from(target.id(), target_pos.depth()))
        return PIDNS_TARGET_IS_ANCESTOR;
    return PIDNS_UNRELATED;
}

// Where a namespace argument lies for pidctl()'s visibility rule.
enum class reach { in_view, ancestor, beside };

long reach_of(const emulation& e, const ns_arg& ns, const ns_position& pos, reach& out) {
    if (pos.in_view) {
        out = reach::in_view;
        return 0;
    }
    long ancestor = e.is_caller_ancestor(ns);
    if (ancestor < 0)
        return ancestor;
    out = ancestor ? reach::ancestor : reach::beside;
    return 0;
}

// QUERY_PIDNS: EPERM for a namespace beside the caller's line (neither
// its own, an ancestor nor a descendant), as NS_GET_PARENT refuses to
// look there; then the relation from the parent chains.
long query_pidns(const emulation& e, const ns_arg& source, const ns_arg& target,
                 const ns_arg& active) {
    ns_parents parents(active.id()); // the second walk reuses the first's links
    ns_position source_pos, target_pos;
    long ret = parents.locate(source, source_pos);
    if (ret < 0)
        return ret;
    ret = parents.locate(target, target_pos);
    if (ret < 0)
        return ret;
    reach source_reach = reach::in_view, target_reach = reach::in_view;
    long source_ret = reach_of(e, source, source_pos, source_reach);
    long target_ret = reach_of(e, target, target_pos, target_reach);
    // One known to be beside settles it, even if the other is unknown.
    if ((source_ret == 0 && source_reach == reach::beside) ||
        (target_ret == 0 && target_reach == reach::beside))
        return -EPERM;
    if (source_ret < 0)
        return source_ret;
    if (target_ret < 0)
        return target_ret;
    if (source.id() == target.id())
        return PIDNS_EQUAL;
    if (source_pos.in_view && target_pos.in_view)
        return relation_from_chains(source, source_pos, target, target_pos);
    // Each is in view or a strict ancestor of the caller's namespace.
    if (source_pos.in_view)
        return PIDNS_TARGET_IS_ANCESTOR;
    if (target_pos.in_view)
        return PIDNS_SOURCE_IS_ANCESTOR;
    // Two different ancestors: one is above the other, but stock kernels
    // show no parent of either and no depth to compare.
    return -EOPNOTSUPP;
}

// Whether the process behind `pidfd` has not been reaped yet. EPERM means
// it exists but we may not signal it.
bool still_alive(int pidfd) {
    return sys_pidfd_send_signal(pidfd, 0) != -ESRCH;
}

// pidfd_open(), with pidctl()'s errors: EINVAL for a thread that is not a
// thread-group leader (without PIDFD_THREAD), which newer kernels report as
// ENOENT; ESRCH for a task that is gone.
long open_pidfd(pid_t pid, unsigned flags, unique_fd& out) {
    long ret = adopt_fd(sys_pidfd_open(pid, flags), out);
    if ((ret != -ENOENT && ret != -EINVAL) || (flags & PIDFD_THREAD))
        return ret;
    // The thread exists if a thread pidfd can be had (Linux 6.9+; older
    // kernels say EINVAL to both, meaning "no leader").
    unique_fd thread;
    long probe = adopt_fd(sys_pidfd_open(pid, flags | PIDFD_THREAD), thread);
    return probe >= 0 || probe == -EINVAL ? -EINVAL : -ESRCH;
}

// Stock kernels have no "pidfd for a pid in that namespace": translate the
// pid into ours, pidfd_open() it, then check that the pidfd is still the
// process named `pid` in `source`. Once the pidfd is alive after the
// re-check, its process held our number throughout, so the re-check was
// about that very process.
long get_pidfd(const emulation& e, pid_t pid, const ns_arg& source, const ns_arg& target,
               const ns_arg& active, unsigned flags) {
    const unsigned open_flags = flags & (PIDFD_NONBLOCK | PIDFD_THREAD);
    const bool target_is_caller = target.id() == active.id();
    long last = -ESRCH;
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        // Contract order: not in source or not visible, then not in target.
        long ours = e.query_pid(pid, source, active, active);
        if (ours < 0)
            return ours;
        if (!target_is_caller) {
            long in_target = e.query_pid(pid, source, target, active);
            if (in_target == -ESRCH)
                continue; // reaped since: look again
            if (in_target < 0)
                return in_target;
        }

        unique_fd fd;
        long ret = open_pidfd(static_cast<pid_t>(ours), open_flags, fd);
        if (ret < 0 && ret != -ESRCH && ret != -EINVAL)
            return ret;
        if (ret >= 0 && !target_is_caller) {
            long in_target = e.query_pid(pid, source, target, active);
            if (in_target < 0 && in_target != -ESRCH)
                return in_target;
        }
        long again = e.query_pid(pid, source, active, active);
        if (again != ours) {
            last = again < 0 ? again : -ESRCH;
            continue; // reaped (and maybe replaced) while we looked
        }
        if (ret == -EINVAL)
            return ret; // still the same thread: it is no thread-group leader
        if (ret == -ESRCH || !still_alive(fd.get()))
            continue;
        return fd.release();
    }
    return last;
}

// Whether PIDFD_GET_INFO (Linux 6.13+) may work here; cleared by the first
// ENOTTY, so older kernels pay for one failed ioctl only.
std::atomic<bool> pidfd_get_info_works{true};

// The number of a pidfd's task (a PIDFD_THREAD pidfd's thread) in the
// caller's namespace, as pidctl(PIDCTL_PIDFD) answers it: ESRCH once
// reaped (zombies still count), EREMOTE if it has none. `pidfd` is a pidfd.
long pidfd_in_caller(int pidfd) {
    if (pidfd_get_info_works.load(std::memory_order_relaxed)) {
        long ret = sys_pidfd_get_info_pid(pidfd);
        if (ret > 0)
            return ret;
        if (ret == -ENOTTY)
            pidfd_get_info_works.store(false, std::memory_order_relaxed);
        // ESRCH covers "reaped" and "not visible" alike: ask fdinfo.
    }
    pid_t ours = 0;
    long ret = pidfd_number_in_caller(pidfd, ours);
    if (ret == 0)
        return ours > 0 ? ours : -EREMOTE;
    if (ret != -ENOENT && ret != -ENOSYS)
        return ret;
    // No /proc (or no NSpid in it): what pidfd_send_signal() tells.
    // EINVAL is its answer for a task outside the caller's view.
    long sent = sys_pidfd_send_signal(pidfd, 0);
    if (sent == -ESRCH)
        return -ESRCH;
    if (sent == -EINVAL)
        return -EREMOTE;
    return -EOPNOTSUPP; // alive and ours, but nothing here says its number
}

// QUERY_PID with PIDCTL_PIDFD: the caller's number of the pidfd's task,
// then the target's. A pidfd that is still not reaped afterwards held our
// number throughout, so the translation was about its task.
long query_pidfd(const emulation& e, int pidfd, const ns_arg& target, const ns_arg& active) {
    long ours = pidfd_in_caller(pidfd);
    if (ours < 0 || target.id() == active.id())
        return ours;
    long theirs = e.query_pid(static_cast<pid_t>(ours), active, target, active);
    if (sys_pidfd_send_signal(pidfd, 0) == -ESRCH)
        return -ESRCH;
    return theirs;
}

} // namespace

long check_args(unsigned cmd, pid_t pid, int source, unsigned flags) noexcept {
    switch (cmd) {
    case PIDCMD_QUERY_PID:
        if (flags == PIDCTL_PIDFD)
            return source == -1 ? 0 : -EINVAL; // pid is a pidfd: any int here
        return pid > 0 && flags == 0 ? 0 : -EINVAL;
    case PIDCMD_QUERY_PIDNS:
        return pid == 0 && flags == 0 ? 0 : -EINVAL;
    case PIDCMD_GET_PIDFD: {
        // pidfds are always close-on-exec: O_CLOEXEC is no flag of pidctl().
        const unsigned known = PIDFD_NONBLOCK | PIDFD_THREAD;
        return pid > 0 && (flags & ~known) == 0 ? 0 : -EINVAL;
    }
    default:
        return -EINVAL;
    }
}

long emulate(const emulation& e, unsigned cmd, pid_t pid, int source, int target,
             unsigned flags) noexcept {
    long ret = check_args(cmd, pid, source, flags);
    if (ret < 0)
        return ret;
    try {
        // Check the caller's fds, each once, before we open any: a closed
        // fd's number must not be taken by one of ours meanwhile.
        ns_arg source_ns, target_ns, active;
        if ((ret = source_ns.validate(source)) < 0)
            return ret;
        if ((ret = target_ns.validate(target)) < 0)
            return ret;
        const bool by_pidfd = cmd == PIDCMD_QUERY_PID && flags == PIDCTL_PIDFD;
        if (by_pidfd && (ret = check_pidfd(pid)) < 0)
            return ret;
        if ((ret = active.open_active()) < 0)
            return ret;
        source_ns.use_active(active);
        target_ns.use_active(active);
        switch (cmd) {
        case PIDCMD_QUERY_PID:
            if (by_pidfd)
                return query_pidfd(e, pid, target_ns, active);
            return e.query_pid(pid, source_ns, target_ns, active);
        case PIDCMD_QUERY_PIDNS:
            return query_pidns(e, source_ns, target_ns, active);
        case PIDCMD_GET_PIDFD:
            return get_pidfd(e, pid, source_ns, target_ns, active, flags);
        }
        return -EINVAL;
    } catch (const std::bad_alloc&) {
        return -ENOMEM;
    }
}

} // namespace pidctl::detail
