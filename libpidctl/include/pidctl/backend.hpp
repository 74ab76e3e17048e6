// SPDX-License-Identifier: LGPL-2.1-or-later
// Which kernel mechanism answers pidctl's questions.
#ifndef PIDCTL_BACKEND_HPP
#define PIDCTL_BACKEND_HPP

#include <pidctl/config.hpp>

#include <optional>
#include <string_view>
#include <system_error>

namespace pidctl {

// native: the pidctl() system call (patched kernels).
// nsfs:   NS_GET_PID_FROM_PIDNS / NS_GET_PID_IN_PIDNS / NS_GET_PARENT (Linux 6.11+).
// procfs: NSpid lines of /proc/PID/status and NS_GET_PARENT (Linux 5.3+, for
//         pidfd_open(); thread pidfds 6.9+).
// automatic: the first of native, nsfs, procfs that works on the running kernel.
enum class backend { automatic, native, nsfs, procfs };

// "auto", "native", "nsfs", "procfs".
PIDCTL_API std::string_view to_string(backend b) noexcept;
PIDCTL_API std::optional<backend> parse_backend(std::string_view name) noexcept;

// The backend every call uses. Chosen once per process: by select_backend(),
// else by the environment variable PIDCTL_BACKEND, else automatically.
// Never returns backend::automatic.
PIDCTL_API backend active_backend() noexcept;

// Makes every later call use `b` (automatic: probe again). Fails, leaving the
// choice as it was, when `b` cannot work on this kernel: ENOSYS.
PIDCTL_API void select_backend(backend b);
PIDCTL_API void select_backend(backend b, std::error_code& ec) noexcept;

// Whether `b` works on the running kernel (probed, not cached).
PIDCTL_API bool backend_available(backend b) noexcept;

} // namespace pidctl

#endif
