// SPDX-License-Identifier: LGPL-2.1-or-later
// Every backend against pidctl()'s contract: arguments, fds, and answers on
// namespace trees checked against the kernel's own numbering in /proc.
#include "nstree.hpp"
#include "support.hpp"

#include <linux/pidctl.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <map>
#include <random>
#include <sstream>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using pidctl::backend;
using pidctl_test::ns_tree;
using pidctl_test::result_text;
using pidctl_test::sleeping_thread;
using pidctl_test::tree_spec;

namespace {

constexpr unsigned pidfd_nonblock = O_NONBLOCK;
constexpr unsigned pidfd_thread = O_EXCL;

// fdinfo "Pid:" of a pidfd, straight from the kernel.
pid_t pid_of_pidfd(int fd) {
    std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pid:", 0) == 0)
            return std::stoi(line.substr(4));
    return 0;
}

class Contract : public testing::TestWithParam<backend> {
protected:
    void SetUp() override { SKIP_UNLESS_BACKEND(GetParam()); }

    long call(unsigned cmd, pid_t pid, int source, int target, unsigned flags = 0) const {
        return pidctl::detail::call(GetParam(), cmd, pid, source, target, flags);
    }
    long query_pid(pid_t pid, int source, int target) const {
        return call(PIDCMD_QUERY_PID, pid, source, target);
    }
    // QUERY_PID of the task behind `pidfd` (PIDCTL_PIDFD).
    long query_pidfd(int pidfd, int target) const {
        return call(PIDCMD_QUERY_PID, pidfd, -1, target, PIDCTL_PIDFD);
    }
    long query_pidns(int source, int target) const {
        return call(PIDCMD_QUERY_PIDNS, 0, source, target);
    }
    // GET_PIDFD's answer with the fd replaced by the pid it refers to.
    long pidfd_target(pid_t pid, int source, int target, unsigned flags) const {
        long fd = call(PIDCMD_GET_PIDFD, pid, source, target, flags);
        if (fd < 0)
            return fd;
        int flags_now = ::fcntl(static_cast<int>(fd), F_GETFD);
        pid_t referred = pid_of_pidfd(static_cast<int>(fd));
        ::close(static_cast<int>(fd));
        EXPECT_TRUE(flags_now & FD_CLOEXEC) << "pidfds are close-on-exec";
        return referred;
    }
};

// A pid namespace fd of our own, and fds that are not one.
struct fds {
    pidctl::unique_fd self_ns{::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)};
    pidctl::unique_fd children_ns{::open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC)};
    pidctl::unique_fd path_ns{::open("/proc/self/ns/pid", O_PATH | O_CLOEXEC)};
    pidctl::unique_fd net_ns{::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)};
    pidctl::unique_fd null{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    int closed = -1;

    fds() {
        closed = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        ::close(closed);
    }
};

TEST_P(Contract, UnknownCommandsAreEinval) {
    for (unsigned cmd : {3u, 99u, ~0u})
        EXPECT_EQ(result_text(call(cmd, 1, -1, -1)), "-EINVAL") << "cmd " << cmd;
}

TEST_P(Contract, QueryPidTakesPositivePidAndNoFlags) {
    EXPECT_EQ(result_text(query_pid(0, -1, -1)), "-EINVAL");
    EXPECT_EQ(result_text(query_pid(-1, -1, -1)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PID, ::getpid(), -1, -1, 1)), "-EINVAL");
}

TEST_P(Contract, QueryPidnsTakesNoPidAndNoFlags) {
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PIDNS, 1, -1, -1)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PIDNS, 0, -1, -1, 1)), "-EINVAL");
}

TEST_P(Contract, GetPidfdTakesKnownFlagsOnly) {
    EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, 0, -1, -1)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, ::getpid(), -1, -1, O_RDWR)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, ::getpid(), -1, -1, 1u << 30)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, ::getpid(), -1, -1, O_CLOEXEC)), "-EINVAL")
        << "pidfds are always close-on-exec; O_CLOEXEC is no flag";
    const unsigned all = pidfd_nonblock | pidfd_thread;
    EXPECT_EQ(result_text(pidfd_target(::getpid(), -1, -1, all)), std::to_string(::getpid()));
    EXPECT_EQ(result_text(pidfd_target(::getpid(), -1, -1, 0)), std::to_string(::getpid()));
}

