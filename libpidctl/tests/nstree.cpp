// SPDX-License-Identifier: LGPL-2.1-or-later
#include "nstree.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <set>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pidctl_test {

namespace {

constexpr unsigned pidfd_thread_flag = O_EXCL; // PIDFD_THREAD
constexpr int build_timeout_ms = 20000;
constexpr pid_t beyond_pid_max = 4194305; // PID_MAX_LIMIT + 1: never a pid

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("nstree: " + what + ": " + std::strerror(errno));
}

// --- ground truth readers, independent of the library ---------------------

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return {};
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

std::vector<pid_t> numbers_after(const std::string& text, const std::string& key) {
    std::vector<pid_t> out;
    size_t pos = text.find("\n" + key);
    if (pos == std::string::npos)
        return out;
    std::istringstream line(text.substr(pos + key.size() + 1, text.find('\n', pos + 1) - pos));
    long value;
    while (line >> value)
        out.push_back(static_cast<pid_t>(value));
    return out;
}

// NSpid of a task, empty if it is gone.
std::vector<pid_t> nspid_of(pid_t tid) {
    return numbers_after(read_text("/proc/" + std::to_string(tid) + "/status"), "NSpid:");
}

// "Pid:" of a pidfd: -1 once its task has been reaped.
pid_t pidfd_pid(int fd) {
    std::string info = read_text("/proc/self/fdinfo/" + std::to_string(fd));
    std::vector<pid_t> pid = numbers_after("\n" + info, "Pid:");
    if (pid.size() != 1)
        throw std::runtime_error("nstree: no Pid: in fdinfo of fd " + std::to_string(fd));
    return pid[0];
}

// The state letter of /proc/TID/stat, or 'X' when it is gone.
char task_state(pid_t tid) {
    std::string stat = read_text("/proc/" + std::to_string(tid) + "/stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size())
        return 'X';
    return stat[paren + 2];
}

ino_t ns_inode_of(pid_t tid) {
    struct stat st {};
    std::string path = "/proc/" + std::to_string(tid) + "/ns/pid";
    if (::stat(path.c_str(), &st) < 0)
        fail("stat " + path);
    return st.st_ino;
}

// --- the node processes ----------------------------------------------------

struct report_msg {
    int node;
    int thread;
    pid_t own_number; // getpid() / gettid(): its number in its own namespace
};

void send_report(int sock, const report_msg& m, int fd) {
    iovec iov{const_cast<report_msg*>(&m), sizeof m};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
        ::_exit(112);
}

int own_pidfd() {
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, ::gettid(), pidfd_thread_flag));
    if (fd < 0)
        ::_exit(113);
    return fd;
}

struct node_context {
    const tree_spec* spec;
    int report_fd;
    int release_fd;
};

struct thread_arg {
    int report_fd;
    int node;
    int index;
};

void* thread_main(void* p) {
    const thread_arg arg = *static_cast<thread_arg*>(p);
    int fd = own_pidfd();
    send_report(arg.report_fd, {arg.node, arg.index, ::gettid()}, fd);
    ::close(fd);
    for (;;)
        ::pause();
}

void start_threads(const node_context& ctx, int id, int count) {
    static thread_arg args[64];
    for (int i = 0; i < count && i < 64; ++i) {
        args[i] = {ctx.report_fd, id, i};
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        pthread_t t;
        if (pthread_create(&t, &attr, thread_main, &args[i]) != 0)
            ::_exit(114);
        pthread_attr_destroy(&attr);
    }
}

void wait_for_release(int fd) {
    char byte;
    for (;;) {
        ssize_t n = ::read(fd, &byte, 1);
        if (n == 0)
            return;
        if (n < 0 && errno != EINTR)
            ::_exit(115);
    }
}

// Forks a child; with `new_ns` as init of a new pid namespace. Restores our
// pid_for_children afterwards so later children stay beside us.
pid_t fork_child(bool new_ns, int own_ns) {
    if (new_ns && ::unshare(CLONE_NEWPID) < 0)
        return -1;
    pid_t pid = ::fork();
    if (pid != 0 && new_ns && ::setns(own_ns, CLONE_NEWPID) < 0)
        ::_exit(116);
    return pid;
}

