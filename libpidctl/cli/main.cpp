// SPDX-License-Identifier: LGPL-2.1-or-later
// pidctl(1): translate pids between pid namespaces, relate namespaces,
// signal processes named in other namespaces, and tell which kernel
// mechanism answers.
#include "output.hpp"

#include <pidctl/pidctl.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <sys/utsname.h>
#include <vector>

namespace pidctl::cli {

namespace {

const char* const exit_status_help = R"(Exit status:
  0  success
  1  the operation failed (the message names the errno)
  2  usage error
  3  no such process (ESRCH), or it has no number in the target namespace
     or is not visible to you (ENOENT)
  4  this kernel cannot answer (EOPNOTSUPP), or the backend does not work
     on it (ENOSYS)
)";

const char* const ns_help =
    R"(NS is 'self' (your pid namespace), a pid (that process's pid namespace)
or a path such as /proc/PID/ns/pid or /proc/PID/ns/pid_for_children.
)";

const char* const common_options_help = R"(Options:
  --json              print the result (and errors, on stderr) as JSON
  --backend NAME      native, nsfs, procfs or auto (default: $PIDCTL_BACKEND,
                      else auto)
  -h, --help          show this help
)";

struct command_help {
    const char* name;
    const char* usage;
    const char* summary;
    const char* details;
};

const command_help commands_help[] = {
    {"translate", "pidctl translate PID [--from NS] [--to NS]",
     "print the number PID (named in --from) has in --to",
     "PID may be a process or a thread id. --from and --to default to 'self'.\n"
     "Example: pidctl translate 1 --from 4242 --to self\n"
     "  prints the pid, in your namespace, of the init of process 4242's namespace.\n"},
    {"relation", "pidctl relation NS NS", "tell how the first pid namespace relates to the second",
     "Prints one of: equal, source_is_ancestor (the first is an ancestor of the\n"
     "second), target_is_ancestor, unrelated.\n"},
    {"signal", "pidctl signal PID SIG [--ns NS]",
     "send signal SIG to process PID as numbered in NS (default 'self')",
     "SIG is a number (0 checks that the process exists) or a name such as TERM,\n"
     "SIGKILL, RTMIN+1. The process is opened as a pidfd first, so the signal\n"
     "cannot reach a different process that reused the number.\n"},
    {"status", "pidctl status", "show the backend in use, the kernel, and which backends work",
     "Backends: native (the pidctl() system call), nsfs (Linux 6.11+ nsfs ioctls),\n"
     "procfs (/proc/PID/status NSpid lines).\n"},
};

const command_help* find_help(std::string_view name) {
    for (const auto& h : commands_help)
        if (name == h.name)
            return &h;
    return nullptr;
}

void print_main_help() {
    std::printf("Usage: pidctl [OPTIONS] COMMAND [ARGS]\n\n"
                "Ask about processes and pid namespaces: pidctl() where the kernel has it,\n"
                "stock-kernel mechanisms where it does not.\n\nCommands:\n");
    for (const auto& h : commands_help)
        std::printf("  %s\n      %s\n", h.usage + 7, h.summary);
    std::printf("  help [COMMAND]\n      show help for a command\n\n");
    std::printf("%s\n%s\n%s", ns_help, common_options_help, exit_status_help);
}

void print_command_help(const command_help& h) {
    std::string summary = h.summary;
    summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    std::printf("Usage: %s\n\n%s.\n\n%s\n%s\n%s\n%s", h.usage, summary.c_str(), h.details, ns_help,
                common_options_help, exit_status_help);
}

// The parsed command line.
struct invocation {
    bool json = false;
    bool help = false;
    std::optional<backend> forced_backend;
    std::string command;
    std::vector<std::string> args;
    std::map<std::string, std::string, std::less<>> values; // --from, --to, --ns
};

// Options that take a value, beside --backend.
bool takes_value(std::string_view option) {
    return option == "--from" || option == "--to" || option == "--ns" || option == "--backend";
}

