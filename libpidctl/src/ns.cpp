// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ns.hpp"

#include "sys.hpp"

#include <new>

#include <sched.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace pidctl::detail {

namespace {

// Pid namespaces nest at most 32 deep (MAX_PID_NS_LEVEL); a longer walk
// means something is badly wrong, not a deeper tree.
constexpr int max_ns_walk = 64;

long open_active_pidns_via_pidfd(unique_fd& out) noexcept {
    unique_fd self;
    long ret = adopt_fd(sys_pidfd_open(::getpid(), 0), self);
    if (ret < 0)
        return ret;
    return adopt_fd(sys_ioctl(self.get(), PIDFD_GET_PID_NAMESPACE), out);
}

} // namespace

long ns_id_of(int fd, ns_id& out) noexcept {
    struct stat st {};
    if (::fstat(fd, &st) < 0)
        return neg_errno();
    out = ns_id{st.st_dev, st.st_ino};
    return 0;
}

long check_pidns_fd(int fd) noexcept {
    if (fd < 0)
        return -EBADF;
    // pidctl() looks fds up the way every fd-taking call does: O_PATH fds
    // do not count as open.
    int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0)
        return -EBADF;
    if (fl & O_PATH)
        return -EBADF;
    // Only ask NS_GET_NSTYPE of nsfs files: on other files the same ioctl
    // number could mean something else.
    struct statfs sfs {};
    if (::fstatfs(fd, &sfs) < 0)
        return neg_errno();
    if (static_cast<unsigned long>(sfs.f_type) != NSFS_MAGIC)
        return -EINVAL;
    if (sys_ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWPID)
        return -EINVAL;
    return 0;
}

long open_active_pidns(unique_fd& out) noexcept {
    long ret = adopt_fd(sys_openat(AT_FDCWD, "/proc/self/ns/pid"), out);
    if (ret >= 0)
        return ret;
    // Without /proc (early boot, minimal containers), Linux 6.11+ still tells.
    return ret == -ENOENT ? open_active_pidns_via_pidfd(out) : ret;
}

long ns_arg::validate(int fd) noexcept {
    if (fd == -1)
        return 0;
    long ret = check_pidns_fd(fd);
    if (ret < 0)
        return ret;
    borrowed_ = fd;
    return ns_id_of(fd, id_);
}

long ns_arg::open_active() noexcept {
    long ret = open_active_pidns(owned_);
    if (ret < 0)
        return ret;
    borrowed_ = owned_.get();
    return ns_id_of(borrowed_, id_);
}

void ns_arg::use_active(const ns_arg& active) noexcept {
    if (borrowed_ != -1)
        return;
    borrowed_ = active.fd();
    id_ = active.id();
}

bool ns_position::descends_from(const ns_id& ancestor, int ancestor_depth) const noexcept {
    if (!in_view || ancestor_depth < 0 || ancestor_depth > depth())
        return false;
    return chain[static_cast<size_t>(depth() - ancestor_depth)] == ancestor;
}

bool ns_parents::known(const ns_id& id) const noexcept {
    return id == active_ || parent_of(id) != nullptr;
}

const ns_id* ns_parents::parent_of(const ns_id& id) const noexcept {
    for (const auto& [child, parent] : links_)
        if (child == id)
            return &parent;
    return nullptr;
}

long ns_parents::locate(int fd, const ns_id& start, ns_position& out) {
    out = ns_position{};
    out.chain.push_back(start);
    ns_id id = start;
    unique_fd current;
    int walk_fd = fd;
    for (int step = 0; step < max_ns_walk; ++step) {
        if (id == active_) {
            out.in_view = true;
            return 0;
        }
        if (const ns_id* parent = parent_of(id)) {
            if (*parent == outside) {
                out.chain.clear();
                return 0;
            }
            // Learned links lead all the way up: no fd needed from here.
            id = *parent;
            out.chain.push_back(id);
            walk_fd = -1;
            continue;
        }
        if (walk_fd < 0)
            return -EBADF;
        unique_fd parent;
        long ret = adopt_fd(sys_ioctl(walk_fd, NS_GET_PARENT), parent);
        if (ret == -EPERM) {
            // Beyond the caller's view, or the initial namespace.
            links_.emplace_back(id, outside);
            out.chain.clear();
            return 0;
        }
        if (ret < 0)
            return ret;
        ns_id parent_id;
        if ((ret = ns_id_of(parent.get(), parent_id)) < 0)
            return ret;
        links_.emplace_back(id, parent_id);
        id = parent_id;
        out.chain.push_back(id);
        current = std::move(parent);
        walk_fd = current.get();
    }
    return -ELOOP;
}

} // namespace pidctl::detail
