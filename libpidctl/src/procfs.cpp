// SPDX-License-Identifier: LGPL-2.1-or-later
// The procfs backend (older kernels): find the task numbered `pid` in the
// source namespace among the tasks /proc shows, by its NSpid line and the
// parent chain of its namespace; its NSpid line then has every number it
// has in the caller's namespace and below.
#include "backend_impl.hpp"

#include "proc.hpp"
#include "sys.hpp"

#include <dirent.h>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <utility>

namespace pidctl::detail {

namespace {

struct dir_closer {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
};
using dir_ptr = std::unique_ptr<DIR, dir_closer>;

// A directory stream of `name` below `dirfd`.
long open_dir(int dirfd, const char* name, dir_ptr& out) {
    unique_fd fd;
    long ret = adopt_fd(sys_openat(dirfd, name, O_DIRECTORY), fd);
    if (ret < 0)
        return ret;
    DIR* d = ::fdopendir(fd.get());
    if (!d)
        return neg_errno();
    fd.release(); // the stream owns it now
    out.reset(d);
    return 0;
}

bool is_number(const char* name) {
    if (!*name)
        return false;
    for (; *name; ++name)
        if (*name < '0' || *name > '9')
            return false;
    return true;
}

// A task /proc shows: its numbers and where its namespace is.
struct task_info {
    std::vector<pid_t> numbers; // NSpid, from /proc's namespace down
    ns_position ns;             // its namespace relative to the caller's
};

// Where the pid namespace of the task directory `task_dir` is. The
// directory fd pins the task: a reaped task fails instead of being
// confused with a new one that got the same number.
long locate_task_ns(int task_dir, ns_parents& parents, ns_position& out) {
    struct stat st {};
    if (::fstatat(task_dir, "ns/pid", &st, 0) < 0)
        return neg_errno();
    const ns_id id{st.st_dev, st.st_ino};
    if (parents.known(id))
        return parents.locate(-1, id, out);
    unique_fd ns;
    long ret = adopt_fd(sys_openat(task_dir, "ns/pid"), ns);
    if (ret < 0)
        return ret;
    return parents.locate(ns.get(), id, out);
}

long read_numbers(int task_dir, std::vector<pid_t>& out) {
    std::string status;
    long ret = read_file_at(task_dir, "status", status);
    if (ret < 0)
        return ret;
    return parse_nspid(status, out) ? 0 : -ENOSYS;
}

// One lookup of the task numbered `pid` in namespace `source`, `depth`
// levels below the caller's.
class task_search {
public:
    task_search(pid_t pid, const ns_id& source, int depth, int level, ns_parents& parents)
        : pid_(pid), source_(source), depth_(depth), level_(level), parents_(parents) {}

    long find(task_info& out) {
        if (depth_ == 0 && level_ == 0)
            return inspect_direct(out);
        return scan(out);
    }

private:
    // In the caller's own namespace /proc/PID is the task (threads too).
    long inspect_direct(task_info& out) {
        unique_fd dir;
        std::string path = "/proc/" + std::to_string(pid_);
        long ret = adopt_fd(sys_openat(AT_FDCWD, path.c_str(), O_PATH | O_DIRECTORY), dir);
        if (ret == -ENOENT)
            return -ESRCH;
        if (ret < 0)
            return ret;
        if ((ret = read_numbers(dir.get(), out.numbers)) < 0)
            return ret == -ENOENT ? -ESRCH : ret;
        if ((ret = locate_task_ns(dir.get(), parents_, out.ns)) < 0)
            return ret == -ENOENT ? -ESRCH : ret;
        return 0;
    }

    long scan(task_info& out) {
        dir_ptr proc;
        long ret = open_dir(AT_FDCWD, "/proc", proc);
        if (ret < 0)
            return ret;
        while (dirent* entry = ::readdir(proc.get())) {
            if (!is_number(entry->d_name))
                continue;
            unique_fd process;
            if (adopt_fd(sys_openat(::dirfd(proc.get()), entry->d_name, O_PATH | O_DIRECTORY),
                         process) < 0)
                continue; // gone meanwhile
            // All threads share the process's namespace.
            if (locate_task_ns(process.get(), parents_, out.ns) < 0 ||
                !out.ns.descends_from(source_, depth_))
                continue;
            if (find_thread(process.get(), out.numbers))
                return 0;
        }
        return -ESRCH;
    }

    // The thread of `process` whose number in the source namespace is ours.
    bool find_thread(int process, std::vector<pid_t>& numbers) {
        const size_t index = static_cast<size_t>(level_ + depth_);
        dir_ptr tasks;
        if (open_dir(process, "task", tasks) < 0)
            return false;
        while (dirent* entry = ::readdir(tasks.get())) {
            if (!is_number(entry->d_name))
                continue;
            unique_fd task;
            if (adopt_fd(sys_openat(::dirfd(tasks.get()), entry->d_name, O_PATH | O_DIRECTORY),
                         task) < 0)
                continue;
            if (read_numbers(task.get(), numbers) < 0)
                continue;
            if (numbers.size() > index && numbers[index] == pid_)
                return true;
        }
        return false;
    }

    const pid_t pid_;
    const ns_id source_;
    const int depth_;
    const int level_;
    ns_parents& parents_;
};

class procfs final : public emulation {
public:
    long query_pid(pid_t pid, const ns_arg& source, const ns_arg& target,
                   const ns_arg& active) const override {
        int level = 0;
        long ret = proc_level(level);
        if (ret < 0)
            return ret == -ENOENT ? -ENOSYS : ret;
        ns_parents parents(active.id());
        ns_position source_pos;
        if ((ret = parents.locate(source.fd(), source.id(), source_pos)) < 0)
            return ret;
        if (!source_pos.in_view)
            return -EOPNOTSUPP; // /proc does not show all its tasks
        task_info task;
        task_search search(pid, source.id(), source_pos.depth(), level, parents);
        if ((ret = search.find(task)) < 0)
            return ret;
        if (target.id() == source.id())
            return pid;
        ns_position target_pos;
        if ((ret = parents.locate(target.fd(), target.id(), target_pos)) < 0)
            return ret;
        // The task is ours to see; an outside target may be our ancestor
        // (then it has a number there /proc does not show) or unrelated.
        if (!target_pos.in_view)
            return -EOPNOTSUPP;
        const size_t index = static_cast<size_t>(level + target_pos.depth());
        if (!task.ns.descends_from(target.id(), target_pos.depth()) || index >= task.numbers.size())
            return -ENOENT;
        return task.numbers[index];
    }

    long is_caller_ancestor(const ns_arg&) const override { return -EOPNOTSUPP; }
};

} // namespace

const emulation& procfs_emulation() noexcept {
    static const procfs instance;
    return instance;
}

} // namespace pidctl::detail
