# SPDX-License-Identifier: GPL-2.0
"""What mk/series and mk/series-check share: the series' declarations.

The series is declared in patches/: patches/series orders the patches, and
the header of each patch (patches/README.md) declares its commit: subject,
the overlay files it adds, the commit message body. The tree assembly
(mk/assemble) is loaded as a module, so both tools see exactly the overlay
files and the base tree that 'make kernel' builds from.
"""

import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")
PATCHES = os.path.join(TOP, "patches")
SERIES_OUT = os.path.join(BUILD, "series")        # format-patch output
SERIES_REPO = os.path.join(BUILD, "series-repo")  # scratch repository
COVER_LETTER = os.path.join(PATCHES, "cover-letter")
EXCEPTIONS = os.path.join(PATCHES, "checkpatch.exceptions")

# Used when git config has no user.name / user.email (patches/README.md).
DEFAULT_NAME = "pidctl developers"
DEFAULT_EMAIL = "pidctl@example.invalid"

HEADER_FIELDS = ("Subject", "Overlay")


def _load_assemble():
    path = os.path.join(TOP, "mk", "assemble")
    loader = importlib.machinery.SourceFileLoader("pidctl_assemble", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


assemble = _load_assemble()


class SeriesError(Exception):
    pass


@dataclass
class Commit:
    """One entry of patches/series: a patch file and the commit it declares."""
    name: str                      # file name in patches/
    subject: str = ""
    overlay: list = field(default_factory=list)
    body: str = ""
    diff: str = ""

    @property
    def path(self):
        return os.path.join(PATCHES, self.name)

    def message(self, signoff):
        text = self.subject + "\n\n"
        if self.body:
            text += self.body + "\n\n"
        return text + f"Signed-off-by: {signoff}\n"


def rel(path):
    return os.path.relpath(path, TOP)


def parse_patch(name):
    """Read the commit declaration and the diff of patches/NAME."""
    commit = Commit(name)
    where = f"patches/{name}"
    if not os.path.exists(commit.path):
        raise SeriesError(f"patches/series names {name}, which does not exist")
    with open(commit.path) as f:
        lines = f.read().split("\n")
    try:
        separator = lines.index("---")
    except ValueError:
        raise SeriesError(f"{where}: no '---' line between the commit "
                          "message and the diff (patches/README.md)")
    i = 0
    while i < separator and lines[i].strip():
        key, colon, value = lines[i].partition(":")
        if key.lower() in ("signed-off-by", "from"):
            raise SeriesError(
                f"{where}:{i + 1}: '{key}:' is written by make series from "
                "git config (user.name, user.email); remove it from the "
                "header (patches/README.md)")
        if not colon or key not in HEADER_FIELDS:
            raise SeriesError(
                f"{where}:{i + 1}: '{lines[i]}' is not a header field; the "
                f"header has {', '.join(HEADER_FIELDS)} lines, then an empty "
                "line and the body (patches/README.md)")
        value = value.strip()
        if key == "Subject":
            if commit.subject:
                raise SeriesError(f"{where}:{i + 1}: a second Subject: line")
            commit.subject = value
        else:
            commit.overlay.append(value)
        i += 1
    if not commit.subject:
        raise SeriesError(f"{where}: no 'Subject:' line in the header")
    body = [line.rstrip() for line in lines[i:separator]]
    while body and not body[0]:
        body.pop(0)
    while body and not body[-1]:
        body.pop()
    for n, line in enumerate(lines[i:separator], start=i + 1):
        if re.match(r"(?i)^(signed-off-by|from):", line):
            raise SeriesError(
                f"{where}:{n}: '{line.split(':')[0]}:' is written by make "
                "series from git config (user.name, user.email); remove it "
                "from the patch (patches/README.md)")
    commit.body = "\n".join(body)
    commit.diff = "\n".join(lines[separator + 1:])
    return commit


def read_commits():
    names = assemble.read_series()
    if not names:
        raise SeriesError("patches/series lists no patches")
    if len(set(names)) != len(names):
        raise SeriesError("patches/series lists a patch twice")
    return [parse_patch(name) for name in names]


def overlay_files():
    """The overlay files mk/assemble copies into build/src."""
    return assemble.overlay_files()


def claim_problems(commits, overlay=None):
    """Ways in which the Overlay: lines fail to claim each overlay file once."""
    overlay = set(overlay_files() if overlay is None else overlay)
    owners = {}
    for commit in commits:
        for path in commit.overlay:
            owners.setdefault(path, []).append(commit.name)
    problems = []
    for path in sorted(overlay - set(owners)):
        problems.append(f"{path}: an overlay file no commit claims (add "
                        "'Overlay: {0}' to the header of one patch)".format(path))
    for path, names in sorted(owners.items()):
        if path not in overlay:
            problems.append(f"{path}: claimed by {', '.join(names)} but not an "
                            f"overlay file (not under {' '.join(assemble.OVERLAY_DIRS)}/, "
                            "missing or git-ignored)")
        if len(names) > 1:
            problems.append(f"{path}: claimed by more than one commit: "
                            f"{', '.join(names)}")
    return problems


def git_identity():
    """(name, email) from git config, or the documented default."""
    def get(key):
        out = subprocess.run(["git", "-C", TOP, "config", key],
                             capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else ""
    return get("user.name") or DEFAULT_NAME, get("user.email") or DEFAULT_EMAIL


def file_mode(path):
    return "100755" if os.access(path, os.X_OK) else "100644"


def git(*args, repo=None, env=None, input=None, check=True, cwd=None):
    """Run git, return stdout (str). repo: a --git-dir."""
    cmd = ["git"]
    if repo:
        cmd.append(f"--git-dir={repo}")
    cmd += list(args)
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    result = subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                            input=input, cwd=cwd)
    if check and result.returncode != 0:
        raise SeriesError(f"'{' '.join(cmd)}' failed ({result.returncode}):\n"
                          + result.stdout + result.stderr)
    return result.stdout if check else result


def fail(tool, err):
    print(f"{tool}: error: {err}", file=sys.stderr)
    sys.exit(1)
