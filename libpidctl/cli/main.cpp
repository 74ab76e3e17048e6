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
  1  the operation failed otherwise (the message names the errno)
  2  usage error
  3  no such process (ESRCH): none has that number where it is named, or it
     is not visible from your pid namespace
  4  this kernel cannot answer (EOPNOTSUPP), or the backend does not work
     on it (ENOSYS)
  5  the process has no number in the target namespace (ENOENT)
  6  an NS argument names no pid namespace: no such file (ENOENT), or not
     a pid namespace (EINVAL)
  7  not permitted (EPERM, EACCES)
)";

const char* const ns_help =
    R"(NS is 'self' (your pid namespace), a pid (that process's pid namespace)
or a path such as /proc/PID/ns/pid or /proc/PID/ns/pid_for_children.
)";

const char* const common_options_help = R"(Options:
  -J, --json          print the result (and errors, on stderr) as JSON
      --backend NAME  native, nsfs, procfs or auto (default: $PIDCTL_BACKEND,
                      else auto); the same as PIDCTL_BACKEND=NAME
  -h, --help          show this help
  -V, --version       show the version
Each option may be given once.
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
     "SIGKILL, RTMIN+1; as in kill(1) it may also be given as -SIG (-9, -KILL).\n"
     "The process is opened as a pidfd first, so the signal cannot reach a\n"
     "different process that reused the number. The init of a namespace gets\n"
     "from outside only KILL, STOP and the signals it handles: others are sent\n"
     "(exit 0) and ignored.\n"
     "Example: pidctl signal 1 KILL --ns 4242\n"
     "  ends the init of process 4242's namespace, and so every process in it.\n"},
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
    bool version = false;
    std::optional<backend> forced_backend;
    std::string command;
    std::vector<std::string> args;
    std::optional<std::string> dash_signal;                 // signal ... -SIG
    std::map<std::string, std::string, std::less<>> values; // --from, --to, --ns
};

bool all_digits(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Options that take a value, beside --backend.
bool takes_value(std::string_view option) {
    return option == "--from" || option == "--to" || option == "--ns" || option == "--backend";
}

// The long name of a flag, or empty if `arg` is none.
std::string_view flag_name(std::string_view arg) {
    if (arg == "--json" || arg == "-J")
        return "--json";
    if (arg == "--help" || arg == "-h")
        return "--help";
    if (arg == "--version" || arg == "-V")
        return "--version";
    return {};
}

std::optional<int> parse_signal(std::string_view text);

// Parses argv; returns an error message or nothing. Every option may be
// given once: a second one is an error, not a silent override.
std::optional<std::string> parse(int argc, char** argv, invocation& out) {
    bool options_done = false;
    std::vector<std::string_view> seen;
    auto once = [&](std::string_view name) -> std::optional<std::string> {
        for (std::string_view s : seen)
            if (s == name)
                return "option '" + std::string(name) + "' given more than once";
        seen.push_back(name);
        return std::nullopt;
    };
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
            continue;
        }
        if (std::string_view flag = flag_name(arg); !flag.empty()) {
            if (auto error = once(flag))
                return error;
            out.json = out.json || flag == "--json";
            out.help = out.help || flag == "--help";
            out.version = out.version || flag == "--version";
            continue;
        }
        // kill(1) syntax: signal PID -9, signal PID -KILL.
        if (out.command == "signal" && arg[1] != '-' && parse_signal(arg.substr(1))) {
            if (out.dash_signal)
                return "more than one signal given";
            out.dash_signal = std::string(arg.substr(1));
            continue;
        }
        std::string_view name = arg.substr(0, arg.find('='));
        if (!takes_value(name))
            return "unknown option '" + std::string(arg) + "'";
        if (auto error = once(name))
            return error;
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
    return std::nullopt;
}

// A PID argument: a positive number that fits a pid_t, else what is wrong.
std::optional<pid_t> parse_pid(std::string_view text, std::string& error) {
    pid_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range && all_digits(text)) {
        error = "PID '" + std::string(text) + "' is out of range";
        return std::nullopt;
    }
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
        error = "PID must be a positive number, not '" + std::string(text) + "'";
        return std::nullopt;
    }
    return value;
}

// Checks the form of an NS argument before anything is opened: a pid given
// as NS must be in range as any PID.
std::optional<std::string> check_namespace_text(std::string_view text) {
    std::string error;
    if (all_digits(text) && !parse_pid(text, error))
        return "NS: " + error;
    return std::nullopt;
}

