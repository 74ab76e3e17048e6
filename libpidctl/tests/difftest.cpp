// SPDX-License-Identifier: LGPL-2.1-or-later
// libpidctl_difftest: on randomly shaped trees of pid namespaces (siblings,
// deep nesting, exited inits, zombies, threads) every backend must give the
// same answer to every (pid, from, to) translation, every relation, pidfds
// for every pid and the number of every task's pidfd in every namespace, and
// that answer must be the kernel's (/proc).
//
// The questions are asked twice: by the test process, which sees the whole
// tree, and by a process inside one of the tree's namespaces that holds fds
// of its ancestors and of namespaces beside its line. That one must be told
// ESRCH for tasks it cannot see, as for free numbers, EREMOTE for their
// pidfds and EPERM for relations with namespaces beside its line; a stock
// backend may say EOPNOTSUPP only where a stock kernel cannot tell.
//
// Prints TAP, one test per tree, and the seed to reproduce a run with.
#include "backend_impl.hpp"
#include "nstree.hpp"

#include <linux/pidctl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sched.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using pidctl::backend;
using pidctl_test::ns_tree;

namespace {

constexpr unsigned pidfd_thread = O_EXCL;

struct options {
    unsigned seed = 0;
    bool seed_given = false;
    int trees = 4;
    int max_nodes = 16;
    int max_depth = 8;
    int targets = 0; // 0: translate into every namespace
    int inside = 1;  // callers inside the tree's namespaces, per tree
    std::vector<backend> backends;
};

std::string result_text(long ret) {
    if (ret >= 0)
        return std::to_string(ret);
    const char* name = ::strerrorname_np(static_cast<int>(-ret));
    return std::string("-") + (name ? name : std::to_string(-ret));
}

pid_t pid_of_pidfd(int fd) {
    std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pid:", 0) == 0)
            return std::stoi(line.substr(4));
    return 0;
}

// A task as the ground truth sees it: the tree's, or the asking process.
struct task_view {
    int ns = 0;
    pid_t tid = 0; // its number in namespace 0
    bool leader = true;
    const std::vector<pid_t>* numbers = nullptr; // numbers[d]: at depth d
};

// What a caller in namespace `caller` of the tree must be told. Namespace
// 0 is the test process's: it sees the whole tree. A caller elsewhere is
// itself a task of its namespace (`self`, its numbers by depth).
class viewpoint {
public:
    viewpoint(const ns_tree& tree, int caller, std::vector<pid_t> self)
        : tree_(tree), caller_(caller), self_(std::move(self)) {}

    int caller() const { return caller_; }
    bool in_view(int ns) const { return tree_.ns_contains(caller_, ns); }
    bool ancestor(int ns) const { return ns != caller_ && tree_.ns_contains(ns, caller_); }
    bool beside(int ns) const { return !in_view(ns) && !ancestor(ns); }

    // Numbers worth asking about in `ns`.
    std::vector<pid_t> numbers_in(int ns) const {
        std::vector<pid_t> out = tree_.numbers_in(ns);
        if (!self_.empty() && tree_.ns_contains(ns, caller_)) {
            pid_t own = self_[static_cast<size_t>(depth(ns))];
            if (std::find(out.begin(), out.end(), own) == out.end())
                out.push_back(own);
        }
        return out;
    }

    long relation(int a, int b) const {
        if (beside(a) || beside(b))
            return -EPERM;
        return tree_.expected_relation(a, b);
    }

    // The task numbered `pid` in `from`, if it exists.
    std::optional<task_view> task_numbered(pid_t pid, int from) const {
        if (!self_.empty() && tree_.ns_contains(from, caller_) &&
            self_[static_cast<size_t>(depth(from))] == pid)
            return task_view{caller_, self_[0], true, &self_};
        int i = tree_.task_numbered(pid, from);
        if (i < 0)
            return std::nullopt;
        const auto& t = tree_.tasks()[static_cast<size_t>(i)];
        return task_view{t.ns, t.tid, t.leader, &t.numbers};
    }

    long translation(pid_t pid, int from, int to) const {
        auto t = task_numbered(pid, from);
        if (!t || !in_view(t->ns)) // invisible tasks are no tasks
            return -ESRCH;
        return number_in(*t, to);
    }

