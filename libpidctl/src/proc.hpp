// SPDX-License-Identifier: LGPL-2.1-or-later
// Reading /proc: NSpid lines of status and pidfd fdinfo files.
//
// NSpid lists a task's numbers from the pid namespace of the /proc mount
// down to the task's own namespace. /proc is usually mounted in the caller's
// namespace, but a container may show its host's /proc: proc_level() says
// how many namespaces lie between, so index proc_level() + d is the number
// in the namespace d levels below the caller's.
//
// These functions may throw std::bad_alloc; the backends catch it.
#ifndef PIDCTL_SRC_PROC_HPP
#define PIDCTL_SRC_PROC_HPP

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace pidctl::detail {

// Reads the whole file `name` below `dirfd`.
long read_file_at(int dirfd, const char* name, std::string& out);

// The numbers of the "NSpid:" line of a status or fdinfo text. False if
// there is no such line (kernels before 4.1, or pid namespaces disabled).
bool parse_nspid(std::string_view text, std::vector<pid_t>& out);

// The caller's level below the /proc mount's pid namespace (usually 0).
// ENOSYS when /proc shows no NSpid lines; ENOENT without /proc.
long proc_level(int& out);

// A pidfd's numbers (fdinfo NSpid). An empty list means the process was
// reaped; a single 0 that it is not visible in /proc's namespace.
long pidfd_numbers(int pidfd, std::vector<pid_t>& out);

// The number of a pidfd's process in the caller's namespace: ESRCH once it
// was reaped, 0 if it is not visible there.
long pidfd_number_in_caller(int pidfd, pid_t& out);

} // namespace pidctl::detail

#endif