[[noreturn]] void node_main(const node_context& ctx, int id) {
    const tree_spec& spec = *ctx.spec;
    const node_spec& me = spec.nodes[static_cast<size_t>(id)];
    int self = own_pidfd();
    send_report(ctx.report_fd, {id, -1, ::getpid()}, self);
    ::close(self);

    int own_ns = ::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (own_ns < 0)
        ::_exit(117);
    std::vector<std::pair<pid_t, int>> children;
    for (size_t c = 0; c < spec.nodes.size(); ++c) {
        if (spec.nodes[c].parent != id)
            continue;
        pid_t pid = fork_child(spec.nodes[c].new_ns, own_ns);
        if (pid < 0)
            ::_exit(118);
        if (pid == 0) {
            ::close(own_ns);
            node_main(ctx, static_cast<int>(c));
        }
        children.emplace_back(pid, static_cast<int>(c));
    }
    ::close(own_ns);
    start_threads(ctx, id, me.threads);
    wait_for_release(ctx.release_fd);

    for (auto [pid, child] : children)
        if (spec.nodes[static_cast<size_t>(child)].end == fate::reaped)
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
    if (me.end != fate::running)
        ::_exit(0);
    if (me.leader_exits)
        ::syscall(SYS_exit, 0); // only this thread
    for (;;)
        ::pause();
}

} // namespace

// --- tree_spec -------------------------------------------------------------

tree_spec tree_spec::random(std::mt19937& rng, int max_nodes, int max_depth, bool full_depth) {
    auto chance = [&rng](int percent) {
        return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
    };
    auto below = [&rng](int n) {
        return std::uniform_int_distribution<int>(0, n - 1)(rng);
    };

    tree_spec spec;
    std::vector<int> depth; // of each node's namespace
    auto add = [&](int parent, bool new_ns) {
        node_spec n;
        n.parent = parent;
        n.new_ns = new_ns;
        depth.push_back((parent < 0 ? 0 : depth[static_cast<size_t>(parent)]) + (new_ns ? 1 : 0));
        spec.nodes.push_back(n);
    };

    int nodes = 2 + below(std::max(1, max_nodes - 1));
    if (full_depth)
        nodes = std::max(nodes, std::min(max_nodes, max_depth + 4));
    add(-1, true);
    // Sometimes a spine of nested namespaces as deep as allowed.
    if (full_depth || chance(30))
        while (depth.back() < max_depth && static_cast<int>(spec.nodes.size()) < nodes)
            add(static_cast<int>(spec.nodes.size()) - 1, true);
    int roots = 1;
    while (static_cast<int>(spec.nodes.size()) < nodes) {
        int count = static_cast<int>(spec.nodes.size());
        if (roots < 3 && chance(8)) {
            add(-1, true);
            ++roots;
            continue;
        }
        int parent = chance(40) ? count - 1 : below(count);
        bool deeper_ok = depth[static_cast<size_t>(parent)] < max_depth;
        add(parent, deeper_ok && chance(50));
    }
    for (auto& n : spec.nodes) {
        n.threads = chance(35) ? 1 + below(3) : 0;
        if (n.parent < 0)
            continue; // roots keep running: killing them tears the tree down
        n.leader_exits = n.threads > 0 && chance(25);
        int roll = below(100);
        n.end = roll < 15 ? fate::zombie : roll < 30 ? fate::reaped : fate::running;
    }
    return spec;
}

std::string tree_spec::describe() const {
    std::ostringstream out;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const node_spec& n = nodes[i];
        out << (i ? " " : "") << i << "<" << n.parent << (n.new_ns ? ",ns" : "");
        if (n.threads)
            out << ",t" << n.threads;
        if (n.leader_exits)
            out << ",leader-exits";
        if (n.end != fate::running)
            out << (n.end == fate::zombie ? ",zombie" : ",reaped");
    }
    return out.str();
}

// --- ns_tree ---------------------------------------------------------------

