// SPDX-License-Identifier: LGPL-2.1-or-later
#include "output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pidctl::cli {

json_object& json_object::add(std::string_view key, std::string_view value) {
    fields_.emplace_back(std::string(key), json_quote(value));
    return *this;
}

json_object& json_object::add(std::string_view key, long long value) {
    fields_.emplace_back(std::string(key), std::to_string(value));
    return *this;
}

json_object& json_object::add(std::string_view key, bool value) {
    fields_.emplace_back(std::string(key), value ? "true" : "false");
    return *this;
}

json_object& json_object::add_raw(std::string_view key, std::string raw_json) {
    fields_.emplace_back(std::string(key), std::move(raw_json));
    return *this;
}

std::string json_object::str() const {
    std::string out = "{";
    for (size_t i = 0; i < fields_.size(); ++i) {
        if (i)
            out += ", ";
        out += json_quote(fields_[i].first) + ": " + fields_[i].second;
    }
    return out + "}";
}

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string errno_name(int err) {
    const char* name = ::strerrorname_np(err);
    return name ? name : "errno " + std::to_string(err);
}

exit_code exit_code_for(const std::error_code& ec) {
    switch (ec.value()) {
    case ESRCH:
    case ENOENT:
        return exit_not_found;
    case ENOSYS:
    case EOPNOTSUPP:
        return exit_unsupported;
    default:
        return exit_failed;
    }
}

namespace {

const char* namespace_hint(int err) {
    switch (err) {
    case ENOENT:
        return "no such file, or no such process: NS is 'self', a pid, or a path like "
               "/proc/PID/ns/pid";
    case ESRCH:
        return "no such process (or it has been reaped)";
    case EINVAL:
        return "not a pid namespace: use /proc/PID/ns/pid or /proc/PID/ns/pid_for_children";
    case EACCES:
    case EPERM:
        return "not allowed to open that process's namespace: run as its owner or as root";
    default:
        return nullptr;
    }
}

const char* query_hint(stage where, int err) {
    switch (err) {
    case ESRCH:
        return where == stage::relation ? nullptr
                                        : "no process or thread has that number in the namespace "
                                          "it is named in (or it has been reaped)";
    case ENOENT:
        return where == stage::open_process
                   ? "the process is not visible in your pid namespace"
                   : "the process has no number in the target namespace: the target is not its "
                     "namespace or an ancestor of it";
    case EOPNOTSUPP:
        return "a stock kernel cannot answer for namespaces outside your own pid namespace's "
               "subtree; a kernel with pidctl() can (see 'pidctl status')";
    case ENOSYS:
        return "the selected backend does not work on this kernel: try --backend auto "
               "(see 'pidctl status')";
    case EINVAL:
        return where == stage::open_process
                   ? "that pid is a thread that is not its thread group's leader"
                   : "invalid argument: pids must be positive";
    case EPERM:
        return "not permitted: signalling needs the same user or CAP_KILL";
    default:
        return nullptr;
    }
}

const char* hint_for(stage where, int err) {
    switch (where) {
    case stage::option:
        return err == ENOSYS ? "that backend does not work on this kernel: try --backend auto "
                               "(see 'pidctl status')"
                             : nullptr;
    case stage::open_namespace:
        return namespace_hint(err);
    case stage::signal:
        return err == EPERM ? "not permitted: signalling needs the same user or CAP_KILL"
                            : query_hint(where, err);
    default:
        return query_hint(where, err);
    }
}

} // namespace

exit_code report_error(bool json, stage where, std::string_view what, const std::error_code& ec) {
    const std::string name = errno_name(ec.value());
    const std::string message = ec.message();
    const char* hint = hint_for(where, ec.value());
    if (json) {
        json_object out;
        out.add("error", name).add("errno", static_cast<long long>(ec.value()));
        out.add("context", what).add("message", message);
        if (hint)
            out.add("hint", hint);
        std::fprintf(stderr, "%s\n", out.str().c_str());
    } else {
        std::fprintf(stderr, "pidctl: %.*s: %s: %s%s%s%s\n", static_cast<int>(what.size()),
                     what.data(), name.c_str(), message.c_str(), hint ? " (hint: " : "",
                     hint ? hint : "", hint ? ")" : "");
    }
    return exit_code_for(ec);
}

exit_code report_usage(bool json, std::string_view command, std::string_view message) {
    std::string where = command.empty() ? "pidctl" : "pidctl " + std::string(command);
    if (json) {
        json_object out;
        out.add("error", "usage").add("context", where).add("message", message);
        out.add("hint", "see '" + where + " --help'");
        std::fprintf(stderr, "%s\n", out.str().c_str());
    } else {
        std::fprintf(stderr, "%s: %.*s (hint: see '%s --help')\n", where.c_str(),
                     static_cast<int>(message.size()), message.data(), where.c_str());
    }
    return exit_usage;
}

} // namespace pidctl::cli
