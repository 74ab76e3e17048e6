// SPDX-License-Identifier: LGPL-2.1-or-later
#include <pidctl/pid_namespace.hpp>
#include <pidctl/pidfd.hpp>

#include "backend_impl.hpp"
#include "error.hpp"
#include "ns.hpp"
#include "proc.hpp"
#include "sys.hpp"

#include <string>
#include <sys/stat.h>
#include <sys/vfs.h>

namespace pidctl {

namespace {

using detail::failed;

// Which link of /proc/PID/ns/ (and which pidfd ioctl) to open.
struct ns_link {
    const char* proc_name;
    unsigned long pidfd_ioctl;
};
constexpr ns_link active_ns{"pid", PIDFD_GET_PID_NAMESPACE};
constexpr ns_link children_ns{"pid_for_children", PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE};

// /proc/PID/ns/LINK of the process behind `pidfd`. The pidfd tells which
// /proc number it has and, still alive after the open, that the number was
// not reused meanwhile. Without /proc, PIDFD_GET_*_NAMESPACE (6.11+).
long open_ns_of_pidfd(int pidfd, const ns_link& link, unique_fd& out) {
    std::vector<pid_t> numbers;
    long ret = detail::pidfd_numbers(pidfd, numbers);
    if (ret == -ENOENT || (ret == 0 && numbers.size() == 1 && numbers[0] == 0))
        return detail::adopt_fd(detail::sys_ioctl(pidfd, link.pidfd_ioctl), out);
    if (ret < 0)
        return ret;
    if (numbers.empty())
        return -ESRCH;
    std::string path = "/proc/" + std::to_string(numbers[0]) + "/ns/" + link.proc_name;
    ret = detail::adopt_fd(detail::sys_openat(AT_FDCWD, path.c_str()), out);
    if (ret == -ENOENT && detail::sys_pidfd_send_signal(pidfd, 0) == -ESRCH)
        return -ESRCH;
    if (ret < 0)
        return ret;
    if (detail::sys_pidfd_send_signal(pidfd, 0) == -ESRCH) {
        out.reset();
        return -ESRCH;
    }
    return 0;
}

// A pidfd for any thread id: PIDFD_THREAD needs Linux 6.9.
long open_any_pidfd(pid_t pid, unique_fd& out) {
    long ret = detail::adopt_fd(detail::sys_pidfd_open(pid, PIDFD_THREAD), out);
    if (ret == -EINVAL && pid > 0)
        ret = detail::adopt_fd(detail::sys_pidfd_open(pid, 0), out);
    return ret;
}

// An O_PATH fd opens nothing: no FIFO blocks, no device driver runs.
long check_nsfs_path_fd(int path_fd, struct stat& st) {
    struct statfs fs {};
    if (::fstatfs(path_fd, &fs) < 0 || ::fstat(path_fd, &st) < 0)
        return detail::neg_errno();
    return static_cast<unsigned long>(fs.f_type) == NSFS_MAGIC ? 0 : -EINVAL;
}

// Opens the nsfs file `path` for real once an O_PATH look showed that it is
// one. Through /proc/self/fd the very file is reopened; without /proc, the
// path again, without blocking or taking a terminal, and it must still be
// the file looked at.
long open_nsfs_path(const char* path, unique_fd& out) {
    unique_fd path_fd;
    long ret = detail::adopt_fd(detail::sys_openat(AT_FDCWD, path, O_PATH), path_fd);
    if (ret < 0)
        return ret;
    struct stat st {};
    if ((ret = check_nsfs_path_fd(path_fd.get(), st)) < 0)
        return ret;
    std::string self_fd = "/proc/self/fd/" + std::to_string(path_fd.get());
    ret = detail::adopt_fd(detail::sys_openat(AT_FDCWD, self_fd.c_str()), out);
    if (ret != -ENOENT)
        return ret;
    ret = detail::adopt_fd(detail::sys_openat(AT_FDCWD, path, O_NONBLOCK | O_NOCTTY), out);
    if (ret < 0)
        return ret;
    struct stat again {};
    if (::fstat(out.get(), &again) < 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
        out.reset();
        return -EINVAL; // replaced meanwhile by something else
    }
    return 0;
}

} // namespace

// Validates and adopts `fd`; closes it on failure.
class pid_namespace_factory {
public:
    static pid_namespace adopt(unique_fd fd, std::error_code& ec) noexcept {
        detail::ns_id id;
        if (failed(detail::check_pidns_fd(fd.get()), ec) ||
            failed(detail::ns_id_of(fd.get(), id), ec))
            return {};
        return pid_namespace(std::move(fd), id.dev, id.ino);
    }