ns_tree::ns_tree(const tree_spec& spec) : spec_(spec) {
    // Ground truth indexes NSpid by depth below us: /proc must be ours.
    if (nspid_of(::getpid()).size() != 1)
        throw std::runtime_error("nstree: /proc is not of the caller's pid namespace");
    for (size_t i = 0; i < spec_.nodes.size(); ++i) {
        const node_spec& n = spec_.nodes[i];
        if (n.parent >= static_cast<int>(i) ||
            (n.parent < 0 && (!n.new_ns || n.end != fate::running)))
            throw std::invalid_argument("nstree: bad spec: " + spec_.describe());
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        fail("socketpair");
    report_read_.reset(sv[0]);
    report_write_.reset(sv[1]);
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0)
        fail("pipe2");
    release_read_.reset(pipefd[0]);
    release_write_.reset(pipefd[1]);

    try {
        size_t expected = 0;
        for (const auto& n : spec_.nodes)
            expected += 1 + static_cast<size_t>(n.threads);
        spawn_roots();
        collect_reports(expected);
        open_namespaces();
        refresh();
        check_structure();
        for (const auto& t : tasks_)
            first_numbers_.push_back(t.numbers);
        release_and_settle();
        refresh();
    } catch (...) {
        teardown();
        throw;
    }
}

ns_tree::~ns_tree() {
    teardown();
}

void ns_tree::spawn_roots() {
    pidctl::pid_namespace own = pidctl::pid_namespace::current();
    static node_context ctx; // read by children only, after fork
    ctx = {&spec_, report_write_.get(), release_read_.get()};
    for (size_t i = 0; i < spec_.nodes.size(); ++i) {
        if (spec_.nodes[i].parent != -1)
            continue;
        pid_t pid = fork_child(true, own.fd());
        if (pid < 0)
            fail("fork of a root");
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL); // die with the test
            ::close(report_read_.get());
            ::close(release_write_.get());
            node_main(ctx, static_cast<int>(i));
        }
        roots_.push_back(pid);
    }
    report_write_.reset(); // EOF once every node is gone
}

void ns_tree::collect_reports(size_t expected) {
    tasks_.clear();
    std::vector<task_info> received;
    std::vector<pid_t> own_numbers;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(build_timeout_ms);
    while (received.size() < expected) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        pollfd p{report_read_.get(), POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0)
            throw std::runtime_error("nstree: only " + std::to_string(received.size()) + " of " +
                                     std::to_string(expected) +
                                     " tasks started: " + spec_.describe());
        report_msg m{};
        iovec iov{&m, sizeof m};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(report_read_.get(), &msg, MSG_CMSG_CLOEXEC);
        if (n == 0)
            throw std::runtime_error("nstree: nodes died while starting: " + spec_.describe());
        if (n != static_cast<ssize_t>(sizeof m))
            fail("recvmsg");
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        if (!c || c->cmsg_type != SCM_RIGHTS)
            throw std::runtime_error("nstree: report without pidfd");
        int fd;
        std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
        task_info t;
        t.node = m.node;
        t.thread = m.thread;
        t.leader = m.thread < 0;
        t.pidfd.reset(fd);
        t.tid = pidfd_pid(fd);
        received.push_back(std::move(t));
        own_numbers.push_back(m.own_number);
    }
    // Order: by node, main thread first, then threads.
    std::vector<size_t> order(received.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::pair(received[a].node, received[a].thread) <
               std::pair(received[b].node, received[b].thread);
    });
    own_numbers_.clear();
    for (size_t i : order) {
        tasks_.push_back(std::move(received[i]));
        own_numbers_.push_back(own_numbers[i]);
    }
}

void ns_tree::open_namespaces() {
    namespaces_.clear();
    namespaces_.push_back({-1, 0, pidctl::pid_namespace::current()});
    node_ns_.assign(spec_.nodes.size(), 0);
    for (size_t i = 0; i < spec_.nodes.size(); ++i) {
        const node_spec& n = spec_.nodes[i];
        int parent_ns = n.parent < 0 ? 0 : node_ns_[static_cast<size_t>(n.parent)];
        if (!n.new_ns) {
            node_ns_[i] = parent_ns;
            continue;
        }
        const task_info& init = tasks_[static_cast<size_t>(main_task(static_cast<int>(i)))];
        ns_info ns;
        ns.parent = parent_ns;
        ns.depth = namespaces_[static_cast<size_t>(parent_ns)].depth + 1;
        ns.handle = pidctl::pid_namespace::open("/proc/" + std::to_string(init.tid) + "/ns/pid");
        if (pidfd_pid(init.pidfd.get()) != init.tid)
            throw std::runtime_error("nstree: an init died while starting");
        node_ns_[i] = static_cast<int>(namespaces_.size());
        namespaces_.push_back(std::move(ns));
    }
    for (auto& t : tasks_)
        t.ns = node_ns_[static_cast<size_t>(t.node)];
}