    long pidfd_translation(int task, int to) const {
        const auto& t = tree_.tasks()[static_cast<size_t>(task)];
        if (!t.exists)
            return -ESRCH;
        if (!in_view(t.ns))
            return -EREMOTE;
        return number_in(task_view{t.ns, t.tid, t.leader, &t.numbers}, to);
    }

    // GET_PIDFD's answer, with the pidfd replaced by its fdinfo Pid.
    long pidfd(pid_t pid, int from, int to, unsigned flags) const {
        long expected = translation(pid, from, to);
        if (expected < 0)
            return expected;
        auto t = task_numbered(pid, from);
        return !t->leader && !(flags & pidfd_thread) ? -EINVAL : t->tid;
    }

private:
    int depth(int ns) const { return tree_.namespaces()[static_cast<size_t>(ns)].depth; }

    long number_in(const task_view& t, int to) const {
        if (!tree_.ns_contains(to, t.ns))
            return -ENOENT;
        return (*t.numbers)[static_cast<size_t>(depth(to))];
    }

    const ns_tree& tree_;
    int caller_;
    std::vector<pid_t> self_;
};

// One question, the kernel's answer, and each backend's.
struct question {
    std::string what;
    std::string truth;
    std::vector<std::string> answers; // per backend
};

const std::string unsupported = "-EOPNOTSUPP";

class comparison {
public:
    comparison(const ns_tree& tree, const viewpoint& view, const std::vector<backend>& backends)
        : tree_(tree), view_(view), backends_(backends) {}

    // Every relation, pidfd and pidfd's number; translations of each (pid,
    // from) into every namespace, or with targets > 0 into the root, from
    // itself and that many others drawn from rng (deep trees have ~50k
    // translations).
    void ask_everything(int targets, std::mt19937& rng) {
        const int n = static_cast<int>(tree_.namespaces().size());
        for (int a = 0; a < n; ++a)
            for (int b = 0; b < n; ++b)
                ask_relation(a, b);
        for (int from = 0; from < n; ++from)
            for (pid_t pid : view_.numbers_in(from)) {
                for (int to : translation_targets(from, n, targets, rng))
                    ask_translation(pid, from, to);
                std::vector<int> pidfd_targets{0, from, view_.caller()};
                std::sort(pidfd_targets.begin(), pidfd_targets.end());
                pidfd_targets.erase(std::unique(pidfd_targets.begin(), pidfd_targets.end()),
                                    pidfd_targets.end());
                for (unsigned flags : {0u, pidfd_thread})
                    for (int to : pidfd_targets)
                        ask_pidfd(pid, from, to, flags);
            }
        for (int task = 0; task < static_cast<int>(tree_.tasks().size()); ++task)
            for (int to : translation_targets(view_.caller(), n, targets, rng))
                ask_pidfd_number(task, to);
    }

    size_t asked() const { return asked_; }
    const std::vector<question>& disagreements() const { return wrong_; }

private:
    static std::vector<int> translation_targets(int from, int n, int targets, std::mt19937& rng) {
        std::vector<int> all(static_cast<size_t>(n));
        for (int to = 0; to < n; ++to)
            all[static_cast<size_t>(to)] = to;
        if (targets <= 0 || targets + 2 >= n)
            return all;
        std::shuffle(all.begin(), all.end(), rng);
        all.resize(static_cast<size_t>(targets));
        for (int must : {0, from})
            if (std::find(all.begin(), all.end(), must) == all.end())
                all.push_back(must);
        return all;
    }

    int fd(int ns) const { return tree_.namespaces()[static_cast<size_t>(ns)].handle.fd(); }

    // Where a stock kernel cannot tell, a stock backend may say EOPNOTSUPP:
    // nsfs for the order of two ancestors of the caller's namespace, procfs
    // for anything outside the caller's view (it cannot tell an ancestor
    // from a namespace beside the line). Never instead of ESRCH for a number
    // no visible task has in a namespace it can see.
    bool may_be_unsupported(backend b, int a, int c) const {
        if (b == backend::procfs)
            return !view_.in_view(a) || !view_.in_view(c);
        if (b == backend::nsfs)
            return a != c && view_.ancestor(a) && view_.ancestor(c);
        return false;
    }
    bool translation_may_be_unsupported(backend b, int from, int to, long truth) const {
        if (b != backend::procfs)
            return false;
        return !view_.in_view(from) || (!view_.in_view(to) && truth != -ESRCH);
    }