// A pidfd we own: the process's (flags 0) or one thread's (PIDFD_THREAD).
pidctl::unique_fd open_pidfd(pid_t pid, unsigned flags = 0) {
    return pidctl::unique_fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, flags)));
}

TEST_P(Contract, PidfdQueryTakesSourceMinusOneOnly) {
    fds f;
    pidctl::unique_fd self = open_pidfd(::getpid());
    ASSERT_TRUE(self);
    const int p = self.get();
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PID, p, f.self_ns.get(), -1, PIDCTL_PIDFD)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PID, p, -5, -1, PIDCTL_PIDFD)), "-EINVAL")
        << "the argument check comes before the fds";
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PID, p, -1, -1, PIDCTL_PIDFD | 1)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PIDNS, 0, -1, -1, PIDCTL_PIDFD)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, ::getpid(), -1, -1, PIDCTL_PIDFD)), "-EINVAL");
}

TEST_P(Contract, PidfdQueryChecksTheTargetBeforeThePidfd) {
    pidctl::unique_fd self = open_pidfd(::getpid());
    ASSERT_TRUE(self);
    fds f; // after the pidfd: f.closed is no fd of ours
    EXPECT_EQ(result_text(query_pidfd(self.get(), -2)), "-EBADF");
    EXPECT_EQ(result_text(query_pidfd(self.get(), f.null.get())), "-EINVAL");
    EXPECT_EQ(result_text(query_pidfd(self.get(), f.net_ns.get())), "-EINVAL");
    EXPECT_EQ(result_text(query_pidfd(f.closed, f.null.get())), "-EINVAL");
    EXPECT_EQ(result_text(query_pidfd(-7, f.closed)), "-EBADF");
    EXPECT_EQ(result_text(query_pidfd(f.null.get(), f.path_ns.get())), "-EBADF");
}

TEST_P(Contract, PidfdQueryOfThingsThatAreNoPidfdIsEbadf) {
    fds f;
    for (int bad : {-1, -5, f.closed, f.null.get(), f.self_ns.get(), f.path_ns.get()}) {
        SCOPED_TRACE("fd " + std::to_string(bad));
        EXPECT_EQ(result_text(query_pidfd(bad, -1)), "-EBADF");
        EXPECT_EQ(result_text(query_pidfd(bad, f.self_ns.get())), "-EBADF");
    }
}

TEST_P(Contract, PidfdQueryAnswersTheNumber) {
    fds f;
    const pid_t self = ::getpid();
    pidctl::unique_fd process = open_pidfd(self);
    ASSERT_TRUE(process);
    EXPECT_EQ(query_pidfd(process.get(), -1), self);
    EXPECT_EQ(query_pidfd(process.get(), f.self_ns.get()), self);
    EXPECT_EQ(query_pidfd(process.get(), f.children_ns.get()), self);

    sleeping_thread t;
    const pid_t tid = t.tid();
    pidctl::unique_fd thread = open_pidfd(tid, pidfd_thread);
    if (thread) { // PIDFD_THREAD: Linux 6.9+
        EXPECT_EQ(query_pidfd(thread.get(), -1), tid);
        EXPECT_EQ(query_pidfd(thread.get(), f.self_ns.get()), tid);
    }
    t.join();
    if (!thread)
        return;
    // The kernel releases the thread a little after pthread_join() returns.
    for (int i = 0; i < 1000 && pid_of_pidfd(thread.get()) != -1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_EQ(pid_of_pidfd(thread.get()), -1) << "the thread is gone";
    EXPECT_EQ(result_text(query_pidfd(thread.get(), -1)), "-ESRCH");
}

TEST_P(Contract, PidfdQueryOfZombiesAndReapedProcesses) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        ::_exit(0);
    pidctl::unique_fd fd = open_pidfd(child);
    ASSERT_TRUE(fd);
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(query_pidfd(fd.get(), -1), child) << "a zombie";
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);
    EXPECT_EQ(result_text(query_pidfd(fd.get(), -1)), "-ESRCH") << "reaped";
    fds f;
    EXPECT_EQ(result_text(query_pidfd(fd.get(), f.self_ns.get())), "-ESRCH") << "reaped";
}

