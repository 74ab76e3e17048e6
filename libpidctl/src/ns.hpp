// SPDX-License-Identifier: LGPL-2.1-or-later
// Pid namespace fds as the stock-kernel backends see them: identity,
// validation with the errors pidctl() gives, and position in the tree
// relative to the caller.
#ifndef PIDCTL_SRC_NS_HPP
#define PIDCTL_SRC_NS_HPP

#include <pidctl/unique_fd.hpp>

#include <sys/types.h>
#include <utility>
#include <vector>

namespace pidctl::detail {

// A namespace's identity: nsfs device and inode.
struct ns_id {
    dev_t dev = 0;
    ino_t ino = 0;
    friend bool operator==(const ns_id&, const ns_id&) = default;
};

long ns_id_of(int fd, ns_id& out) noexcept;

// 0 if `fd` is an open fd of a pid namespace; else what pidctl() says:
// EBADF for a closed (or O_PATH) fd, EINVAL for anything else.
long check_pidns_fd(int fd) noexcept;

// Opens the caller's active pid namespace, with or without /proc.
long open_active_pidns(unique_fd& out) noexcept;

// A namespace argument of pidctl(): -1 is the caller's active pid namespace.
// Keeps the namespace open while a call uses it.
class ns_arg {
public:
    // Checks `fd` exactly as pidctl() does, once, and learns which
    // namespace it is; -1 is left for use_active().
    long validate(int fd) noexcept;
    // Opens the caller's active pid namespace as this argument.
    long open_active() noexcept;
    // An argument that was -1 borrows `active` (opened already).
    void use_active(const ns_arg& active) noexcept;

    int fd() const noexcept { return borrowed_; }
    const ns_id& id() const noexcept { return id_; }

private:
    unique_fd owned_; // set by open_active()
    int borrowed_ = -1;
    ns_id id_;
};

// Where a namespace sits relative to the caller's active pid namespace.
struct ns_position {
    // The namespace is the caller's active pid namespace or a descendant:
    // all its processes are visible to the caller.
    bool in_view = false;
    // When in view: the namespace, its parent, ..., the active namespace.
    std::vector<ns_id> chain;

    int depth() const noexcept { return static_cast<int>(chain.size()) - 1; }
    // Whether `ancestor` (in view, at depth `ancestor_depth`) is this
    // namespace or one of its ancestors.
    bool descends_from(const ns_id& ancestor, int ancestor_depth) const noexcept;
};

// Parent links learned during one call: locating many namespaces of one
// tree then costs one NS_GET_PARENT per namespace, not one per level.
class ns_parents {
public:
    explicit ns_parents(const ns_id& active) : active_(active) {}

    // Whether locate() needs no fd for `id`.
    bool known(const ns_id& id) const noexcept;

    // Walks NS_GET_PARENT from the namespace `id`, open as `fd` (may be -1
    // if known()), up to the caller's. A namespace outside the caller's view
    // is no error: in_view is false (the kernel says EPERM).
    long locate(int fd, const ns_id& id, ns_position& out);
    long locate(const ns_arg& ns, ns_position& out) { return locate(ns.fd(), ns.id(), out); }

private:
    // The parent of `id`, nullptr if not learned yet; `outside` beyond view.
    const ns_id* parent_of(const ns_id& id) const noexcept;

    static constexpr ns_id outside{}; // no namespace has inode 0
    ns_id active_;
    std::vector<std::pair<ns_id, ns_id>> links_; // child, parent
};

} // namespace pidctl::detail

#endif