    void ask_relation(int a, int b) {
        question q{"relation " + std::to_string(a) + " " + std::to_string(b),
                   result_text(view_.relation(a, b)),
                   {}};
        for (backend be : backends_)
            q.answers.push_back(
                result_text(pidctl::detail::call(be, PIDCMD_QUERY_PIDNS, 0, fd(a), fd(b), 0)));
        record(std::move(q), [&](backend be) { return may_be_unsupported(be, a, b); });
    }

    void ask_translation(pid_t pid, int from, int to) {
        long truth = view_.translation(pid, from, to);
        question q{"translate " + std::to_string(pid) + " from " + std::to_string(from) + " to " +
                       std::to_string(to),
                   result_text(truth),
                   {}};
        for (backend be : backends_)
            q.answers.push_back(
                result_text(pidctl::detail::call(be, PIDCMD_QUERY_PID, pid, fd(from), fd(to), 0)));
        record(std::move(q),
               [&](backend be) { return translation_may_be_unsupported(be, from, to, truth); });
    }

    void ask_pidfd(pid_t pid, int from, int to, unsigned flags) {
        long truth = view_.pidfd(pid, from, to, flags);
        question q{"pidfd " + std::to_string(pid) + " from " + std::to_string(from) + " for " +
                       std::to_string(to) + " flags " + std::to_string(flags),
                   result_text(truth),
                   {}};
        for (backend be : backends_) {
            long ret = pidctl::detail::call(be, PIDCMD_GET_PIDFD, pid, fd(from), fd(to), flags);
            if (ret >= 0) {
                pid_t referred = pid_of_pidfd(static_cast<int>(ret));
                ::close(static_cast<int>(ret));
                ret = referred;
            }
            q.answers.push_back(result_text(ret));
        }
        long translated = view_.translation(pid, from, to);
        record(std::move(q), [&](backend be) {
            return translation_may_be_unsupported(be, from, to, translated);
        });
    }

    void ask_pidfd_number(int task, int to) {
        const auto& t = tree_.tasks()[static_cast<size_t>(task)];
        long truth = view_.pidfd_translation(task, to);
        question q{"number of the pidfd of task " + std::to_string(t.tid) + " in " +
                       std::to_string(to),
                   result_text(truth),
                   {}};
        for (backend be : backends_)
            q.answers.push_back(result_text(pidctl::detail::call(
                be, PIDCMD_QUERY_PID, t.pidfd.get(), -1, fd(to), PIDCTL_PIDFD)));
        record(std::move(q), [&](backend be) {
            return be == backend::procfs && !view_.in_view(to) && truth != -ESRCH &&
                   truth != -EREMOTE;
        });
    }

    template <class Allowed>
    void record(question q, Allowed unsupported_allowed) {
        ++asked_;
        for (size_t b = 0; b < backends_.size(); ++b) {
            const std::string& a = q.answers[b];
            if (a == q.truth || (a == unsupported && unsupported_allowed(backends_[b])))
                continue;
            wrong_.push_back(std::move(q));
            return;
        }
    }