TEST_P(Contract, ArgumentsAreCheckedBeforeFds) {
    EXPECT_EQ(result_text(query_pid(0, -5, -5)), "-EINVAL");
    EXPECT_EQ(result_text(call(PIDCMD_QUERY_PIDNS, 7, -5, -5)), "-EINVAL");
    EXPECT_EQ(result_text(call(42, 1, -5, -5)), "-EINVAL");
}

TEST_P(Contract, BadFdsAreEbadf) {
    fds f;
    const pid_t self = ::getpid();
    for (int bad : {-2, -100, f.closed, f.path_ns.get()}) {
        SCOPED_TRACE("fd " + std::to_string(bad));
        EXPECT_EQ(result_text(query_pid(self, bad, -1)), "-EBADF");
        EXPECT_EQ(result_text(query_pid(self, -1, bad)), "-EBADF");
        EXPECT_EQ(result_text(query_pidns(bad, -1)), "-EBADF");
        EXPECT_EQ(result_text(query_pidns(-1, bad)), "-EBADF");
        EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, self, bad, -1)), "-EBADF");
    }
    // The source is looked at first.
    EXPECT_EQ(result_text(query_pid(self, -2, f.null.get())), "-EBADF");
    EXPECT_EQ(result_text(query_pid(self, f.null.get(), -2)), "-EINVAL");
}

TEST_P(Contract, FdsOfOtherThingsAreEinval) {
    fds f;
    const pid_t self = ::getpid();
    for (int other : {f.null.get(), f.net_ns.get(), STDIN_FILENO}) {
        if (other == STDIN_FILENO && ::fcntl(other, F_GETFD) < 0)
            continue;
        SCOPED_TRACE("fd " + std::to_string(other));
        EXPECT_EQ(result_text(query_pid(self, other, -1)), "-EINVAL");
        EXPECT_EQ(result_text(query_pid(self, -1, other)), "-EINVAL");
        EXPECT_EQ(result_text(query_pidns(other, -1)), "-EINVAL");
        EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, self, -1, other)), "-EINVAL");
    }
}

TEST_P(Contract, MinusOneIsTheCallersNamespace) {
    fds f;
    const pid_t self = ::getpid();
    EXPECT_EQ(query_pidns(-1, -1), PIDNS_EQUAL);
    EXPECT_EQ(query_pidns(f.self_ns.get(), -1), PIDNS_EQUAL);
    EXPECT_EQ(query_pidns(-1, f.children_ns.get()), PIDNS_EQUAL);
    EXPECT_EQ(query_pid(self, -1, -1), self);
    EXPECT_EQ(query_pid(self, f.self_ns.get(), f.children_ns.get()), self);
}

TEST_P(Contract, ThreadIdsTranslateAsThreadIds) {
    sleeping_thread t;
    const pid_t tid = t.tid();
    EXPECT_EQ(query_pid(tid, -1, -1), tid);
    EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, tid, -1, -1, 0)), "-EINVAL")
        << "not a thread-group leader";
    EXPECT_EQ(pidfd_target(tid, -1, -1, pidfd_thread), tid);
}

TEST_P(Contract, ZombiesTranslateReapedProcessesDoNot) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        ::_exit(0);
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(query_pid(child, -1, -1), child) << "a zombie";
    EXPECT_EQ(pidfd_target(child, -1, -1, 0), child) << "a zombie";
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);
    EXPECT_EQ(result_text(query_pid(child, -1, -1)), "-ESRCH") << "reaped";
    EXPECT_EQ(result_text(call(PIDCMD_GET_PIDFD, child, -1, -1)), "-ESRCH") << "reaped";
}

// --- on trees of namespaces --------------------------------------------------

class TreeContract : public Contract {
protected:
    void SetUp() override {
        Contract::SetUp();
        if (IsSkipped())
            return;
        if (!pidctl_test::can_build_trees())
            GTEST_SKIP() << "needs root and CLONE_NEWPID";
    }

