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
    bool ns_known = false;      // false: we may not read its ns/pid
    ns_position ns;             // if known: its namespace relative to the caller's
};

// /proc/PID/ns/* needs ptrace read access; NSpid in status does not.
bool not_ours_to_inspect(long ret) {
    return ret == -EACCES || ret == -EPERM;
}

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
// levels below the caller's. Namespaces of tasks are read only where the
// answer needs them (`need_ns`), and a task whose namespace we may not
// read is never taken for absent: the lookup then says EOPNOTSUPP.
class task_search {
public:
    task_search(pid_t pid, const ns_id& source, int depth, int level, ns_parents& parents)
        : pid_(pid), source_(source), depth_(depth), level_(level), parents_(parents) {}

    long find(bool need_ns, task_info& out) {
        if (depth_ == 0 && level_ == 0)
            return inspect_direct(need_ns, out);
        return scan(out);
    }

private:
    // In the caller's own namespace /proc/PID is the task (threads too).
    long inspect_direct(bool need_ns, task_info& out) {
        unique_fd dir;
        std::string path = "/proc/" + std::to_string(pid_);
        long ret = adopt_fd(sys_openat(AT_FDCWD, path.c_str(), O_PATH | O_DIRECTORY), dir);
        if (ret == -ENOENT)
            return -ESRCH;
        if (ret < 0)
            return not_ours_to_inspect(ret) ? -EOPNOTSUPP : ret;
        if ((ret = read_numbers(dir.get(), out.numbers)) < 0)
            return ret == -ENOENT ? -ESRCH : not_ours_to_inspect(ret) ? -EOPNOTSUPP : ret;
        if (!need_ns)
            return 0;
        ret = locate_task_ns(dir.get(), parents_, out.ns);
        if (ret == -ENOENT)
            return -ESRCH;
        if (not_ours_to_inspect(ret))
            return 0; // ns_known stays false
        if (ret < 0)
            return ret;
        out.ns_known = true;
        return 0;
    }

    long scan(task_info& out) {
        dir_ptr proc;
        long ret = open_dir(AT_FDCWD, "/proc", proc);
        if (ret < 0)
            return ret;
        bool unsure = false; // a task we may not inspect has the number
        while (dirent* entry = ::readdir(proc.get())) {
            if (!is_number(entry->d_name))
                continue;
            unique_fd process;
            if (adopt_fd(sys_openat(::dirfd(proc.get()), entry->d_name, O_PATH | O_DIRECTORY),
                         process) < 0)
                continue; // gone meanwhile
            // All threads share the process's namespace.
            long located = locate_task_ns(process.get(), parents_, out.ns);
            if (located == 0 && !out.ns.descends_from(source_, depth_))
                continue;
            if (located < 0 && !not_ours_to_inspect(located))
                continue; // gone meanwhile
            if (!find_thread(process.get(), out.numbers))
                continue;
            if (located == 0) {
                out.ns_known = true;
                return 0;
            }
            // Its number that deep matches, but its namespace may be
            // another one at that depth.
            unsure = true;
        }
        return unsure ? -EOPNOTSUPP : -ESRCH;
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
        // /proc does not show all tasks of a namespace outside the view,
        // and the caller cannot tell an ancestor (a visible task may have
        // the number) from one beside its line (none has).
        if (!source_pos.in_view)
            return -EOPNOTSUPP;
        const bool same = target.id() == source.id();
        ns_position target_pos;
        if (!same && (ret = parents.locate(target.fd(), target.id(), target_pos)) < 0)
            return ret;
        // Whether the task's namespace matters: not for the same namespace,
        // nor for a target that contains the source (then it contains the
        // task too).
        const bool target_contains_source =
            same || source_pos.descends_from(target.id(), target_pos.depth());
        task_info task;
        task_search search(pid, source.id(), source_pos.depth(), level, parents);
        if ((ret = search.find(!target_contains_source, task)) < 0)
            return ret;
        if (same)
            return pid;
        // The task is ours to see; an outside target may be our ancestor
        // (then it has a number there /proc does not show) or unrelated.
        if (!target_pos.in_view)
            return -EOPNOTSUPP;
        const size_t index = static_cast<size_t>(level + target_pos.depth());
        if (index >= task.numbers.size())
            return -ENOENT; // not that deep
        if (target_contains_source)
            return task.numbers[index];
        if (!task.ns_known)
            return -EOPNOTSUPP; // a namespace at that depth, but which?
        return task.ns.descends_from(target.id(), target_pos.depth()) ? task.numbers[index]
                                                                      : -ENOENT;
    }

    long is_caller_ancestor(const ns_arg&) const override { return -EOPNOTSUPP; }
};

} // namespace

const emulation& procfs_emulation() noexcept {
    static const procfs instance;
    return instance;
}

} // namespace pidctl::detail
