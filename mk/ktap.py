# SPDX-License-Identifier: GPL-2.0
"""KTAP output for the project's Python checks (mk/man-check,
mk/series-check), in the format of the kernel's ktap_helpers.sh: a header,
one line per result with its details as "# " lines, the plan at the end."""


class Ktap:
    def __init__(self):
        self.n = self.passed = self.failed = self.skipped = 0
        print("TAP version 13", flush=True)

    def result(self, ok, name, details=(), skip=None):
        """ok or not ok NAME, or with skip (a reason) a skipped test."""
        self.n += 1
        if skip:
            self.skipped += 1
            print(f"ok {self.n} {name} # SKIP {skip}", flush=True)
            return
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} {name}", flush=True)
        for detail in details:
            diag(detail)

    def finish(self):
        """Print the plan and the totals; the exit status."""
        print(f"1..{self.n}")
        print(f"# Totals: pass:{self.passed} fail:{self.failed} xfail:0 xpass:0 "
              f"skip:{self.skipped} error:0", flush=True)
        return 1 if self.failed else 0


def diag(text):
    for line in str(text).rstrip("\n").split("\n"):
        print(f"# {line}", flush=True)