// Parses argv; returns an error message or nothing.
std::optional<std::string> parse(int argc, char** argv, invocation& out) {
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            if (out.command.empty())
                out.command = arg;
            else
                out.args.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
        } else if (arg == "--json") {
            out.json = true;
        } else if (arg == "--help" || arg == "-h") {
            out.help = true;
        } else {
            std::string_view name = arg.substr(0, arg.find('='));
            if (!takes_value(name))
                return "unknown option '" + std::string(arg) + "'";
            std::string value;
            if (name.size() < arg.size())
                value = arg.substr(name.size() + 1);
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return "option '" + std::string(name) + "' needs a value";
            if (name == "--backend") {
                out.forced_backend = parse_backend(value);
                if (!out.forced_backend)
                    return "unknown backend '" + value + "' (native, nsfs, procfs, auto)";
            } else {
                out.values[std::string(name)] = value;
            }
        }
    }
    return std::nullopt;
}

std::optional<pid_t> parse_pid(std::string_view text) {
    pid_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0)
        return std::nullopt;
    return value;
}

bool all_digits(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// A namespace named as on the command line. On failure, reports and sets
// `status`.
pid_namespace open_namespace(const invocation& inv, std::string_view text, exit_code& status) {
    std::error_code ec;
    pid_namespace ns;
    if (text == "self") {
        ns = pid_namespace::current(ec);
    } else if (all_digits(text)) {
        auto pid = parse_pid(text);
        if (!pid)
            ec.assign(ESRCH, std::generic_category());
        else
            ns = pid_namespace::of_process(*pid, ec);
    } else {
        ns = pid_namespace::open(std::string(text), ec);
    }
    if (ec)
        status = report_error(inv.json, stage::open_namespace,
                              "namespace '" + std::string(text) + "'", ec);
    return ns;
}

std::string ns_name(const pid_namespace& ns) {
    return "pid:[" + std::to_string(ns.inode()) + "]";
}

std::string value_or(const invocation& inv, std::string_view key, std::string_view fallback) {
    auto it = inv.values.find(key);
    return it != inv.values.end() ? it->second : std::string(fallback);
}

// --- signals -------------------------------------------------------------

std::optional<int> parse_realtime_signal(std::string_view name) {
    int base;
    int sign;
    if (name.substr(0, 5) == "RTMIN") {
        base = SIGRTMIN;
        sign = 1;
    } else if (name.substr(0, 5) == "RTMAX") {
        base = SIGRTMAX;
        sign = -1;
    } else {
        return std::nullopt;
    }
    std::string_view rest = name.substr(5);
    if (rest.empty())
        return base;
    if (rest[0] != (sign > 0 ? '+' : '-'))
        return std::nullopt;
    int offset = 0;
    rest.remove_prefix(1);
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), offset);
    if (ec != std::errc() || end != rest.data() + rest.size())
        return std::nullopt;
    int sig = base + sign * offset;
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? std::optional<int>(sig) : std::nullopt;
}

std::optional<int> parse_signal(std::string_view text) {
    if (all_digits(text)) {
        int sig = 0;
        std::from_chars(text.data(), text.data() + text.size(), sig);
        return sig < NSIG ? std::optional<int>(sig) : std::nullopt;
    }
    std::string name;
    for (char c : text)
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.rfind("SIG", 0) == 0)
        name.erase(0, 3);
    if (auto rt = parse_realtime_signal(name))
        return rt;
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = ::sigabbrev_np(sig);
        if (abbrev && name == abbrev)
            return sig;
    }
    return std::nullopt;
}

// --- commands --------------------------------------------------------------

