// SPDX-License-Identifier: LGPL-2.1-or-later
// How the pidctl CLI talks: JSON objects, one-line errors with a hint, and
// the exit status that goes with each error.
#ifndef PIDCTL_CLI_OUTPUT_HPP
#define PIDCTL_CLI_OUTPUT_HPP

#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pidctl::cli {

// Exit statuses, one per class of failure; documented in --help, pidctl(1)
// and libpidctl's README.
enum exit_code : int {
    exit_ok = 0,
    exit_failed = 1,        // any other failure; the message names the errno
    exit_usage = 2,         // bad command line
    exit_no_process = 3,    // ESRCH: no such process (or not visible to you)
    exit_unsupported = 4,   // EOPNOTSUPP, ENOSYS: this kernel or backend cannot answer
    exit_no_number = 5,     // ENOENT, EREMOTE: the process has no number there
    exit_bad_namespace = 6, // an NS argument names no pid namespace (missing file, EINVAL)
    exit_not_permitted = 7, // EPERM, EACCES
};

// The "error" member of a JSON error: "usage", "no_such_process", ...
std::string_view exit_code_name(exit_code code);

// A flat JSON object, written in insertion order on one line.
class json_object {
public:
    json_object& add(std::string_view key, std::string_view value);
    json_object& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    json_object& add(std::string_view key, long long value);
    json_object& add(std::string_view key, unsigned long long value);
    json_object& add(std::string_view key, bool value);
    // `object` is written as a nested object.
    json_object& add(std::string_view key, const json_object& object);
    std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

// A JSON string of `text`: ASCII only. Valid UTF-8 becomes \u escapes
// (surrogate pairs beyond U+FFFF); each byte of invalid UTF-8 becomes
// \ufffd, so any output parses as JSON whatever bytes a path held.
std::string json_quote(std::string_view text);

// The symbolic name of an errno value ("ESRCH"), or "E" and its number.
std::string errno_name(int err);

// Where an error happened: picks the hint and the exit status.
enum class stage { open_namespace, translate, relation, open_process, signal, internal };

// The exit status for an error at `where`.
exit_code exit_code_for(stage where, const std::error_code& ec);

// Prints "pidctl: WHAT: ENAME: description (hint: ...)" to stderr, or the
// same as a one-line JSON object when `json` is set. Returns the exit code.
exit_code report_error(bool json, stage where, std::string_view what, const std::error_code& ec);

// A usage error: one line on stderr (JSON: errno EINVAL), exit_usage.
exit_code report_usage(bool json, std::string_view command, std::string_view message);

} // namespace pidctl::cli

#endif
