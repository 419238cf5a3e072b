"""make test-all: the test suite on every Python the package supports, each in its own virtual environment.

make test-all runs make test (the checks once, and the suite on 3.11 in .venv), then these sessions for 3.12 and
3.13 (``nox --python 3.12 3.13``); ``nox`` alone runs all three. Interpreters are pyenv's
(``~/.pyenv/versions/3.1x.*``; its shims serve only the selected version), else ``python3.1x`` on PATH. Nothing is
downloaded: a missing interpreter fails the run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nox

PYTHONS = ["3.11", "3.12", "3.13"]  # pyproject.toml's classifiers say the same

nox.options.sessions = ["tests"]
nox.options.reuse_venv = "yes"  # pip install still runs, so a changed pin is picked up
nox.options.download_python = "never"
nox.options.error_on_missing_interpreters = True


def _pyenv_bins(versions: list[str]) -> list[str]:
    """The bin folder of the newest pyenv install of each version that has one."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    folders = []
    for version in versions:
        patch = re.compile(rf"{re.escape(version)}\.(\d+)")
        installs = [
            (int(found.group(1)), folder)
            for folder in root.glob(f"versions/{version}.*")
            if (found := patch.fullmatch(folder.name)) and (folder / "bin" / f"python{version}").is_file()
        ]
        if installs:
            folders.append(str(max(installs)[1] / "bin"))
    return folders


# Before pyenv's shims, which would answer python3.12 with an error while 3.11 is the selected version.
os.environ["PATH"] = os.pathsep.join([*_pyenv_bins(PYTHONS), os.environ.get("PATH", "")])


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """pytest on one Python, with the pinned tools and the package installed editable, as make install does."""
    session.install("--quiet", "-r", "requirements/dev.txt")
    session.install("--quiet", "-e", ".[sandbox]")
    session.run("python", "--version")
    # The everyday suite; the slow tests run once, in make test-slow (CI runs both).
    session.run("pytest", *(session.posargs or ["-m", "not slow"]))