int ns_tree::main_task(int node) const {
    for (size_t i = 0; i < tasks_.size(); ++i)
        if (tasks_[i].node == node && tasks_[i].thread < 0)
            return static_cast<int>(i);
    throw std::logic_error("nstree: no main task");
}

// The tree is what the spec says: each task in its namespace, as deep as
// expected, numbered from inside as NSpid says.
void ns_tree::check_structure() const {
    std::set<ino_t> inodes;
    for (const auto& ns : namespaces_)
        inodes.insert(ns.handle.inode());
    if (inodes.size() != namespaces_.size())
        throw std::runtime_error("nstree: namespaces are not distinct");
    for (size_t i = 0; i < tasks_.size(); ++i) {
        const task_info& t = tasks_[i];
        const ns_info& ns = namespaces_[static_cast<size_t>(t.ns)];
        std::string who = "task " + std::to_string(t.tid) + " of node " + std::to_string(t.node);
        if (ns_inode_of(t.tid) != ns.handle.inode())
            throw std::runtime_error("nstree: " + who + " is in the wrong namespace");
        if (static_cast<int>(t.numbers.size()) != ns.depth + 1)
            throw std::runtime_error("nstree: " + who + " has a wrong NSpid depth");
        if (t.numbers.front() != t.tid || t.numbers.back() != own_numbers_[i])
            throw std::runtime_error("nstree: " + who + " has a wrong number");
    }
}