    const ns_tree& tree_;
    const viewpoint& view_;
    const std::vector<backend>& backends_;
    size_t asked_ = 0;
    std::vector<question> wrong_;
};

// "what: /proc says X; native=... nsfs=..." for a disagreement.
std::string describe(const question& q, const std::vector<backend>& backends) {
    std::string out = q.what + ": /proc says " + q.truth + ";";
    for (size_t b = 0; b < backends.size(); ++b)
        out += " " + std::string(pidctl::to_string(backends[b])) + "=" + q.answers[b];
    return out;
}

// The outcome of asking from one viewpoint.
struct round_result {
    size_t asked = 0;
    std::vector<std::string> wrong; // described
};

// This process's numbers by depth, from /proc (of namespace 0).
std::vector<pid_t> own_numbers() {
    std::ifstream status("/proc/self/status");
    std::string line;
    std::vector<pid_t> out;
    while (std::getline(status, line))
        if (line.rfind("NSpid:", 0) == 0) {
            std::istringstream in(line.substr(6));
            pid_t n;
            while (in >> n)
                out.push_back(n);
        }
    return out;
}

constexpr int exit_no_fork = 3; // the namespace takes no new process

// Asks everything from a process inside namespace `caller`: a helper
// setns()es there and forks the asker, which reports through a pipe.
// nullopt if no process can be started there (its init has exited).
std::optional<round_result> ask_from_inside(const ns_tree& tree, int caller,
                                            const std::vector<backend>& backends, int targets,
                                            unsigned seed) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0)
        throw std::runtime_error("pipe2 failed");
    std::fflush(stdout);
    pid_t helper = ::fork();
    if (helper < 0)
        throw std::runtime_error("fork failed");
    if (helper == 0) {
        ::close(p[0]);
        if (::setns(tree.namespaces()[static_cast<size_t>(caller)].handle.fd(), CLONE_NEWPID) < 0)
            ::_exit(2);
        pid_t asker = ::fork();
        if (asker < 0)
            ::_exit(exit_no_fork);
        if (asker == 0) {
            std::vector<pid_t> self = own_numbers();
            const int depth = tree.namespaces()[static_cast<size_t>(caller)].depth;
            if (static_cast<int>(self.size()) != depth + 1)
                ::_exit(4);
            viewpoint view(tree, caller, self);
            comparison c(tree, view, backends);
            std::mt19937 rng(seed);
            c.ask_everything(targets, rng);
            std::string report = std::to_string(c.asked()) + "\n";
            for (const auto& q : c.disagreements())
                report += describe(q, backends) + "\n";
            for (size_t off = 0; off < report.size();) {
                ssize_t n = ::write(p[1], report.data() + off, report.size() - off);
                if (n <= 0)
                    ::_exit(5);
                off += static_cast<size_t>(n);
            }
            ::_exit(0);
        }
        ::close(p[1]);
        int status = 0;
        while (::waitpid(asker, &status, 0) < 0 && errno == EINTR) {
        }
        ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 6);
    }
    ::close(p[1]);
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(p[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(p[0]);
    int status = 0;
    while (::waitpid(helper, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == exit_no_fork)
        return std::nullopt;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("the asker inside namespace " + std::to_string(caller) +
                                 " failed, status " + std::to_string(status));
    round_result r;
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line))
        throw std::runtime_error("no report from inside namespace " + std::to_string(caller));
    r.asked = std::stoul(line);
    while (std::getline(in, line))
        r.wrong.push_back(line);
    return r;
}

// Namespaces worth asking from, best first: deep ones with namespaces
// beside their line (every one below 0 has an ancestor).
std::vector<int> inside_candidates(const ns_tree& tree, std::mt19937& rng) {
    std::vector<int> out;
    for (int ns = 1; ns < static_cast<int>(tree.namespaces().size()); ++ns)
        out.push_back(ns);
    std::shuffle(out.begin(), out.end(), rng);
    std::stable_sort(out.begin(), out.end(), [&](int a, int b) {
        return tree.namespaces()[static_cast<size_t>(a)].depth >
               tree.namespaces()[static_cast<size_t>(b)].depth;
    });
    // Not always the deepest: its view is smallest.
    if (out.size() > 1 && rng() % 2)
        std::swap(out[0], out[out.size() / 2]);
    return out;
}

round_result ask_from_root(const ns_tree& tree, const std::vector<backend>& backends, int targets,
                           std::mt19937& rng) {
    viewpoint view(tree, 0, {});
    comparison c(tree, view, backends);
    c.ask_everything(targets, rng);
    round_result r;
    r.asked = c.asked();
    for (const auto& q : c.disagreements())
        r.wrong.push_back(describe(q, backends));
    return r;
}

void usage() {
    std::fprintf(stderr,
                 "usage: libpidctl_difftest [--seed N] [--trees N] [--max-nodes N] "
                 "[--max-depth N] [--targets N] [--inside N] [--backends native,nsfs,procfs]\n"
                 "  --targets N  translate each pid into the root namespace, its own and N\n"
                 "               random others, not into every one (default: every one)\n"
                 "  --inside N   ask again from N processes inside the tree's namespaces\n"
                 "               (default 1)\n");
}

bool parse_backends(const std::string& list, std::vector<backend>& out) {
    std::istringstream in(list);
    std::string name;
    while (std::getline(in, name, ',')) {
        auto b = pidctl::parse_backend(name);
        if (!b || *b == backend::automatic)
            return false;
        out.push_back(*b);
    }
    return !out.empty();
}

