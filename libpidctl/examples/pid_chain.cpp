// SPDX-License-Identifier: LGPL-2.1-or-later
// pid_chain PID: the numbers process PID has in each pid namespace from its
// own up to the caller's, as a container runtime would list them.
//
//   $ pid_chain 4242
//   pid:[4026532301] depth 2: 1
//   pid:[4026532299] depth 1: 7
//   pid:[4026531836] depth 0: 4242
#include <pidctl/pidctl.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s PID\n", argv[0]);
        return 2;
    }
    try {
        const pid_t pid = static_cast<pid_t>(std::atoi(argv[1]));
        // The pidfd pins the process: the numbers below are all its own.
        const pidctl::pidfd process = pidctl::pidfd::open(pid);
        const pidctl::pid_namespace self = pidctl::pid_namespace::current();

        std::vector<pidctl::pid_namespace> chain;
        chain.push_back(pidctl::pid_namespace::of(process));
        while (chain.back() != self)
            chain.push_back(chain.back().parent());

        for (size_t i = 0; i < chain.size(); ++i) {
            const pidctl::pid_namespace& ns = chain[i];
            std::printf("pid:[%lu] depth %zu: %d\n", static_cast<unsigned long>(ns.inode()),
                        chain.size() - 1 - i, process.pid_in(ns));
        }
        return 0;
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "pid_chain: %s\n", e.what());
        return 1;
    }
}