    // Every translation, relation and pidfd the tree allows, against /proc.
    void check_everything(const ns_tree& tree) {
        SCOPED_TRACE("tree " + tree.spec().describe());
        const auto& spaces = tree.namespaces();
        const int n = static_cast<int>(spaces.size());
        for (int a = 0; a < n; ++a)
            for (int b = 0; b < n; ++b)
                EXPECT_EQ(result_text(query_pidns(spaces[a].handle.fd(), spaces[b].handle.fd())),
                          result_text(tree.expected_relation(a, b)))
                    << "relation of namespaces " << a << " and " << b;
        for (int from = 0; from < n; ++from)
            for (pid_t pid : tree.numbers_in(from))
                check_pid(tree, pid, from);
        const auto& tasks = tree.tasks();
        for (int task = 0; task < static_cast<int>(tasks.size()); ++task)
            for (int to = 0; to < n; ++to)
                EXPECT_EQ(result_text(query_pidfd(tasks[task].pidfd.get(), spaces[to].handle.fd())),
                          result_text(tree.expected_pidfd_translation(task, to)))
                    << "pidfd of task " << tasks[task].tid << " to namespace " << to;
    }

    void check_pid(const ns_tree& tree, pid_t pid, int from) {
        const auto& spaces = tree.namespaces();
        const int from_fd = spaces[from].handle.fd();
        for (int to = 0; to < static_cast<int>(spaces.size()); ++to)
            EXPECT_EQ(result_text(query_pid(pid, from_fd, spaces[to].handle.fd())),
                      result_text(tree.expected_translation(pid, from, to)))
                << "pid " << pid << " from namespace " << from << " to " << to;
        const int task = tree.task_numbered(pid, from);
        for (unsigned flags : {0u, pidfd_thread})
            for (int to : {0, from}) {
                long expected = tree.expected_translation(pid, from, to);
                if (expected >= 0) {
                    const auto& t = tree.tasks()[task];
                    expected = !t.leader && !(flags & pidfd_thread) ? -EINVAL : t.tid;
                }
                EXPECT_EQ(result_text(pidfd_target(pid, from_fd, spaces[to].handle.fd(), flags)),
                          result_text(expected))
                    << "pidfd of " << pid << " from namespace " << from << " for " << to
                    << " flags " << flags;
            }
    }
};

TEST_P(TreeContract, RandomTrees) {
    for (unsigned seed : {1u, 2u, 3u}) {
        std::mt19937 rng(seed);
        ns_tree tree(tree_spec::random(rng, 12, 6));
        check_everything(tree);
    }
}

// Inits that exited (zombie or reaped), with the namespaces they took
// along, zombies, reaped processes and a thread-group leader that exited.
tree_spec ends_of_life() {
    using pidctl_test::fate;
    tree_spec s;
    auto add = [&](int parent, bool new_ns, fate end, int threads = 0, bool leader_exits = false) {
        s.nodes.push_back({parent, new_ns, threads, leader_exits, end});
    };
    add(-1, true, fate::running);          // 0: ns 1
    add(0, true, fate::zombie);            // 1: ns 2, its init exits, stays a zombie
    add(1, false, fate::running);          // 2:   killed with ns 2
    add(0, true, fate::reaped);            // 3: ns 3, init exits and is reaped
    add(3, true, fate::running);           // 4:   ns 4, killed with ns 3
    add(0, false, fate::zombie);           // 5: a zombie in ns 1
    add(0, false, fate::reaped);           // 6: reaped
    add(0, false, fate::running, 2, true); // 7: leader exits, two threads stay
    add(-1, true, fate::running, 1);       // 8: ns 5, a second root
    return s;
}

