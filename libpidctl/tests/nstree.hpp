// SPDX-License-Identifier: LGPL-2.1-or-later
// Trees of pid namespaces, processes and threads for tests, built as root,
// with the kernel's own numbering read back as ground truth.
//
// A tree_spec says which processes to fork, which of them start a new pid
// namespace (CLONE_NEWPID), how many threads each runs and how each ends:
// still running, exited but not reaped (a zombie), exited and reaped, or
// with only its main thread gone (a zombie thread-group leader). Roots are
// always inits of new namespaces that keep running, so killing the roots
// tears a tree down entirely, even if the test process dies.
//
// Ground truth comes from the tree's structure (which namespace is whose
// child) and from /proc/TID/status NSpid lines of the tasks the tree knows
// by pidfd, not from any backend of the library.
#ifndef PIDCTL_TESTS_NSTREE_HPP
#define PIDCTL_TESTS_NSTREE_HPP

#include <pidctl/pidctl.hpp>

#include <random>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pidctl_test {

enum class fate { running, zombie, reaped };

struct node_spec {
    int parent = -1;           // index of the parent node; -1: the test process
    bool new_ns = false;       // the node is the init of a new pid namespace
    int threads = 0;           // threads beside the main thread
    bool leader_exits = false; // the main thread exits, the other threads stay
    fate end = fate::running;
};

struct tree_spec {
    std::vector<node_spec> nodes; // parents come before their children

    // A random tree: up to `max_nodes` processes, namespaces nested up to
    // `max_depth` levels below the test process's; with `full_depth`, one
    // chain of namespaces always goes that deep.
    static tree_spec random(std::mt19937& rng, int max_nodes, int max_depth,
                            bool full_depth = false);
    std::string describe() const;
};

// Answers are kernel-style: a value >= 0 or a negative errno.
class ns_tree {
public:
    struct ns_info {
        int parent = -1; // index in namespaces(); -1 for index 0, the caller's
        int depth = 0;   // levels below the caller's namespace
        pidctl::pid_namespace handle;
    };

    struct task_info {
        int node = -1;
        int thread = -1; // -1: the main thread
        int ns = 0;      // index in namespaces()
        pid_t tid = 0;   // its number in the caller's namespace
        bool leader = false;
        pidctl::unique_fd pidfd;    // a PIDFD_THREAD pidfd of exactly this task
        bool exists = true;         // not reaped (yet)
        std::vector<pid_t> numbers; // NSpid: numbers[d] is the number at depth d
    };

    explicit ns_tree(const tree_spec& spec); // builds it; throws on failure
    ~ns_tree();
    ns_tree(const ns_tree&) = delete;
    ns_tree& operator=(const ns_tree&) = delete;

    const tree_spec& spec() const { return spec_; }
    const std::vector<ns_info>& namespaces() const { return namespaces_; }
    const std::vector<task_info>& tasks() const { return tasks_; }
    // Index in tasks() of a node's main thread.
    int main_task(int node) const;

    // Whether namespace `a` is `b` or an ancestor of it.
    bool ns_contains(int a, int b) const;

    // What pidctl(PIDCMD_QUERY_PID, pid, from, to) must answer.
    long expected_translation(pid_t pid, int from, int to) const;
    // What pidctl(PIDCMD_QUERY_PID, tasks()[task].pidfd, -1, to, PIDCTL_PIDFD)
    // must answer.
    long expected_pidfd_translation(int task, int to) const;
    // What pidctl(PIDCMD_QUERY_PIDNS, 0, a, b) must answer.
    long expected_relation(int a, int b) const;
    // The task numbered `pid` in namespace `ns`, or -1.
    int task_numbered(pid_t pid, int ns) const;
    // Numbers worth asking about in `ns`: every task's, also of reaped
    // tasks (in namespaces of the tree, where numbers are not reused), and
    // numbers nobody has.
    std::vector<pid_t> numbers_in(int ns) const;

private:
    void spawn_roots();
    void collect_reports(size_t expected);
    void open_namespaces();
    void check_structure() const;
    void release_and_settle();
    void refresh();
    void teardown() noexcept;

    tree_spec spec_;
    std::vector<int> node_ns_; // namespace index of each node
    std::vector<ns_info> namespaces_;
    std::vector<task_info> tasks_;
    std::vector<std::vector<pid_t>> first_numbers_; // numbers of each task before any exit
    std::vector<pid_t> own_numbers_;                // each task's number as it saw it
    std::vector<pid_t> roots_;                      // our children, to reap
    pidctl::unique_fd report_read_, report_write_, release_read_, release_write_;
};

// The number of fds the calling process has open (for leak checks).
int open_fd_count();

// Whether the test can build trees here (root, CLONE_NEWPID allowed).
bool can_build_trees();

// Runs `body` as init of a new pid namespace below the caller's; returns
// what it writes to `out` (the write end given to it). Throws on failure.
std::string run_in_new_pidns(void (*body)(int out_fd, void* arg), void* arg);

} // namespace pidctl_test

#endif
