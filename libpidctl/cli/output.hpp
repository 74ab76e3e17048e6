// SPDX-License-Identifier: LGPL-2.1-or-later
// How the pidctl CLI talks: JSON objects, one-line errors with a hint, and
// the exit status that goes with each error.
#ifndef PIDCTL_CLI_OUTPUT_HPP
#define PIDCTL_CLI_OUTPUT_HPP

#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pidctl::cli {

// Exit statuses, documented in --help and pidctl(1).
enum exit_code : int {
    exit_ok = 0,
    exit_failed = 1,      // the operation failed; the message names the errno
    exit_usage = 2,       // bad command line
    exit_not_found = 3,   // ESRCH or ENOENT: no such process, or no number there
    exit_unsupported = 4, // ENOSYS or EOPNOTSUPP: this kernel cannot answer
};

// A flat JSON object, written in insertion order.
class json_object {
public:
    json_object& add(std::string_view key, std::string_view value);
    json_object& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    json_object& add(std::string_view key, long long value);
    json_object& add(std::string_view key, bool value);
    json_object& add_raw(std::string_view key, std::string raw_json);
    std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

std::string json_quote(std::string_view text);

// The symbolic name of an errno value ("ESRCH"), or its number.
std::string errno_name(int err);

// Where an error happened, to pick the hint.
enum class stage { option, open_namespace, translate, relation, open_process, signal, status };

// The exit status for an error.
exit_code exit_code_for(const std::error_code& ec);

// Prints "pidctl: WHAT: ENAME: description (hint: ...)" to stderr, or the
// same as a one-line JSON object when `json` is set. Returns the exit code.
exit_code report_error(bool json, stage where, std::string_view what, const std::error_code& ec);

// A usage error: one line on stderr, exit_usage.
exit_code report_usage(bool json, std::string_view command, std::string_view message);

} // namespace pidctl::cli

#endif