TEST_P(TreeContract, ExitedInitsZombiesAndThreads) {
    ns_tree tree(ends_of_life());
    // The tree is what it should be, or the checks below prove nothing.
    const auto& tasks = tree.tasks();
    ASSERT_TRUE(tasks[tree.main_task(1)].exists) << "init of ns 2 stays a zombie";
    ASSERT_FALSE(tasks[tree.main_task(2)].exists) << "killed with its namespace";
    ASSERT_FALSE(tasks[tree.main_task(3)].exists) << "reaped init";
    ASSERT_FALSE(tasks[tree.main_task(4)].exists) << "killed with the namespace above";
    ASSERT_TRUE(tasks[tree.main_task(5)].exists) << "zombie";
    ASSERT_FALSE(tasks[tree.main_task(6)].exists) << "reaped";
    ASSERT_TRUE(tasks[tree.main_task(7)].exists) << "zombie leader";

    const auto& spaces = tree.namespaces();
    // Namespaces without any process still relate through their parents.
    EXPECT_EQ(query_pidns(spaces[4].handle.fd(), spaces[3].handle.fd()), PIDNS_TARGET_IS_ANCESTOR);
    EXPECT_EQ(query_pidns(spaces[1].handle.fd(), spaces[4].handle.fd()), PIDNS_SOURCE_IS_ANCESTOR);
    EXPECT_EQ(query_pidns(spaces[2].handle.fd(), spaces[3].handle.fd()), PIDNS_UNRELATED);
    EXPECT_EQ(query_pidns(spaces[2].handle.fd(), spaces[5].handle.fd()), PIDNS_UNRELATED);
    // The zombie init is still pid 1 of its namespace; the reaped one is gone.
    EXPECT_EQ(query_pid(1, spaces[2].handle.fd(), -1), tasks[tree.main_task(1)].tid);
    EXPECT_EQ(result_text(query_pid(1, spaces[3].handle.fd(), -1)), "-ESRCH");
    EXPECT_EQ(result_text(query_pid(1, spaces[4].handle.fd(), -1)), "-ESRCH");
    check_everything(tree);
}

TEST_P(TreeContract, DeepNesting) {
    tree_spec s;
    for (int i = 0; i < 8; ++i)
        s.nodes.push_back({i - 1, true, i % 3 == 1 ? 1 : 0, false, pidctl_test::fate::running});
    ns_tree tree(s);
    const auto& spaces = tree.namespaces();
    const int deepest = static_cast<int>(spaces.size()) - 1;
    EXPECT_EQ(query_pid(1, spaces[deepest].handle.fd(), spaces[1].handle.fd()),
              tree.expected_translation(1, deepest, 1));
    check_everything(tree);
}

// --- a caller inside a child namespace ----------------------------------------

struct outside_view_args {
    backend b;
    int host_ns;
    int sibling_ns;
    pid_t driver;
    int driver_pidfd; // a pidfd of the driver, from outside the caller's view
};

