// SPDX-License-Identifier: LGPL-2.1-or-later
// What libpidctl adds to the pidctl() call it wraps, on the patched kernel
// (native backend): each public call, in its error_code and its throwing
// form, against the raw syscall with the same arguments, measured side by
// side with the harness of bench.h.
//
//   lib_translate  pidctl::translate(pid of the process at depth x,
//                  caller's namespace, namespace at depth x)
//   lib_relation   pidctl::relation(caller's namespace, namespace x below)
//   lib_pidfd      pidctl::pidfd::open(1, namespace at depth x), then closed
#include "bench.h"

#include <pidctl/pidctl.hpp>

#include <linux/pidctl.h>

#include <string>
#include <vector>

#ifndef __NR_pidctl
#error "build against the patched kernel's UAPI headers (make headers)"
#endif

namespace {

bench_chain chain;

struct args {
    pid_t pid;
    const pidctl::pid_namespace* source;
    const pidctl::pid_namespace* target;
    // The error_code forms report into this one, as a caller making many
    // calls keeps one: constructing a std::error_code calls libstdc++'s
    // out-of-line std::system_category(), a cost of the standard type, not
    // of the library, large enough under TCG to show in a ratio that is
    // meant to measure the library alone.
    std::error_code ec;
};

// As a program without the library would call it.
inline long raw_pidctl(unsigned cmd, pid_t pid, int source, int target, unsigned flags) {
    long ret = syscall(__NR_pidctl, cmd, pid, source, target, flags);
    return ret < 0 ? -errno : ret;
}

long translate_raw(void* p) {
    auto* a = static_cast<args*>(p);
    return raw_pidctl(PIDCMD_QUERY_PID, a->pid, a->source->fd(), a->target->fd(), 0);
}

long translate_ec(void* p) {
    auto* a = static_cast<args*>(p);
    std::error_code& ec = a->ec;
    pid_t nr = pidctl::translate(a->pid, *a->source, *a->target, ec);
    return ec ? -ec.value() : nr;
}

long translate_throw(void* p) {
    auto* a = static_cast<args*>(p);
    return pidctl::translate(a->pid, *a->source, *a->target);
}

long relation_raw(void* p) {
    auto* a = static_cast<args*>(p);
    return raw_pidctl(PIDCMD_QUERY_PIDNS, 0, a->source->fd(), a->target->fd(), 0);
}

// The library's answer, as its enum's number: no conversion is timed that
// the raw call does not make.
constexpr long lib_source_is_ancestor = static_cast<long>(pidctl::ns_relation::source_is_ancestor);

long relation_ec(void* p) {
    auto* a = static_cast<args*>(p);
    std::error_code& ec = a->ec;
    std::optional<pidctl::ns_relation> r = pidctl::relation(*a->source, *a->target, ec);
    return r ? static_cast<long>(*r) : -ec.value();
}

long relation_throw(void* p) {
    auto* a = static_cast<args*>(p);
    return static_cast<long>(pidctl::relation(*a->source, *a->target));
}

// pidfds are always close-on-exec, the raw call's as the library's.
long pidfd_raw(void* p) {
    auto* a = static_cast<args*>(p);
    long fd = raw_pidctl(PIDCMD_GET_PIDFD, a->pid, a->source->fd(), -1, 0);
    if (fd < 0)
        return fd;
    close(static_cast<int>(fd));
    return 0;
}

long pidfd_ec(void* p) {
    auto* a = static_cast<args*>(p);
    std::error_code& ec = a->ec;
    pidctl::pidfd fd = pidctl::pidfd::open(a->pid, *a->source, pidctl::open_flags::none, ec);
    return ec ? -ec.value() : 0;
}

long pidfd_throw(void* p) {
    auto* a = static_cast<args*>(p);
    pidctl::pidfd fd = pidctl::pidfd::open(a->pid, *a->source, pidctl::open_flags::none);
    return fd ? 0 : -EBADF;
}

} // namespace

int main(int argc, char** argv) {
    bench_opts opts;
    bench_parse_opts(argc, argv, &opts);
    setvbuf(stdout, nullptr, _IOLBF, 0);
    bench_print_env("libpidctl_bench", &opts);
    bench_pin();
    bench_chain_start(&chain, BENCH_MAX_DEPTH);

    if (pidctl::active_backend() != pidctl::backend::native)
        bench_die("libpidctl chose the %s backend, not native",
                  std::string(pidctl::to_string(pidctl::active_backend())).c_str());

    static pidctl::pid_namespace ns[BENCH_MAX_DEPTH + 1];
    for (int level = 0; level <= BENCH_MAX_DEPTH; level++)
        ns[level] = pidctl::pid_namespace::from_fd(fcntl(chain.nsfd[level], F_DUPFD_CLOEXEC, 0));

    static const int depths[] = {1, 4, 16, 32};
    static const int distances[] = {1, 4, 8, 16, 32};
    static args translate_args[4], relation_args[5], pidfd_args[4];

    // One group per call, all depths in it (see pidctl_bench.c).
    std::vector<bench_series> s;
    for (int i = 0; i < 4; i++) {
        int d = depths[i];
        translate_args[i] = {chain.host[d], &ns[0], &ns[d], {}};
        s.push_back(
            bench_series_of("lib_translate", "raw", d, translate_raw, &translate_args[i], 1));
        s.push_back(
            bench_series_of("lib_translate", "lib_ec", d, translate_ec, &translate_args[i], 1));
        s.push_back(bench_series_of("lib_translate", "lib_throw", d, translate_throw,
                                    &translate_args[i], 1));
    }
    bench_group(s.data(), static_cast<int>(s.size()), &opts);
    s.clear();
    for (int i = 0; i < 5; i++) {
        int d = distances[i];
        relation_args[i] = {0, &ns[0], &ns[d], {}};
        s.push_back(bench_series_of("lib_relation", "raw", d, relation_raw, &relation_args[i],
                                    PIDNS_SOURCE_IS_ANCESTOR));
        s.push_back(bench_series_of("lib_relation", "lib_ec", d, relation_ec, &relation_args[i],
                                    lib_source_is_ancestor));
        s.push_back(bench_series_of("lib_relation", "lib_throw", d, relation_throw,
                                    &relation_args[i], lib_source_is_ancestor));
    }
    bench_group(s.data(), static_cast<int>(s.size()), &opts);
    s.clear();
    for (int i = 0; i < 4; i++) {
        int d = depths[i];
        pidfd_args[i] = {1, &ns[d], nullptr, {}};
        s.push_back(bench_series_of("lib_pidfd", "raw", d, pidfd_raw, &pidfd_args[i], 0));
        s.push_back(bench_series_of("lib_pidfd", "lib_ec", d, pidfd_ec, &pidfd_args[i], 0));
        s.push_back(bench_series_of("lib_pidfd", "lib_throw", d, pidfd_throw, &pidfd_args[i], 0));
    }
    bench_group(s.data(), static_cast<int>(s.size()), &opts);

    for (auto& n : ns)
        n = pidctl::pid_namespace();
    bench_chain_stop(&chain);
    printf("@done libpidctl_bench\n");
    return 0;
}