// A namespace named as on the command line. On failure, reports and sets
// `status`.
pid_namespace open_namespace(const invocation& inv, std::string_view text, exit_code& status) {
    std::error_code ec;
    pid_namespace ns;
    std::string ignored;
    if (text == "self")
        ns = pid_namespace::current(ec);
    else if (auto pid = all_digits(text) ? parse_pid(text, ignored) : std::nullopt)
        ns = pid_namespace::of_process(*pid, ec);
    else
        ns = pid_namespace::open(std::string(text), ec);
    if (ec)
        status = report_error(inv.json, stage::open_namespace,
                              "namespace '" + std::string(text) + "'", ec);
    return ns;
}

// A namespace in JSON, as lsns -J has it: the inode number and the type.
json_object ns_json(const pid_namespace& ns) {
    json_object out;
    out.add("ns", static_cast<unsigned long long>(ns.inode())).add("type", "pid");
    return out;
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
    std::string error;
    auto pid = parse_pid(inv.args[0], error);
    if (!pid)
        return report_usage(inv.json, "translate", error);
    const std::string from_text = value_or(inv, "--from", "self");
    const std::string to_text = value_or(inv, "--to", "self");
    for (const std::string& text : {from_text, to_text})
        if (auto bad = check_namespace_text(text))
            return report_usage(inv.json, "translate", *bad);
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
        out.add("pid", static_cast<long long>(*pid)).add("from", ns_json(from));
        out.add("to", ns_json(to)).add("result", static_cast<long long>(result));
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
    for (const std::string& text : inv.args)
        if (auto bad = check_namespace_text(text))
            return report_usage(inv.json, "relation", *bad);
    exit_code status = exit_ok;
    pid_namespace source = open_namespace(inv, inv.args[0], status);
    if (status != exit_ok)
        return status;
    pid_namespace target = open_namespace(inv, inv.args[1], status);
    if (status != exit_ok)
        return status;
    std::error_code ec;
    std::optional<ns_relation> r = relation(source, target, ec);
    if (!r)
        return report_error(inv.json, stage::relation,
                            "relation " + inv.args[0] + " " + inv.args[1], ec);
    if (inv.json) {
        json_object out;
        out.add("source", ns_json(source)).add("target", ns_json(target));
        out.add("relation", to_string(*r)).add("backend", to_string(active_backend()));
        std::printf("%s\n", out.str().c_str());
    } else {
        std::printf("%s\n", std::string(to_string(*r)).c_str());
    }
    return exit_ok;
}

// A process of namespace `ns_text`: in the caller's own namespace one
// pidfd_open(), without opening the namespace.
pidfd open_process(pid_t pid, const std::string& ns_text, const pid_namespace& ns,
                   std::error_code& ec) {
    if (ns_text == "self")
        return pidfd::open(pid, ec);
    return pidfd::open(pid, ns, ec);
}

exit_code cmd_signal(const invocation& inv) {
    const size_t wanted = inv.dash_signal ? 1 : 2;
    if (inv.args.size() != wanted)
        return report_usage(inv.json, "signal", "expects PID and SIG");
    std::string error;
    auto pid = parse_pid(inv.args[0], error);
    if (!pid)
        return report_usage(inv.json, "signal", error);
    const std::string sig_text = inv.dash_signal ? *inv.dash_signal : inv.args[1];
    auto sig = parse_signal(sig_text);
    if (!sig)
        return report_usage(inv.json, "signal", "unknown signal '" + sig_text + "'");
    const std::string ns_text = value_or(inv, "--ns", "self");
    if (auto bad = check_namespace_text(ns_text))
        return report_usage(inv.json, "signal", *bad);
    exit_code status = exit_ok;
    pid_namespace ns;
    if (ns_text != "self" || inv.json) {
        ns = open_namespace(inv, ns_text, status);
        if (status != exit_ok)
            return status;
    }
    std::error_code ec;
    pidfd process = open_process(*pid, ns_text, ns, ec);
    if (ec)
        return report_error(inv.json, stage::open_process,
                            "open process " + inv.args[0] + " in " + ns_text, ec);
    process.send_signal(*sig, ec);
    if (ec)
        return report_error(inv.json, stage::signal, "signal " + inv.args[0], ec);
    if (inv.json) {
        const char* name = *sig ? ::sigabbrev_np(*sig) : nullptr;
        json_object out;
        out.add("pid", static_cast<long long>(*pid)).add("ns", ns_json(ns));
        out.add("signal", static_cast<long long>(*sig)).add("signal_name", name ? name : "");
        out.add("sent", true).add("backend", to_string(active_backend()));
        std::printf("%s\n", out.str().c_str());
    }
    return exit_ok;
}

