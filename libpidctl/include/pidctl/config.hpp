// SPDX-License-Identifier: LGPL-2.1-or-later
// Build-wide definitions of libpidctl's public headers.
#ifndef PIDCTL_CONFIG_HPP
#define PIDCTL_CONFIG_HPP

// The library is built with -fvisibility=hidden; this marks its public API.
#define PIDCTL_API __attribute__((visibility("default")))

// The library's version; the Makefile takes VERSION from here.
#define PIDCTL_VERSION_MAJOR 1
#define PIDCTL_VERSION_MINOR 0
#define PIDCTL_VERSION_PATCH 0
#define PIDCTL_VERSION_STRING "1.0.0"

#endif
