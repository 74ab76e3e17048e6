// SPDX-License-Identifier: LGPL-2.1-or-later
// The backends behind the public API. Each one is a complete pidctl():
// call(b, cmd, pid, source, target, flags) returns what the system call
// returns on a patched kernel (a value, or a negative errno of the same
// class), so tests can hold every backend to the one contract. Stock-kernel
// backends add two errors the system call never gives:
//   -EOPNOTSUPP  the answer exists, but the stock kernel does not reveal it
//   -ENOSYS      the backend does not work on the running kernel
// QUERY_PID with PIDCTL_PIDFD works on every backend: `pid` is a pidfd.
#ifndef PIDCTL_SRC_BACKEND_IMPL_HPP
#define PIDCTL_SRC_BACKEND_IMPL_HPP

#include <pidctl/backend.hpp>

#include "ns.hpp"
#include "sys.hpp"

#include <atomic>
#include <sys/types.h>

namespace pidctl::detail {

// pidctl() through backend `b` (automatic: the active backend).
long call(backend b, unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept;

// True while the active backend is native and the last probe found
// pidctl(): then a call is the system call and nothing else.
extern std::atomic<bool> native_active;

// pidctl() through the active backend, when it is not known to be native.
long call_active(unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept;

// pidctl() through the active backend. Inline: with the native backend the
// library adds no call of its own to the system call (issue 16: under TCG
// each out-of-line call costs a translation-block lookup, which shows
// against a system call as cheap as pidctl()).
inline long call(unsigned cmd, pid_t pid, int source, int target, unsigned flags) noexcept {
    if (native_active.load(std::memory_order_relaxed)) [[likely]]
        return sys_pidctl(cmd, pid, source, target, flags);
    return call_active(cmd, pid, source, target, flags);
}

// EINVAL for arguments `cmd` does not take, before any fd is looked at
// (PIDCTL_PIDFD takes only source -1).
long check_args(unsigned cmd, pid_t pid, int source, unsigned flags) noexcept;

// Whether `b` works here (automatic: whether any does); probes afresh.
bool probe(backend b) noexcept;

// A stock-kernel backend: what differs between nsfs and procfs.
class emulation {
public:
    virtual ~emulation() = default;

    // The number `pid` (in `source`) has in `target`, or ESRCH / ENOENT /
    // EOPNOTSUPP. Arguments are validated already.
    virtual long query_pid(pid_t pid, const ns_arg& source, const ns_arg& target,
                           const ns_arg& active) const = 0;

    // 1 if `ns` is a strict ancestor of the caller's active namespace, 0 if
    // not, -EOPNOTSUPP if this backend cannot tell. Only asked about
    // namespaces outside the caller's view.
    virtual long is_caller_ancestor(const ns_arg& ns) const = 0;
};

const emulation& nsfs_emulation() noexcept;
const emulation& procfs_emulation() noexcept;

// pidctl() emulated by `e`: argument checks, fd lookups and the commands
// that only need query_pid() and is_caller_ancestor().
long emulate(const emulation& e, unsigned cmd, pid_t pid, int source, int target,
             unsigned flags) noexcept;

} // namespace pidctl::detail

#endif