// Runs as init of a new namespace below the host's; writes "name=result" lines.
void ask_from_inside(int out, void* p) {
    const auto& a = *static_cast<outside_view_args*>(p);
    auto call = [&](unsigned cmd, pid_t pid, int s, int t) {
        return pidctl::detail::call(a.b, cmd, pid, s, t, 0);
    };
    std::ifstream status("/proc/self/status");
    std::string line;
    pid_t host_pid = 0;
    while (std::getline(status, line))
        if (line.rfind("NSpid:", 0) == 0)
            host_pid = std::stoi(line.substr(6));
    long own_pidfd = call(PIDCMD_GET_PIDFD, 1, -1, -1);
    // /proc here is the host's: numbers sit one level into NSpid.
    std::error_code ec;
    pid_t api_pid = pidctl::pidfd::open(1, ec).pid(ec);
    long driver_pidfd = call(PIDCMD_GET_PIDFD, a.driver, a.host_ns, -1);
    auto by_pidfd = [&](long fd, int target) {
        return pidctl::detail::call(a.b, PIDCMD_QUERY_PID, static_cast<pid_t>(fd), -1, target,
                                    PIDCTL_PIDFD);
    };
    std::ostringstream o;
    o << "host_pid=" << host_pid << "\n"
      << "rel_host_self=" << result_text(call(PIDCMD_QUERY_PIDNS, 0, a.host_ns, -1)) << "\n"
      << "rel_self_host=" << result_text(call(PIDCMD_QUERY_PIDNS, 0, -1, a.host_ns)) << "\n"
      << "rel_host_host=" << result_text(call(PIDCMD_QUERY_PIDNS, 0, a.host_ns, a.host_ns)) << "\n"
      << "rel_host_sibling=" << result_text(call(PIDCMD_QUERY_PIDNS, 0, a.host_ns, a.sibling_ns))
      << "\n"
      << "rel_sibling_self=" << result_text(call(PIDCMD_QUERY_PIDNS, 0, a.sibling_ns, -1)) << "\n"
      << "self_from_host=" << result_text(call(PIDCMD_QUERY_PID, host_pid, a.host_ns, -1)) << "\n"
      << "self_to_host=" << result_text(call(PIDCMD_QUERY_PID, 1, -1, a.host_ns)) << "\n"
      << "self_in_self=" << result_text(call(PIDCMD_QUERY_PID, 1, -1, -1)) << "\n"
      << "driver_from_host=" << result_text(call(PIDCMD_QUERY_PID, a.driver, a.host_ns, -1)) << "\n"
      << "rel_sibling_sibling="
      << result_text(call(PIDCMD_QUERY_PIDNS, 0, a.sibling_ns, a.sibling_ns)) << "\n"
      << "sibling_init=" << result_text(call(PIDCMD_QUERY_PID, 1, a.sibling_ns, -1)) << "\n"
      << "sibling_init_to_self="
      << result_text(call(PIDCMD_QUERY_PID, 1, a.sibling_ns, a.sibling_ns)) << "\n"
      << "sibling_pidfd=" << result_text(call(PIDCMD_GET_PIDFD, 1, a.sibling_ns, a.sibling_ns))
      << "\n"
      << "own_pidfd=" << (own_pidfd >= 0 ? "fd" : result_text(own_pidfd)) << "\n"
      << "api_pid=" << (ec ? ec.message() : std::to_string(api_pid)) << "\n"
      << "driver_pidfd=" << (driver_pidfd >= 0 ? "fd" : result_text(driver_pidfd)) << "\n"
      << "pidfd_self=" << result_text(by_pidfd(own_pidfd, -1)) << "\n"
      << "pidfd_self_to_host=" << result_text(by_pidfd(own_pidfd, a.host_ns)) << "\n"
      << "pidfd_driver=" << result_text(by_pidfd(a.driver_pidfd, -1)) << "\n"
      << "pidfd_driver_to_host=" << result_text(by_pidfd(a.driver_pidfd, a.host_ns)) << "\n";
    std::string text = o.str();
    if (::write(out, text.data(), text.size()) < 0)
        ::_exit(1);
}