void ns_tree::release_and_settle() {
    // Processes that end: their own fate, or an exiting init above them.
    std::vector<bool> doomed(spec_.nodes.size());
    for (size_t i = 0; i < spec_.nodes.size(); ++i) {
        const node_spec& n = spec_.nodes[i];
        doomed[i] = n.end != fate::running;
        for (int a = n.parent; a >= 0 && !doomed[i]; a = spec_.nodes[static_cast<size_t>(a)].parent)
            doomed[i] = spec_.nodes[static_cast<size_t>(a)].new_ns &&
                        spec_.nodes[static_cast<size_t>(a)].end != fate::running;
        // An init's own exit takes its namespace along, too.
    }
    release_write_.reset();

    auto settled_now = [&](std::string& states) {
        bool done = true;
        states.clear();
        for (const auto& t : tasks_) {
            char s = pidfd_pid(t.pidfd.get()) < 0 ? 'X' : task_state(t.tid);
            states += s;
            const node_spec& n = spec_.nodes[static_cast<size_t>(t.node)];
            bool ended = s == 'X' || s == 'Z';
            if (doomed[static_cast<size_t>(t.node)] && !ended)
                done = false;
            if (t.leader && n.leader_exits && !ended)
                done = false;
        }
        return done;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(build_timeout_ms);
    std::string previous, states;
    int stable = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        bool done = settled_now(states);
        stable = done && states == previous ? stable + 1 : 0;
        if (stable >= 3)
            return;
        previous = states;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("nstree: tree did not settle: " + spec_.describe());
}

void ns_tree::refresh() {
    for (auto& t : tasks_) {
        t.exists = pidfd_pid(t.pidfd.get()) >= 0;
        t.numbers = t.exists ? nspid_of(t.tid) : std::vector<pid_t>{};
        if (t.exists && t.numbers.empty()) // reaped between the two reads
            t.exists = pidfd_pid(t.pidfd.get()) >= 0;
        if (t.exists && t.numbers.empty())
            throw std::runtime_error("nstree: no NSpid for task " + std::to_string(t.tid));
    }
}

void ns_tree::teardown() noexcept {
    for (pid_t root : roots_)
        ::kill(root, SIGKILL); // our unreaped children: the numbers are still theirs
    for (pid_t root : roots_)
        while (::waitpid(root, nullptr, 0) < 0 && errno == EINTR) {
        }
    roots_.clear();
}

bool ns_tree::ns_contains(int a, int b) const {
    for (int n = b; n >= 0; n = namespaces_[static_cast<size_t>(n)].parent)
        if (n == a)
            return true;
    return false;
}

int ns_tree::task_numbered(pid_t pid, int ns) const {
    const size_t depth = static_cast<size_t>(namespaces_[static_cast<size_t>(ns)].depth);
    for (size_t i = 0; i < tasks_.size(); ++i) {
        const task_info& t = tasks_[i];
        if (t.exists && ns_contains(ns, t.ns) && t.numbers[depth] == pid)
            return static_cast<int>(i);
    }
    return -1;
}

long ns_tree::expected_translation(pid_t pid, int from, int to) const {
    int i = task_numbered(pid, from);
    if (i < 0)
        return -ESRCH;
    const task_info& t = tasks_[static_cast<size_t>(i)];
    if (!ns_contains(to, t.ns))
        return -ENOENT;
    return t.numbers[static_cast<size_t>(namespaces_[static_cast<size_t>(to)].depth)];
}

long ns_tree::expected_pidfd_translation(int task, int to) const {
    const task_info& t = tasks_[static_cast<size_t>(task)];
    if (!t.exists)
        return -ESRCH;
    if (!ns_contains(to, t.ns))
        return -ENOENT;
    return t.numbers[static_cast<size_t>(namespaces_[static_cast<size_t>(to)].depth)];
}

long ns_tree::expected_relation(int a, int b) const {
    if (a == b)
        return 1; // PIDNS_EQUAL
    if (ns_contains(a, b))
        return 2; // PIDNS_SOURCE_IS_ANCESTOR
    if (ns_contains(b, a))
        return 3; // PIDNS_TARGET_IS_ANCESTOR
    return 0;     // PIDNS_UNRELATED
}

std::vector<pid_t> ns_tree::numbers_in(int ns) const {
    const size_t depth = static_cast<size_t>(namespaces_[static_cast<size_t>(ns)].depth);
    std::set<pid_t> out{beyond_pid_max};
    for (size_t i = 0; i < tasks_.size(); ++i) {
        const task_info& t = tasks_[i];
        if (!ns_contains(ns, t.ns))
            continue;
        if (t.exists)
            out.insert(t.numbers[depth]);
        else if (ns != 0) // only the tree's namespaces are free of reuse
            out.insert(first_numbers_[i][depth]);
    }
    if (ns != 0)
        out.insert(*std::prev(out.end(), out.size() > 1 ? 2 : 1) + 1);
    return {out.begin(), out.end()};
}

int open_fd_count() {
    DIR* d = ::opendir("/proc/self/fd");
    if (!d)
        return -1;
    int count = 0;
    while (dirent* e = ::readdir(d))
        if (e->d_name[0] != '.')
            ++count;
    ::closedir(d);
    return count - 1; // the directory's own fd
}

bool can_build_trees() {
    if (::geteuid() != 0)
        return false;
    pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(::unshare(CLONE_NEWPID) == 0 ? 0 : 1);
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) < 0)
        return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string run_in_new_pidns(void (*body)(int out_fd, void* arg), void* arg) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0)
        fail("pipe2");
    pid_t helper = ::fork();
    if (helper < 0)
        fail("fork");
    if (helper == 0) {
        ::close(p[0]);
        if (::unshare(CLONE_NEWPID) < 0)
            ::_exit(120);
        pid_t init = ::fork();
        if (init == 0) {
            body(p[1], arg);
            ::_exit(0);
        }
        ::close(p[1]);
        int status = 0;
        if (init < 0 || ::waitpid(init, &status, 0) < 0)
            ::_exit(121);
        ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 122);
    }
    ::close(p[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(p[0]);
    int status = 0;
    ::waitpid(helper, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("nstree: process in a new pid namespace failed, status " +
                                 std::to_string(status));
    return out;
}

} // namespace pidctl_test
