// SPDX-License-Identifier: LGPL-2.1-or-later
// The nsfs backend (Linux 6.11+): NS_GET_PID_FROM_PIDNS turns a number in
// the source namespace into ours, NS_GET_PID_IN_PIDNS turns ours into the
// target's. Only tasks visible in the caller's namespace pass through, which
// is pidctl()'s visibility rule.
#include "backend_impl.hpp"

#include "sys.hpp"

#include <unistd.h>

namespace pidctl::detail {

namespace {

constexpr int max_attempts = 16;

// Kernels before 6.11 do not know the ioctls.
long unavailable_as_enosys(long ret) {
    return ret == -ENOTTY ? -ENOSYS : ret;
}

class nsfs final : public emulation {
public:
    long query_pid(pid_t pid, const ns_arg& source, const ns_arg& target,
                   const ns_arg&) const override {
        for (int attempt = 0; attempt < max_attempts; ++attempt) {
            // ESRCH both for "no such task" and for "a task the caller
            // cannot see": exactly pidctl()'s visibility rule.
            long ours = sys_ioctl(source.fd(), NS_GET_PID_FROM_PIDNS, static_cast<unsigned>(pid));
            if (ours < 0)
                return unavailable_as_enosys(ours);
            long theirs =
                sys_ioctl(target.fd(), NS_GET_PID_IN_PIDNS, static_cast<unsigned long>(ours));
            if (theirs < 0 && theirs != -ESRCH)
                return unavailable_as_enosys(theirs);
            // Our number may have been reaped and reused between the two
            // ioctls; then `pid` no longer leads to it.
            long again = sys_ioctl(source.fd(), NS_GET_PID_FROM_PIDNS, static_cast<unsigned>(pid));
            if (again != ours)
                continue;
            return theirs >= 0 ? theirs : -ENOENT;
        }
        return -ESRCH;
    }

    // Our own thread has a number in exactly the namespaces that are ours
    // or our ancestors; every other one outside our view is beside it.
    long is_caller_ancestor(const ns_arg& ns) const override {
        long ret = sys_ioctl(ns.fd(), NS_GET_PID_IN_PIDNS, static_cast<unsigned long>(::gettid()));
        if (ret == -ESRCH)
            return 0;
        return ret < 0 ? unavailable_as_enosys(ret) : 1;
    }
};

} // namespace

const emulation& nsfs_emulation() noexcept {
    static const nsfs instance;
    return instance;
}

} // namespace pidctl::detail
