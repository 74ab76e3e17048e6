// SPDX-License-Identifier: LGPL-2.1-or-later
// libpidctl_difftest: on randomly shaped trees of pid namespaces (siblings,
// deep nesting, exited inits, zombies, threads) every backend must give the
// same answer to every (pid, from, to) translation, every relation, and
// pidfds for every pid, and that answer must be the kernel's (/proc).
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
#include <random>
#include <sstream>
#include <string>
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

// One question, the kernel's answer, and each backend's.
struct question {
    std::string what;
    std::string truth;
    std::vector<std::string> answers; // per backend
};

class comparison {
public:
    comparison(const ns_tree& tree, const std::vector<backend>& backends)
        : tree_(tree), backends_(backends) {}

    // Every relation and pidfd; translations of each (pid, from) into every
    // namespace, or with targets > 0 into the root, from itself and that
    // many others drawn from rng (deep trees have ~50k translations).
    void ask_everything(int targets, std::mt19937& rng) {
        const int n = static_cast<int>(tree_.namespaces().size());
        for (int a = 0; a < n; ++a)
            for (int b = 0; b < n; ++b)
                ask_relation(a, b);
        for (int from = 0; from < n; ++from)
            for (pid_t pid : tree_.numbers_in(from)) {
                for (int to : translation_targets(from, n, targets, rng))
                    ask_translation(pid, from, to);
                for (unsigned flags : {0u, pidfd_thread})
                    for (int to : {0, from})
                        ask_pidfd(pid, from, to, flags);
            }
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

    void ask_relation(int a, int b) {
        question q{"relation " + std::to_string(a) + " " + std::to_string(b),
                   result_text(tree_.expected_relation(a, b)),
                   {}};
        for (backend be : backends_)
            q.answers.push_back(
                result_text(pidctl::detail::call(be, PIDCMD_QUERY_PIDNS, 0, fd(a), fd(b), 0)));
        record(std::move(q));
    }

    void ask_translation(pid_t pid, int from, int to) {
        question q{"translate " + std::to_string(pid) + " from " + std::to_string(from) + " to " +
                       std::to_string(to),
                   result_text(tree_.expected_translation(pid, from, to)),
                   {}};
        for (backend be : backends_)
            q.answers.push_back(
                result_text(pidctl::detail::call(be, PIDCMD_QUERY_PID, pid, fd(from), fd(to), 0)));
        record(std::move(q));
    }

    void ask_pidfd(pid_t pid, int from, int to, unsigned flags) {
        long expected = tree_.expected_translation(pid, from, to);
        if (expected >= 0) {
            const auto& t = tree_.tasks()[static_cast<size_t>(tree_.task_numbered(pid, from))];
            expected = !t.leader && !(flags & pidfd_thread) ? -EINVAL : t.tid;
        }
        question q{"pidfd " + std::to_string(pid) + " from " + std::to_string(from) + " for " +
                       std::to_string(to) + " flags " + std::to_string(flags),
                   result_text(expected),
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
        record(std::move(q));
    }

    void record(question q) {
        ++asked_;
        for (const auto& a : q.answers)
            if (a != q.truth) {
                wrong_.push_back(std::move(q));
                return;
            }
    }

    const ns_tree& tree_;
    const std::vector<backend>& backends_;
    size_t asked_ = 0;
    std::vector<question> wrong_;
};

void usage() {
    std::fprintf(stderr,
                 "usage: libpidctl_difftest [--seed N] [--trees N] [--max-nodes N] "
                 "[--max-depth N] [--targets N] [--backends native,nsfs,procfs]\n"
                 "  --targets N  translate each pid into the root namespace, its own and N\n"
                 "               random others, not into every one (default: every one)\n");
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
                "--targets %d --backends %s\n",
                o.seed, o.trees, o.max_nodes, o.max_depth, o.targets, names(o.backends).c_str());
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
            comparison c(tree, o.backends);
            c.ask_everything(o.targets, rng);
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
            if (c.disagreements().empty()) {
                std::printf("ok %d - tree %d: %zu namespaces, %zu tasks, %zu questions, %s agree "
                            "with /proc (%lld ms)\n",
                            i, i, tree.namespaces().size(), tree.tasks().size(), c.asked(),
                            names(o.backends).c_str(), static_cast<long long>(ms));
                continue;
            }
            ++failed;
            std::printf("not ok %d - tree %d: %zu of %zu answers differ (seed %u)\n", i, i,
                        c.disagreements().size(), c.asked(), seed);
            size_t shown = 0;
            for (const auto& q : c.disagreements()) {
                if (++shown > 40)
                    break;
                std::printf("#   %s: /proc says %s;", q.what.c_str(), q.truth.c_str());
                for (size_t b = 0; b < o.backends.size(); ++b)
                    std::printf(" %s=%s", std::string(pidctl::to_string(o.backends[b])).c_str(),
                                q.answers[b].c_str());
                std::printf("\n");
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
