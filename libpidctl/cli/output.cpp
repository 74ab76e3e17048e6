// SPDX-License-Identifier: LGPL-2.1-or-later
#include "output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pidctl::cli {

std::string_view exit_code_name(exit_code code) {
    switch (code) {
    case exit_ok:
        return "ok";
    case exit_usage:
        return "usage";
    case exit_no_process:
        return "no_such_process";
    case exit_unsupported:
        return "unsupported";
    case exit_no_number:
        return "no_number";
    case exit_bad_namespace:
        return "bad_namespace";
    case exit_not_permitted:
        return "not_permitted";
    case exit_failed:
        break;
    }
    return "failed";
}

json_object& json_object::add(std::string_view key, std::string_view value) {
    fields_.emplace_back(std::string(key), json_quote(value));
    return *this;
}

json_object& json_object::add(std::string_view key, long long value) {
    fields_.emplace_back(std::string(key), std::to_string(value));
    return *this;
}

json_object& json_object::add(std::string_view key, unsigned long long value) {
    fields_.emplace_back(std::string(key), std::to_string(value));
    return *this;
}

json_object& json_object::add(std::string_view key, bool value) {
    fields_.emplace_back(std::string(key), value ? "true" : "false");
    return *this;
}

json_object& json_object::add(std::string_view key, const json_object& object) {
    fields_.emplace_back(std::string(key), object.str());
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

namespace {

void append_u_escape(std::string& out, unsigned unit) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", unit);
    out += buf;
}

void append_code_point(std::string& out, char32_t cp) {
    if (cp < 0x10000) {
        append_u_escape(out, static_cast<unsigned>(cp));
        return;
    }
    cp -= 0x10000;
    append_u_escape(out, 0xd800 + static_cast<unsigned>(cp >> 10));
    append_u_escape(out, 0xdc00 + static_cast<unsigned>(cp & 0x3ff));
}

// Decodes one UTF-8 sequence starting at text[i] (a byte >= 0x80). Returns
// its length, or 0 if it is not valid UTF-8 (overlong forms, surrogates and
// values beyond U+10FFFF included).
size_t decode_utf8(std::string_view text, size_t i, char32_t& cp) {
    const auto byte = [&](size_t k) {
        return static_cast<unsigned char>(text[k]);
    };
    const unsigned char lead = byte(i);
    size_t len;
    char32_t min;
    if (lead >= 0xc2 && lead <= 0xdf) {
        len = 2;
        cp = lead & 0x1f;
        min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        len = 3;
        cp = lead & 0x0f;
        min = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        len = 4;
        cp = lead & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > text.size())
        return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

} // namespace

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"') {
            out += "\\\"";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            append_u_escape(out, c);
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            char32_t cp = 0;
            const size_t len = decode_utf8(text, i, cp);
            append_code_point(out, len ? cp : U'\ufffd');
            if (len)
                i += len - 1;
        }
    }
    return out + "\"";
}

std::string errno_name(int err) {
    const char* name = ::strerrorname_np(err);
    return name ? name : "E" + std::to_string(err);
}

exit_code exit_code_for(stage where, const std::error_code& ec) {
    switch (ec.value()) {
    case ESRCH:
        return exit_no_process;
    case ENOSYS:
    case EOPNOTSUPP:
        return exit_unsupported;
    case EPERM:
    case EACCES:
        return exit_not_permitted;
    case ENOENT:
    case ENOTDIR:
    case ELOOP:
    case ENAMETOOLONG:
    case EINVAL:
        if (where == stage::open_namespace)
            return exit_bad_namespace;
        return ec.value() == ENOENT ? exit_no_number : exit_failed;
    case EREMOTE:
        return exit_no_number;
    default:
        return exit_failed;
    }
}