std::map<std::string, std::string> parse_lines(const std::string& text) {
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        size_t eq = line.find('=');
        if (eq != std::string::npos)
            out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

TEST_P(TreeContract, CallerInsideAChildNamespace) {
    tree_spec s;
    s.nodes.push_back({-1, true, 0, false, pidctl_test::fate::running});
    ns_tree sibling(s);
    pidctl::unique_fd driver = open_pidfd(::getpid());
    ASSERT_TRUE(driver);
    outside_view_args args{GetParam(), sibling.namespaces()[0].handle.fd(),
                           sibling.namespaces()[1].handle.fd(), ::getpid(), driver.get()};
    auto got = parse_lines(pidctl_test::run_in_new_pidns(ask_from_inside, &args));
    ASSERT_FALSE(got["host_pid"].empty());
    const std::string host_pid = got["host_pid"];

    // Answers every backend knows: the caller's own subtree.
    EXPECT_EQ(got["self_in_self"], "1");
    EXPECT_EQ(got["own_pidfd"], "fd");
    EXPECT_EQ(got["api_pid"], "1");
    EXPECT_EQ(got["pidfd_self"], "1");
    // A pidfd received from outside names a task the caller cannot number.
    EXPECT_EQ(got["pidfd_driver"], "-EREMOTE");
    EXPECT_EQ(got["pidfd_driver_to_host"], "-EREMOTE");

    // What the system call answers, and what stock kernels can tell of it.
    struct expectation {
        const char* key;
        std::string native, nsfs, procfs;
    };
    const std::string unsupported = "-EOPNOTSUPP";
    // host_ns is an ancestor of the caller's namespace, sibling_ns beside
    // its line: tasks there are invisible (ESRCH, like free numbers), and
    // relations with it are EPERM, as NS_GET_PARENT gives beyond the view.
    // procfs cannot tell an ancestor from a namespace beside the line.
    const expectation table[] = {
        {"rel_host_self", "2", "2", unsupported},
        {"rel_self_host", "3", "3", unsupported},
        {"rel_host_host", "1", "1", unsupported},
        {"rel_host_sibling", "-EPERM", "-EPERM", unsupported},
        {"rel_sibling_self", "-EPERM", "-EPERM", unsupported},
        {"rel_sibling_sibling", "-EPERM", "-EPERM", unsupported},
        {"self_from_host", "1", "1", unsupported},
        {"self_to_host", host_pid, host_pid, unsupported},
        {"driver_from_host", "-ESRCH", "-ESRCH", unsupported},
        {"sibling_init", "-ESRCH", "-ESRCH", unsupported},
        {"sibling_init_to_self", "-ESRCH", "-ESRCH", unsupported},
        {"driver_pidfd", "-ESRCH", "-ESRCH", unsupported},
        {"sibling_pidfd", "-ESRCH", "-ESRCH", unsupported},
        {"pidfd_self_to_host", host_pid, host_pid, unsupported},
    };
    for (const auto& e : table) {
        const std::string& want = GetParam() == backend::native ? e.native
                                  : GetParam() == backend::nsfs ? e.nsfs
                                                                : e.procfs;
        EXPECT_EQ(got[e.key], want) << e.key;
    }
}

// --- a caller that may not inspect other users' processes --------------------

// Runs `body` in a forked child as user and group nobody, dumpable as
// after an exec, and returns what it writes to the fd it is given.
template <class Body>
std::string run_as_nobody(Body body) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0)
        return "pipe2 failed";
    pid_t child = ::fork();
    if (child == 0) {
        ::close(p[0]);
        constexpr uid_t nobody = 65534;
        if (::setgroups(0, nullptr) < 0 || ::setresgid(nobody, nobody, nobody) < 0 ||
            ::setresuid(nobody, nobody, nobody) < 0 || ::prctl(PR_SET_DUMPABLE, 1) < 0)
            ::_exit(1);
        std::string text = body();
        if (::write(p[1], text.data(), text.size()) < 0)
            ::_exit(1);
        ::_exit(0);
    }
    ::close(p[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0)
        out.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "child failed";
    return out;
}

// Issue 16: as nobody, procfs said EACCES for a root process, although
// the question needed no namespace read, and ESRCH for a task whose
// /proc/PID/ns/pid it could not read. The answers are the system call's,
// or EOPNOTSUPP where /proc cannot tell.
TEST_P(TreeContract, CallerThatMayNotInspectRootsProcesses) {
    tree_spec s;
    s.nodes.push_back({-1, true, 0, false, pidctl_test::fate::running});
    ns_tree tree(s);
    const int child_ns = tree.namespaces()[1].handle.fd();
    const pid_t init = tree.tasks()[tree.main_task(0)].tid;
    const pid_t root_process = ::getpid(); // the test runs as root
    const pid_t free_number = tree.numbers_in(1).back();
    const backend b = GetParam();
    auto got = parse_lines(run_as_nobody([&] {
        auto call = [&](unsigned cmd, pid_t pid, int source, int target) {
            return result_text(pidctl::detail::call(b, cmd, pid, source, target, 0));
        };
        long fd = pidctl::detail::call(b, PIDCMD_GET_PIDFD, root_process, -1, -1, 0);
        std::ostringstream o;
        o << "root_self=" << call(PIDCMD_QUERY_PID, root_process, -1, -1) << "\n"
          << "root_to_child=" << call(PIDCMD_QUERY_PID, root_process, -1, child_ns) << "\n"
          << "root_pidfd=" << (fd >= 0 ? "fd" : result_text(fd)) << "\n"
          << "init_from_child=" << call(PIDCMD_QUERY_PID, 1, child_ns, -1) << "\n"
          << "init_in_child=" << call(PIDCMD_QUERY_PID, 1, child_ns, child_ns) << "\n"
          << "init_to_child=" << call(PIDCMD_QUERY_PID, init, -1, child_ns) << "\n"
          << "free_from_child=" << call(PIDCMD_QUERY_PID, free_number, child_ns, -1) << "\n"
          << "relation=" << call(PIDCMD_QUERY_PIDNS, 0, -1, child_ns) << "\n";
        return o.str();
    }));
    ASSERT_FALSE(got["root_self"].empty()) << "the unprivileged child failed";
    const bool stock_cannot_tell = b == backend::procfs;
    const std::string unsupported = "-EOPNOTSUPP";
    EXPECT_EQ(got["root_self"], std::to_string(root_process));
    EXPECT_EQ(got["root_to_child"], "-ENOENT");
    EXPECT_EQ(got["root_pidfd"], "fd");
    EXPECT_EQ(got["init_from_child"], stock_cannot_tell ? unsupported : std::to_string(init));
    EXPECT_EQ(got["init_in_child"], stock_cannot_tell ? unsupported : "1");
    EXPECT_EQ(got["init_to_child"], stock_cannot_tell ? unsupported : "1");
    EXPECT_EQ(got["free_from_child"], "-ESRCH") << "EOPNOTSUPP only where a task may have it";
    EXPECT_EQ(got["relation"], "2");
}

