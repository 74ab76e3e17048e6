// SPDX-License-Identifier: LGPL-2.1-or-later
#include "proc.hpp"

#include "sys.hpp"

#include <charconv>
#include <unistd.h>

namespace pidctl::detail {

namespace {

std::string_view line_value(std::string_view text, std::string_view key) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (line.substr(0, key.size()) == key)
            return line.substr(key.size());
        pos = end + 1;
    }
    return {};
}

bool parse_numbers(std::string_view text, std::vector<pid_t>& out) {
    out.clear();
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t'))
            ++p;
        if (p == end)
            break;
        pid_t value = 0;
        auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc())
            return false;
        out.push_back(value);
        p = next;
    }
    return true;
}

} // namespace

long read_file_at(int dirfd, const char* name, std::string& out) {
    unique_fd fd;
    long ret = adopt_fd(sys_openat(dirfd, name), fd);
    if (ret < 0)
        return ret;
    out.clear();
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return neg_errno();
        if (n == 0)
            return 0;
        out.append(buf, static_cast<size_t>(n));
    }
}

bool parse_nspid(std::string_view text, std::vector<pid_t>& out) {
    std::string_view value = line_value(text, "NSpid:");
    if (value.data() == nullptr)
        return false;
    return parse_numbers(value, out) && !out.empty();
}

long proc_level(int& out) {
    std::string status;
    long ret = read_file_at(AT_FDCWD, "/proc/thread-self/status", status);
    if (ret < 0)
        return ret;
    std::vector<pid_t> numbers;
    if (!parse_nspid(status, numbers))
        return -ENOSYS;
    out = static_cast<int>(numbers.size()) - 1;
    return 0;
}

long pidfd_numbers(int pidfd, std::vector<pid_t>& out) {
    std::string path = "/proc/self/fdinfo/" + std::to_string(pidfd);
    std::string info;
    long ret = read_file_at(AT_FDCWD, path.c_str(), info);
    if (ret < 0)
        return ret;
    if (!parse_nspid(info, out)) {
        // Only the Pid: line (pid namespaces compiled out, or no pidfd).
        std::string_view pid = line_value(info, "Pid:");
        if (pid.data() == nullptr || !parse_numbers(pid, out) || out.size() != 1)
            return -EINVAL;
    }
    if (out.size() == 1 && out[0] < 0)
        out.clear(); // "-1": reaped
    return 0;
}

long pidfd_number_in_caller(int pidfd, pid_t& out) {
    int level = 0;
    long ret = proc_level(level);
    if (ret < 0)
        return ret;
    std::vector<pid_t> numbers;
    ret = pidfd_numbers(pidfd, numbers);
    if (ret < 0)
        return ret;
    if (numbers.empty())
        return -ESRCH;
    if (static_cast<size_t>(level) >= numbers.size()) {
        out = 0;
        return 0;
    }
    // With a /proc of an ancestor namespace, the entry at our level may be a
    // number in a sibling namespace. pidfd_send_signal() refuses pidfds of
    // processes outside the caller's view with EINVAL.
    if (level > 0 && sys_pidfd_send_signal(pidfd, 0) == -EINVAL) {
        out = 0;
        return 0;
    }
    out = numbers[static_cast<size_t>(level)];
    return 0;
}

} // namespace pidctl::detail
