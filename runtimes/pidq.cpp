// SPDX-License-Identifier: GPL-2.0
// pidq: the runtimes suite's libpidctl consumer, built as a user builds
// against an installed libpidctl (pkg-config), dynamically for the host
// and statically for the OCI bundle's busybox rootfs.
//
//   pidq [--backend NAME] ask         questions on stdin, one answer a line
//   pidq [--backend NAME] kill NS     end pid 1 of NS through a pidfd
//   pidq [--backend NAME] supervise -- COMMAND...
//
// Questions (NS: self, a pid meaning that process's namespace, or a path):
//   translate PID FROM TO  the number PID of FROM has in TO
//   relation A B           unrelated, equal, source_is_ancestor, target_is_ancestor
//   pidfd PID NS           a pidfd for PID as numbered in NS (any thread):
//                          its number in the caller's namespace
// Each answer is the value, or the errno's name (ESRCH...); "ns:ENAME" when
// an NS itself could not be opened.
//
// kill opens a pidfd for pid 1 as numbered in NS, probes it with signal 0,
// polls it (still running), sends SIGKILL, polls it again (ended) and waits
// on it, printing one line of key=value steps. supervise is what a
// container monitor (conmon) does: it becomes a child subreaper and runs
// COMMAND (a runtime's "run --detach"), so the container's pid 1 becomes
// its child; after "ready" it reads "kill NS" on stdin and does as kill,
// reaping the pid 1 itself.
#include <pidctl/pidctl.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

std::string errno_name(int err) {
    const char* name = ::strerrorname_np(err);
    return name ? name : "E" + std::to_string(err);
}

std::string errno_name(const std::error_code& ec) {
    return errno_name(ec.value());
}

bool is_number(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

pidctl::pid_namespace open_ns(const std::string& spec, std::error_code& ec) {
    if (spec == "self")
        return pidctl::pid_namespace::current(ec);
    if (is_number(spec))
        return pidctl::pid_namespace::of_process(std::stoi(spec), ec);
    return pidctl::pid_namespace::open(spec, ec);
}

// The answer to one question line, or "usage" for a line that is none.
std::string answer(const std::string& line) {
    std::istringstream in(line);
    std::string kind;
    std::vector<std::string> args;
    in >> kind;
    for (std::string word; in >> word;)
        args.push_back(word);

    std::error_code ec;
    std::vector<pidctl::pid_namespace> ns;
    const size_t first_ns = kind == "relation" ? 0 : 1;
    for (size_t i = first_ns; i < args.size(); ++i) {
        ns.push_back(open_ns(args[i], ec));
        if (ec)
            return "ns:" + errno_name(ec);
    }
    if (kind == "translate" && args.size() == 3 && is_number(args[0])) {
        const pid_t pid = pidctl::translate(std::stoi(args[0]), ns[0], ns[1], ec);
        return ec ? errno_name(ec) : std::to_string(pid);
    }
    if (kind == "relation" && args.size() == 2) {
        const std::optional<pidctl::ns_relation> r = pidctl::relation(ns[0], ns[1], ec);
        return r ? std::string(pidctl::to_string(*r)) : errno_name(ec);
    }
    if (kind == "pidfd" && args.size() == 2 && is_number(args[0])) {
        const pidctl::pidfd p =
            pidctl::pidfd::open(std::stoi(args[0]), ns[0], pidctl::open_flags::thread, ec);
        if (ec)
            return errno_name(ec);
        const pid_t pid = p.pid(ec);
        return ec ? errno_name(ec) : std::to_string(pid);
    }
    return "usage";
}

int ask() {
    for (std::string line; std::getline(std::cin, line);)
        std::cout << answer(line) << '\n';
    std::cout.flush();
    return 0;
}

// 1 when the pidfd polls readable (its process ended) within timeout_ms.
int poll_ended(const pidctl::pidfd& p, int timeout_ms) {
    struct pollfd pfd = {p.fd(), POLLIN, 0};
    return ::poll(&pfd, 1, timeout_ms);
}

std::string describe(const std::optional<pidctl::exit_status>& st, const std::error_code& ec) {
    if (!st)
        return errno_name(ec);
    if (st->exited())
        return "exited:" + std::to_string(st->code());
    return "killed:" + std::to_string(st->signal());
}

// The steps of kill, each as key=value on one line; 0 when each went as
// far as it could (the caller compares the line with what it expects).
int kill_init(const std::string& spec) {
    std::error_code ec;
    const pidctl::pid_namespace ns = open_ns(spec, ec);
    if (ec) {
        std::cout << "ns=" << errno_name(ec) << std::endl;
        return 1;
    }
    const pidctl::pidfd init = pidctl::pidfd::open(1, ns, ec);
    if (ec) {
        std::cout << "open=" << errno_name(ec) << std::endl;
        return 1;
    }
    std::ostringstream out;
    const pid_t in_ns = init.pid_in(ns, ec);
    out << "in-ns=" << (ec ? errno_name(ec) : std::to_string(in_ns));
    const pid_t here = init.pid(ec);
    out << " pid=" << (ec ? errno_name(ec) : std::to_string(here));
    init.send_signal(0, ec);
    out << " probe=" << (ec ? errno_name(ec) : "ok");
    out << " before=" << (poll_ended(init, 0) == 0 ? "running" : "ended");
    init.send_signal(SIGKILL, ec);
    out << " kill=" << (ec ? errno_name(ec) : "ok");
    out << " after=" << (poll_ended(init, 20000) == 1 ? "ended" : "running");
    const std::optional<pidctl::exit_status> st = init.wait(ec);
    out << " wait=" << describe(st, ec);
    std::cout << out.str() << std::endl;
    return 0;
}

// Runs the runtime command with stdin from /dev/null and its output on
// our stderr (stdout is the conversation with the suite); its exit status.
int run_command(char** argv) {
    const pid_t child = ::fork();
    if (child < 0)
        return -1;
    if (child == 0) {
        ::freopen("/dev/null", "r", stdin);
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
        ::execvp(argv[0], argv);
        std::perror(argv[0]);
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int supervise(char** argv) {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        std::cout << "subreaper=" << errno_name(errno) << std::endl;
        return 1;
    }
    const int status = run_command(argv);
    if (status != 0) {
        std::cout << "runtime=exit:" << status << std::endl;
        return 1;
    }
    std::cout << "ready" << std::endl;
    for (std::string line; std::getline(std::cin, line);) {
        if (line.rfind("kill ", 0) == 0)
            return kill_init(line.substr(5));
    }
    std::cout << "no kill request" << std::endl;
    return 1;
}

int usage() {
    std::cerr << "usage: pidq [--backend NAME] ask | kill NS | supervise -- COMMAND...\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    int i = 1;
    if (i + 1 < argc && std::string(argv[i]) == "--backend") {
        const std::optional<pidctl::backend> b = pidctl::parse_backend(argv[i + 1]);
        std::error_code ec;
        if (b)
            pidctl::select_backend(*b, ec);
        if (!b || ec) {
            std::cerr << "pidq: backend " << argv[i + 1] << ": " << (b ? errno_name(ec) : "unknown")
                      << '\n';
            return 1;
        }
        i += 2;
    }
    if (i >= argc)
        return usage();
    const std::string mode = argv[i];
    if (mode == "ask" && i + 1 == argc)
        return ask();
    if (mode == "kill" && i + 2 == argc)
        return kill_init(argv[i + 1]);
    if (mode == "supervise" && i + 2 < argc && std::string(argv[i + 1]) == "--")
        return supervise(argv + i + 2);
    return usage();
}