bool parse_options(int argc, char** argv, options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (i + 1 >= argc)
            return false;
        std::string value = argv[++i];
        if (arg == "--seed") {
            o.seed = static_cast<unsigned>(std::stoul(value));
            o.seed_given = true;
        } else if (arg == "--trees") {
            o.trees = std::stoi(value);
        } else if (arg == "--max-nodes") {
            o.max_nodes = std::stoi(value);
        } else if (arg == "--max-depth") {
            o.max_depth = std::stoi(value);
        } else if (arg == "--targets") {
            o.targets = std::stoi(value);
        } else if (arg == "--inside") {
            o.inside = std::stoi(value);
        } else if (arg == "--backends") {
            if (!parse_backends(value, o.backends))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

std::string names(const std::vector<backend>& backends) {
    std::string out;
    for (backend b : backends)
        out += (out.empty() ? "" : ",") + std::string(pidctl::to_string(b));
    return out;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    try {
        if (!parse_options(argc, argv, o)) {
            usage();
            return 2;
        }
    } catch (const std::exception&) {
        usage();
        return 2;
    }
    if (!o.seed_given) // not random_device: it may block in a freshly booted VM
        o.seed = static_cast<unsigned>(std::chrono::system_clock::now().time_since_epoch().count() ^
                                       ::getpid());
    if (o.backends.empty())
        for (backend b : {backend::native, backend::nsfs, backend::procfs})
            if (pidctl::detail::probe(b))
                o.backends.push_back(b);
    std::printf("# libpidctl_difftest --seed %u --trees %d --max-nodes %d --max-depth %d "
                "--targets %d --inside %d --backends %s\n",
                o.seed, o.trees, o.max_nodes, o.max_depth, o.targets, o.inside,
                names(o.backends).c_str());
    for (backend b : o.backends)
        if (!pidctl::detail::probe(b)) {
            std::printf("Bail out! backend %s does not work on this kernel\n",
                        std::string(pidctl::to_string(b)).c_str());
            return 1;
        }
    if (::geteuid() != 0) {
        std::printf("1..0 # SKIP needs root to build pid namespaces\n");
        return 0;
    }

    int failed = 0;
    for (int i = 1; i <= o.trees; ++i) {
        const unsigned seed = o.seed + static_cast<unsigned>(i) - 1;
        std::mt19937 rng(seed);
        // The first tree always nests namespaces as deep as allowed.
        pidctl_test::tree_spec spec =
            pidctl_test::tree_spec::random(rng, o.max_nodes, o.max_depth, i == 1);
        std::printf("# tree %d (seed %u): %s\n", i, seed, spec.describe().c_str());
        std::fflush(stdout);
        try {
            auto start = std::chrono::steady_clock::now();
            ns_tree tree(spec);
            std::vector<std::pair<std::string, round_result>> rounds;
            rounds.emplace_back("the root", ask_from_root(tree, o.backends, o.targets, rng));
            int inside = 0;
            for (int caller : inside_candidates(tree, rng)) {
                if (inside >= o.inside)
                    break;
                auto r = ask_from_inside(tree, caller, o.backends, o.targets, rng());
                if (!r)
                    continue; // its init has exited: no new process there
                ++inside;
                rounds.emplace_back("namespace " + std::to_string(caller), std::move(*r));
            }
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
            size_t asked = 0, wrong = 0;
            std::string where;
            for (const auto& [who, r] : rounds) {
                asked += r.asked;
                wrong += r.wrong.size();
                where += (where.empty() ? "" : ", ") + who + " " + std::to_string(r.asked);
            }
            if (inside < o.inside)
                where += " (no live namespace for more callers)";
            if (wrong == 0) {
                std::printf("ok %d - tree %d: %zu namespaces, %zu tasks, %zu questions (from %s), "
                            "%s agree with /proc (%lld ms)\n",
                            i, i, tree.namespaces().size(), tree.tasks().size(), asked,
                            where.c_str(), names(o.backends).c_str(), static_cast<long long>(ms));
                continue;
            }
            ++failed;
            std::printf("not ok %d - tree %d: %zu of %zu answers differ (seed %u)\n", i, i, wrong,
                        asked, seed);
            for (const auto& [who, r] : rounds) {
                size_t shown = 0;
                for (const auto& line : r.wrong) {
                    if (++shown > 40)
                        break;
                    std::printf("#   from %s: %s\n", who.c_str(), line.c_str());
                }
            }
        } catch (const std::exception& e) {
            ++failed;
            std::printf("not ok %d - tree %d: %s (seed %u)\n", i, i, e.what(), seed);
        }
        std::fflush(stdout);
    }
    std::printf("1..%d\n", o.trees);
    std::printf("difftest: %d passed, %d failed\n", o.trees - failed, failed);
    return failed ? 1 : 0;
}