exit_code cmd_translate(const invocation& inv) {
    if (inv.args.size() != 1)
        return report_usage(inv.json, "translate", "expects exactly one PID");
    auto pid = parse_pid(inv.args[0]);
    if (!pid)
        return report_usage(inv.json, "translate", "PID must be a positive number");
    const std::string from_text = value_or(inv, "--from", "self");
    const std::string to_text = value_or(inv, "--to", "self");
    exit_code status = exit_ok;
    pid_namespace from = open_namespace(inv, from_text, status);
    if (status != exit_ok)
        return status;
    pid_namespace to = open_namespace(inv, to_text, status);
    if (status != exit_ok)
        return status;
    std::error_code ec;
    pid_t result = translate(*pid, from, to, ec);
    if (ec)
        return report_error(inv.json, stage::translate,
                            "translate " + inv.args[0] + " from " + from_text + " to " + to_text,
                            ec);
    if (inv.json) {
        json_object out;
        out.add("pid", static_cast<long long>(*pid)).add("from", ns_name(from));
        out.add("to", ns_name(to)).add("result", static_cast<long long>(result));
        out.add("backend", to_string(active_backend()));
        std::printf("%s\n", out.str().c_str());
    } else {
        std::printf("%d\n", result);
    }
    return exit_ok;
}

exit_code cmd_relation(const invocation& inv) {
    if (inv.args.size() != 2)
        return report_usage(inv.json, "relation", "expects two namespaces");
    exit_code status = exit_ok;
    pid_namespace source = open_namespace(inv, inv.args[0], status);
    if (status != exit_ok)
        return status;
    pid_namespace target = open_namespace(inv, inv.args[1], status);
    if (status != exit_ok)
        return status;
    std::error_code ec;
    ns_relation r = relation(source, target, ec);
    if (ec)
        return report_error(inv.json, stage::relation,
                            "relation " + inv.args[0] + " " + inv.args[1], ec);
    if (inv.json) {
        json_object out;
        out.add("source", ns_name(source)).add("target", ns_name(target));
        out.add("relation", to_string(r)).add("backend", to_string(active_backend()));
        std::printf("%s\n", out.str().c_str());
    } else {
        std::printf("%s\n", std::string(to_string(r)).c_str());
    }
    return exit_ok;
}

exit_code cmd_signal(const invocation& inv) {
    if (inv.args.size() != 2)
        return report_usage(inv.json, "signal", "expects PID and SIG");
    auto pid = parse_pid(inv.args[0]);
    if (!pid)
        return report_usage(inv.json, "signal", "PID must be a positive number");
    auto sig = parse_signal(inv.args[1]);
    if (!sig)
        return report_usage(inv.json, "signal", "unknown signal '" + inv.args[1] + "'");
    const std::string ns_text = value_or(inv, "--ns", "self");
    exit_code status = exit_ok;
    pid_namespace ns = open_namespace(inv, ns_text, status);
    if (status != exit_ok)
        return status;
    std::error_code ec;
    pidfd process = pidfd::open(*pid, ns, open_flags::none, ec);
    if (ec)
        return report_error(inv.json, stage::open_process,
                            "open process " + inv.args[0] + " in " + ns_text, ec);
    process.send_signal(*sig, ec);
    if (ec)
        return report_error(inv.json, stage::signal, "signal " + inv.args[0], ec);
    if (inv.json) {
        const char* name = *sig ? ::sigabbrev_np(*sig) : nullptr;
        json_object out;
        out.add("pid", static_cast<long long>(*pid)).add("ns", ns_name(ns));
        out.add("signal", static_cast<long long>(*sig)).add("signal_name", name ? name : "");
        out.add("sent", true).add("backend", to_string(active_backend()));
        std::printf("%s\n", out.str().c_str());
    }
    return exit_ok;
}

std::string choice_source(const invocation& inv) {
    if (inv.forced_backend && *inv.forced_backend != backend::automatic)
        return "--backend";
    const char* env = std::getenv("PIDCTL_BACKEND");
    auto parsed = env ? parse_backend(env) : std::nullopt;
    if (parsed && *parsed != backend::automatic)
        return "PIDCTL_BACKEND";
    return "auto";
}

