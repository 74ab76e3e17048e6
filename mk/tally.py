# SPDX-License-Identifier: GPL-2.0
"""Count test results in the output of TAP producers and GoogleTest.

Output may be cut into sections by vm/run-tests markers:
    # vm-test: begin PROGRAM
    # vm-test: end PROGRAM status=N
Each section is counted on its own; a program that exits non-zero without
reporting a failure counts one failure, and one that reports nothing at all
counts as a single test passed or failed by its exit status.
"""

import json
import os
import re
from dataclasses import dataclass, field

# Each suite's last counts and time (mk/check writes it; make series quotes
# it in the cover letter).
RESULTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "build", "check", "results.json")


def load_results():
    """{suite: {passed, failed, skipped, seconds, date, sections}}, or {}."""
    try:
        with open(RESULTS) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}

TAP = re.compile(r"^\s*(not )?ok \d+\b(.*)$")
TAP_SKIP = re.compile(r"#\s*SKIP", re.IGNORECASE)
GTEST_OK = re.compile(r"^\[\s+OK \] \S+ \(\d+ ms\)")
GTEST_FAILED = re.compile(r"^\[\s+FAILED \] \S+ \(\d+ ms\)")
GTEST_SKIPPED = re.compile(r"^\[\s+SKIPPED \] \S+ \(\d+ ms\)")
BEGIN = re.compile(r"^# vm-test: begin (\S+)")
END = re.compile(r"^# vm-test: end (\S+) status=(\d+)")


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list = field(default_factory=list)

    def add(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.failures += other.failures

    @property
    def total(self):
        return self.passed + self.failed + self.skipped

    def line(self):
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def count_line(line, counts, name):
    """Count one output line into counts."""
    line = line.rstrip("\r\n")
    m = TAP.match(line)
    if m:
        if m.group(1):
            counts.failed += 1
            counts.failures.append(f"{name}: {line.strip()}")
        elif TAP_SKIP.search(m.group(2)):
            counts.skipped += 1
        else:
            counts.passed += 1
    elif GTEST_OK.match(line):
        counts.passed += 1
    elif GTEST_FAILED.match(line):
        counts.failed += 1
        counts.failures.append(f"{name}: {line.strip()}")
    elif GTEST_SKIPPED.match(line):
        counts.skipped += 1


def settle(counts, name, status):
    """Account for a program's exit status after its lines were counted."""
    if status == 0 and counts.total == 0:
        counts.passed += 1
    elif status != 0 and counts.failed == 0:
        counts.failed += 1
        counts.failures.append(f"{name}: exited with status {status}")


class Tally:
    """Feed lines one by one; sections are reported as they end."""

    def __init__(self, name, on_section=None):
        self.name = name
        self.total = Counts()
        self.section = None
        self.section_counts = Counts()
        self.outside = Counts()
        self.on_section = on_section

    def feed(self, line):
        m = BEGIN.match(line)
        if m:
            self.section, self.section_counts = m.group(1), Counts()
            return
        m = END.match(line)
        if m and self.section:
            settle(self.section_counts, m.group(1), int(m.group(2)))
            if self.on_section:
                self.on_section(self.section, self.section_counts)
            self.total.add(self.section_counts)
            self.section = None
            return
        if self.section:
            count_line(line, self.section_counts, self.section)
        else:
            count_line(line, self.outside, self.name)

    def finish(self, status):
        """Totals for the whole command, given its exit status."""
        if self.section:
            # The program never reached its end marker: it hung or crashed.
            self.section_counts.failed += 1
            self.section_counts.failures.append(f"{self.section}: did not finish")
            if self.on_section:
                self.on_section(self.section, self.section_counts)
            self.total.add(self.section_counts)
            self.section = None
        self.total.add(self.outside)
        settle(self.total, self.name, status)
        return self.total