std::string choice_source(const invocation& inv) {
    if (inv.forced_backend)
        return *inv.forced_backend == backend::automatic ? "auto" : "--backend";
    const char* env = std::getenv("PIDCTL_BACKEND");
    auto parsed = env ? parse_backend(env) : std::nullopt;
    if (parsed && *parsed != backend::automatic)
        return "PIDCTL_BACKEND";
    return "auto";
}

exit_code cmd_status(const invocation& inv, const std::string& chosen_by) {
    if (!inv.args.empty())
        return report_usage(inv.json, "status", "takes no arguments");
    struct utsname uts {};
    ::uname(&uts);
    const backend active = active_backend();
    const bool native = backend_available(backend::native);
    const bool nsfs = backend_available(backend::nsfs);
    const bool procfs = backend_available(backend::procfs);
    if (inv.json) {
        json_object kernel, backends, out;
        kernel.add("sysname", uts.sysname).add("release", uts.release);
        kernel.add("version", uts.version).add("machine", uts.machine);
        backends.add("native", native).add("nsfs", nsfs).add("procfs", procfs);
        out.add("backend", to_string(active)).add("chosen_by", chosen_by);
        out.add("pidctl_syscall", native).add("kernel", kernel);
        out.add("available", backends).add("version", PIDCTL_VERSION_STRING);
        std::printf("%s\n", out.str().c_str());
        return exit_ok;
    }
    auto yes_no = [](bool b) {
        return b ? "yes" : "no";
    };
    std::printf("backend:   %s (chosen by %s)\n", std::string(to_string(active)).c_str(),
                chosen_by.c_str());
    std::printf("kernel:    %s %s %s %s\n", uts.sysname, uts.release, uts.version, uts.machine);
    std::printf("pidctl():  %s\n", native ? "present" : "absent");
    std::printf("available: native=%s nsfs=%s procfs=%s\n", yes_no(native), yes_no(nsfs),
                yes_no(procfs));
    std::printf("libpidctl: %s\n", PIDCTL_VERSION_STRING);
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

exit_code cmd_version(const invocation& inv) {
    if (inv.json) {
        json_object out;
        out.add("program", "pidctl").add("version", PIDCTL_VERSION_STRING);
        std::printf("%s\n", out.str().c_str());
    } else {
        std::printf("pidctl from libpidctl %s\n", PIDCTL_VERSION_STRING);
    }
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

// Whether --json or -J is on the command line, for errors thrown before or
// outside the parse.
bool wants_json(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--json") == 0 || std::strcmp(argv[i], "-J") == 0)
            return true;
    return false;
}

exit_code run(int argc, char** argv) {
    invocation inv;
    // --json anywhere shapes even usage errors.
    inv.json = wants_json(argc, argv);
    if (auto error = parse(argc, argv, inv))
        return report_usage(inv.json, inv.command, *error);
    if (inv.version)
        return cmd_version(inv);
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
    const std::string chosen_by = choice_source(inv);
    // --backend is PIDCTL_BACKEND for this run: the library reads it at its
    // first call, so both force a backend alike, unprobed.
    if (inv.forced_backend &&
        ::setenv("PIDCTL_BACKEND", std::string(to_string(*inv.forced_backend)).c_str(), 1) < 0)
        return report_error(inv.json, stage::internal, "--backend",
                            std::error_code(errno, std::generic_category()));
    if (inv.command == "translate")
        return cmd_translate(inv);
    if (inv.command == "relation")
        return cmd_relation(inv);
    if (inv.command == "signal")
        return cmd_signal(inv);
    if (inv.command == "status")
        return cmd_status(inv, chosen_by);
    if (inv.command == "help")
        return cmd_help(inv);
    return report_usage(inv.json, "", "unknown command '" + inv.command + "'");
}

} // namespace

} // namespace pidctl::cli

int main(int argc, char** argv) {
    using namespace pidctl::cli;
    try {
        return run(argc, argv);
    } catch (const std::system_error& e) {
        return report_error(wants_json(argc, argv), stage::internal, e.what(), e.code());
    } catch (const std::bad_alloc&) {
        return report_error(wants_json(argc, argv), stage::internal, "internal error",
                            std::make_error_code(std::errc::not_enough_memory));
    } catch (const std::exception& e) {
        return report_error(wants_json(argc, argv), stage::internal, e.what(),
                            std::make_error_code(std::errc::state_not_recoverable));
    }
}