exit_code cmd_status(const invocation& inv) {
    if (!inv.args.empty())
        return report_usage(inv.json, "status", "takes no arguments");
    struct utsname uts {};
    ::uname(&uts);
    const backend active = active_backend();
    const std::string source = choice_source(inv);
    const bool native = backend_available(backend::native);
    const bool nsfs = backend_available(backend::nsfs);
    const bool procfs = backend_available(backend::procfs);
    if (inv.json) {
        json_object kernel, backends, out;
        kernel.add("sysname", uts.sysname).add("release", uts.release);
        kernel.add("version", uts.version).add("machine", uts.machine);
        backends.add("native", native).add("nsfs", nsfs).add("procfs", procfs);
        out.add("backend", to_string(active)).add("chosen_by", source);
        out.add("pidctl_syscall", native).add_raw("kernel", kernel.str());
        out.add_raw("available", backends.str());
        std::printf("%s\n", out.str().c_str());
        return exit_ok;
    }
    auto yes_no = [](bool b) {
        return b ? "yes" : "no";
    };
    std::printf("backend:   %s (chosen by %s)\n", std::string(to_string(active)).c_str(),
                source.c_str());
    std::printf("kernel:    %s %s %s %s\n", uts.sysname, uts.release, uts.version, uts.machine);
    std::printf("pidctl():  %s\n", native ? "present" : "absent");
    std::printf("available: native=%s nsfs=%s procfs=%s\n", yes_no(native), yes_no(nsfs),
                yes_no(procfs));
    return exit_ok;
}

exit_code cmd_help(const invocation& inv) {
    if (inv.args.empty()) {
        print_main_help();
        return exit_ok;
    }
    const command_help* h = find_help(inv.args[0]);
    if (!h)
        return report_usage(inv.json, "help", "unknown command '" + inv.args[0] + "'");
    print_command_help(*h);
    return exit_ok;
}

// Named options a command accepts.
bool accepts(std::string_view command, std::string_view option) {
    if (command == "translate")
        return option == "--from" || option == "--to";
    if (command == "signal")
        return option == "--ns";
    return false;
}

void warn_about_environment(const invocation& inv) {
    const char* env = std::getenv("PIDCTL_BACKEND");
    if (env && !parse_backend(env) && !inv.forced_backend)
        std::fprintf(stderr,
                     "pidctl: warning: PIDCTL_BACKEND='%s' is not native, nsfs, procfs or auto; "
                     "choosing automatically\n",
                     env);
}

exit_code run(int argc, char** argv) {
    invocation inv;
    // --json anywhere shapes even usage errors.
    for (int i = 1; i < argc; ++i)
        inv.json = inv.json || std::strcmp(argv[i], "--json") == 0;
    if (auto error = parse(argc, argv, inv))
        return report_usage(inv.json, inv.command, *error);
    if (inv.command.empty() && !inv.help)
        return report_usage(inv.json, "", "missing command");
    if (inv.help) {
        const command_help* h = find_help(inv.command);
        if (h)
            print_command_help(*h);
        else
            print_main_help();
        return exit_ok;
    }
    for (const auto& [option, value] : inv.values)
        if (!accepts(inv.command, option))
            return report_usage(inv.json, inv.command, "does not take option '" + option + "'");
    warn_about_environment(inv);
    if (inv.forced_backend) {
        std::error_code ec;
        select_backend(*inv.forced_backend, ec);
        if (ec)
            return report_error(inv.json, stage::option,
                                "--backend " + std::string(to_string(*inv.forced_backend)), ec);
    }
    if (inv.command == "translate")
        return cmd_translate(inv);
    if (inv.command == "relation")
        return cmd_relation(inv);
    if (inv.command == "signal")
        return cmd_signal(inv);
    if (inv.command == "status")
        return cmd_status(inv);
    if (inv.command == "help")
        return cmd_help(inv);
    return report_usage(inv.json, "", "unknown command '" + inv.command + "'");
}

} // namespace

} // namespace pidctl::cli

int main(int argc, char** argv) {
    try {
        return pidctl::cli::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pidctl: internal error: %s\n", e.what());
        return pidctl::cli::exit_failed;
    }
}