namespace {

const char* const unsupported_hint =
    "a stock kernel cannot tell this for namespaces outside your pid namespace's subtree; "
    "a kernel with pidctl() can (see 'pidctl status')";
const char* const backend_hint =
    "the selected backend does not work on this kernel: try --backend auto (see 'pidctl status')";

const char* namespace_hint(int err) {
    switch (err) {
    case ENOENT:
        return "no such file: NS is 'self', a pid, or a path like /proc/PID/ns/pid";
    case ESRCH:
        return "no process has that pid in your pid namespace (or it has been reaped)";
    case EINVAL:
        return "not a pid namespace: use /proc/PID/ns/pid or /proc/PID/ns/pid_for_children";
    case EACCES:
    case EPERM:
        return "not allowed to open that namespace: run as its owner or as root";
    default:
        return nullptr;
    }
}

const char* translate_hint(int err) {
    switch (err) {
    case ESRCH:
        return "no process or thread has that number in the --from namespace, or it is not "
               "visible from your pid namespace (or it has been reaped)";
    case ENOENT:
        return "the process has no number in the --to namespace: that is neither its namespace "
               "nor an ancestor of it";
    default:
        return nullptr;
    }
}

const char* relation_hint(int err) {
    switch (err) {
    case EPERM:
        return "a namespace beside your own line (neither yours nor an ancestor or descendant "
               "of it): the kernel relates only namespaces on your line";
    default:
        return nullptr;
    }
}

const char* open_process_hint(int err) {
    switch (err) {
    case ESRCH:
        return "no process has that number in the --ns namespace, or it is not visible from "
               "your pid namespace (or it has been reaped)";
    case ENOENT:
        return "the process has no number in your pid namespace";
    case EINVAL:
        return "that pid is a thread that is not its thread group's leader";
    default:
        return nullptr;
    }
}

const char* signal_hint(int err) {
    switch (err) {
    case EPERM:
        return "not permitted: signalling needs the same user or CAP_KILL";
    case ESRCH:
        return "the process ended before the signal was sent";
    default:
        return nullptr;
    }
}

const char* hint_for(stage where, int err) {
    if (err == EOPNOTSUPP)
        return unsupported_hint;
    if (err == ENOSYS)
        return backend_hint;
    switch (where) {
    case stage::open_namespace:
        return namespace_hint(err);
    case stage::translate:
        return translate_hint(err);
    case stage::relation:
        return relation_hint(err);
    case stage::open_process:
        return open_process_hint(err);
    case stage::signal:
        return signal_hint(err);
    case stage::internal:
        break;
    }
    return nullptr;
}

} // namespace

exit_code report_error(bool json, stage where, std::string_view what, const std::error_code& ec) {
    const exit_code code = exit_code_for(where, ec);
    const std::string name = errno_name(ec.value());
    const std::string message = ec.message();
    const char* hint = hint_for(where, ec.value());
    if (json) {
        json_object out;
        out.add("error", exit_code_name(code)).add("errno", name);
        out.add("errno_value", static_cast<long long>(ec.value()));
        out.add("context", what).add("message", message);
        if (hint)
            out.add("hint", hint);
        out.add("exit_status", static_cast<long long>(code));
        std::fprintf(stderr, "%s\n", out.str().c_str());
    } else {
        std::fprintf(stderr, "pidctl: %.*s: %s: %s%s%s%s\n", static_cast<int>(what.size()),
                     what.data(), name.c_str(), message.c_str(), hint ? " (hint: " : "",
                     hint ? hint : "", hint ? ")" : "");
    }
    return code;
}

exit_code report_usage(bool json, std::string_view command, std::string_view message) {
    std::string where = command.empty() ? "pidctl" : "pidctl " + std::string(command);
    if (json) {
        json_object out;
        out.add("error", exit_code_name(exit_usage)).add("errno", errno_name(EINVAL));
        out.add("errno_value", static_cast<long long>(EINVAL));
        out.add("context", where).add("message", message);
        out.add("hint", "see '" + where + " --help'");
        out.add("exit_status", static_cast<long long>(exit_usage));
        std::fprintf(stderr, "%s\n", out.str().c_str());
    } else {
        std::fprintf(stderr, "%s: %.*s (hint: see '%s --help')\n", where.c_str(),
                     static_cast<int>(message.size()), message.data(), where.c_str());
    }
    return exit_usage;
}

} // namespace pidctl::cli