    static pid_namespace adopt(long ret, unique_fd fd, std::error_code& ec) noexcept {
        if (failed(ret, ec))
            return {};
        return adopt(std::move(fd), ec);
    }

    static pid_namespace of_pid(pid_t pid, const ns_link& link, std::error_code& ec) noexcept {
        try {
            unique_fd process;
            long ret = open_any_pidfd(pid, process);
            if (failed(ret, ec))
                return {};
            unique_fd ns;
            ret = open_ns_of_pidfd(process.get(), link, ns);
            return adopt(ret, std::move(ns), ec);
        } catch (const std::bad_alloc&) {
            ec = std::make_error_code(std::errc::not_enough_memory);
            return {};
        }
    }
};

pid_namespace pid_namespace::current(std::error_code& ec) noexcept {
    unique_fd fd;
    long ret = detail::open_active_pidns(fd);
    return pid_namespace_factory::adopt(ret, std::move(fd), ec);
}

pid_namespace pid_namespace::current() {
    return detail::or_throw("pidctl::pid_namespace::current",
                            [](std::error_code& ec) { return current(ec); });
}

pid_namespace pid_namespace::of_process(pid_t pid, std::error_code& ec) noexcept {
    return pid_namespace_factory::of_pid(pid, active_ns, ec);
}

pid_namespace pid_namespace::of_process(pid_t pid) {
    return detail::or_throw("pidctl::pid_namespace::of_process",
                            [pid](std::error_code& ec) { return of_process(pid, ec); });
}

pid_namespace pid_namespace::for_children_of(pid_t pid, std::error_code& ec) noexcept {
    return pid_namespace_factory::of_pid(pid, children_ns, ec);
}

pid_namespace pid_namespace::for_children_of(pid_t pid) {
    return detail::or_throw("pidctl::pid_namespace::for_children_of",
                            [pid](std::error_code& ec) { return for_children_of(pid, ec); });
}

pid_namespace pid_namespace::of(const pidfd& process, std::error_code& ec) noexcept {
    try {
        unique_fd ns;
        long ret = open_ns_of_pidfd(process.fd(), active_ns, ns);
        return pid_namespace_factory::adopt(ret, std::move(ns), ec);
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return {};
    }
}

pid_namespace pid_namespace::of(const pidfd& process) {
    return detail::or_throw("pidctl::pid_namespace::of",
                            [&process](std::error_code& ec) { return of(process, ec); });
}

pid_namespace pid_namespace::open(const std::filesystem::path& path, std::error_code& ec) noexcept {
    unique_fd fd;
    long ret = open_nsfs_path(path.c_str(), fd);
    return pid_namespace_factory::adopt(ret, std::move(fd), ec);
}

pid_namespace pid_namespace::open(const std::filesystem::path& path) {
    std::error_code ec;
    pid_namespace ns = open(path, ec);
    if (ec)
        throw std::filesystem::filesystem_error("pidctl::pid_namespace::open", path, ec);
    return ns;
}

pid_namespace pid_namespace::from_fd(int fd, std::error_code& ec) noexcept {
    return pid_namespace_factory::adopt(unique_fd(fd), ec);
}

pid_namespace pid_namespace::from_fd(int fd) {
    return detail::or_throw("pidctl::pid_namespace::from_fd",
                            [fd](std::error_code& ec) { return from_fd(fd, ec); });
}

pid_namespace pid_namespace::parent(std::error_code& ec) const noexcept {
    if (!*this) {
        ec.assign(EBADF, std::generic_category());
        return {};
    }
    unique_fd fd;
    long ret = detail::adopt_fd(detail::sys_ioctl(fd_.get(), NS_GET_PARENT), fd);
    return pid_namespace_factory::adopt(ret, std::move(fd), ec);
}

pid_namespace pid_namespace::parent() const {
    return detail::or_throw("pidctl::pid_namespace::parent",
                            [this](std::error_code& ec) { return parent(ec); });
}

pid_namespace::pid_namespace(pid_namespace&& other) noexcept
    : fd_(std::move(other.fd_)), dev_(std::exchange(other.dev_, 0)),
      ino_(std::exchange(other.ino_, 0)) {}

pid_namespace& pid_namespace::operator=(pid_namespace&& other) noexcept {
    if (this != &other) {
        fd_ = std::move(other.fd_);
        dev_ = std::exchange(other.dev_, 0);
        ino_ = std::exchange(other.ino_, 0);
    }
    return *this;
}

int pid_namespace::release() noexcept {
    dev_ = 0;
    ino_ = 0;
    return fd_.release();
}

std::string_view to_string(ns_relation r) noexcept {
    switch (r) {
    case ns_relation::unrelated:
        return "unrelated";
    case ns_relation::equal:
        return "equal";
    case ns_relation::source_is_ancestor:
        return "source_is_ancestor";
    case ns_relation::target_is_ancestor:
        return "target_is_ancestor";
    }
    return "?";
}

namespace {

// An empty pid_namespace has fd -1, which pidctl() would take for the
// caller's namespace: refuse it instead.
bool empty_argument(const pid_namespace& a, const pid_namespace& b, std::error_code& ec) {
    if (a && b)
        return false;
    ec.assign(EBADF, std::generic_category());
    return true;
}

ns_relation relation_of(long answer) {
    switch (answer) {
    case PIDNS_EQUAL:
        return ns_relation::equal;
    case PIDNS_SOURCE_IS_ANCESTOR:
        return ns_relation::source_is_ancestor;
    case PIDNS_TARGET_IS_ANCESTOR:
        return ns_relation::target_is_ancestor;
    default:
        return ns_relation::unrelated;
    }
}

} // namespace

std::optional<ns_relation> relation(const pid_namespace& source, const pid_namespace& target,
                                    std::error_code& ec) noexcept {
    if (empty_argument(source, target, ec))
        return std::nullopt;
    long ret = detail::call(PIDCMD_QUERY_PIDNS, 0, source.fd(), target.fd(), 0);
    if (failed(ret, ec))
        return std::nullopt;
    if (ret > PIDNS_TARGET_IS_ANCESTOR) {
        ec.assign(EPROTO, std::generic_category()); // an answer newer than we know
        return std::nullopt;
    }
    return relation_of(ret);
}

ns_relation relation(const pid_namespace& source, const pid_namespace& target) {
    return *detail::or_throw("pidctl::relation",
                             [&](std::error_code& ec) { return relation(source, target, ec); });
}

pid_t translate(pid_t pid, const pid_namespace& from, const pid_namespace& to,
                std::error_code& ec) noexcept {
    if (empty_argument(from, to, ec))
        return 0;
    long ret = detail::call(PIDCMD_QUERY_PID, pid, from.fd(), to.fd(), 0);
    return failed(ret, ec) ? 0 : static_cast<pid_t>(ret);
}

pid_t translate(pid_t pid, const pid_namespace& from, const pid_namespace& to) {
    return detail::or_throw("pidctl::translate",
                            [&](std::error_code& ec) { return translate(pid, from, to, ec); });
}

} // namespace pidctl
