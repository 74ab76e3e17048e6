// SPDX-License-Identifier: LGPL-2.1-or-later
// libpidctl: pid namespaces, pid translation and pidfds through pidctl()
// where the kernel has it, through stock-kernel mechanisms where it does not.
//
// Every call comes in two forms: one throws std::system_error carrying the
// errno (std::generic_category), the other takes a std::error_code& and is
// noexcept, as in std::filesystem.
#ifndef PIDCTL_PIDCTL_HPP
#define PIDCTL_PIDCTL_HPP

#include <pidctl/backend.hpp>
#include <pidctl/config.hpp>
#include <pidctl/pid_namespace.hpp>
#include <pidctl/pidfd.hpp>
#include <pidctl/unique_fd.hpp>

#endif