// --- backend choice -------------------------------------------------------------

// Makes pidctl()'s number fail with ENOSYS in this process, as a seccomp
// filter installed after the library's first probe would.
bool take_pidctl_away() {
    sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pidctl, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

// Issue 16: select_backend(automatic) says it probes again; it used the
// first native probe's answer forever, so a process that lost pidctl()
// kept a native backend whose every call failed.
TEST(BackendChoice, AutomaticProbesAgain) {
    if (!pidctl::detail::probe(backend::native))
        GTEST_SKIP() << "needs a kernel with pidctl()";
    if (::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
        GTEST_SKIP() << "needs CONFIG_SECCOMP_FILTER (the project's VM kernel has none)";
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        pidctl::select_backend(backend::automatic);
        if (pidctl::active_backend() != backend::native)
            ::_exit(10);
        if (!take_pidctl_away())
            ::_exit(11);
        std::error_code ec;
        pidctl::select_backend(backend::automatic, ec);
        if (ec)
            ::_exit(12);
        if (pidctl::active_backend() == backend::native)
            ::_exit(13); // the stale probe
        if (pidctl::backend_available(backend::native))
            ::_exit(14);
        // The library answers through the stock backend now.
        pid_t self = pidctl::translate(::getpid(), pidctl::pid_namespace::current(),
                                       pidctl::pid_namespace::current(), ec);
        ::_exit(!ec && self == ::getpid() ? 0 : 15);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10: not native at first, 11: no seccomp, 12: select "
                                         "failed, 13: still native, 14: native still available, "
                                         "15: no answer";
}

TEST_P(Contract, NoFdLeaks) {
    fds f;
    const int before = pidctl_test::open_fd_count();
    const pid_t self = ::getpid();
    for (int i = 0; i < 20; ++i) {
        query_pid(self, -1, -1);
        query_pid(self, f.self_ns.get(), f.null.get());
        query_pid(999999, f.self_ns.get(), -1);
        query_pidns(f.self_ns.get(), f.children_ns.get());
        query_pidns(f.closed, -1);
        long fd = call(PIDCMD_GET_PIDFD, self, f.self_ns.get(), -1, 0);
        if (fd >= 0)
            ::close(static_cast<int>(fd));
        call(PIDCMD_GET_PIDFD, 999999, -1, -1, 0);
    }
    EXPECT_EQ(pidctl_test::open_fd_count(), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, Contract, testing::ValuesIn(pidctl_test::concrete_backends),
                         pidctl_test::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, TreeContract, testing::ValuesIn(pidctl_test::concrete_backends),
                         pidctl_test::backend_name);

} // namespace
