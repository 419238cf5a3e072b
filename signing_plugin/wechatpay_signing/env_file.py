"""Reading a wechatpay.env file: NAME=value lines that a POSIX shell can also source (``set -a; . wechatpay.env``)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from .errors import ConfigurationError

_LINE = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)")


def read_env_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """The variables a wechatpay.env file sets.

    Blank lines and ``#`` comments are skipped; ``export`` is allowed; a value with spaces must be quoted as in the
    shell ('...' or "..."). Nothing is expanded. Errors name the file and the line, never a value: the file may
    hold the APIv3 key.
    """
    if not isinstance(path, str | os.PathLike):
        raise ConfigurationError(f"the settings file must be given as a path, not {type(path).__name__}")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
        raise ConfigurationError(f"cannot read the settings file {os.fspath(path)!r}: {reason}") from None
    settings, problem = _parse(text)
    del text  # it may hold the APIv3 key: out of the frame before anything is raised from it
    if settings is None:
        raise ConfigurationError(f"{os.fspath(path)}, {problem}")
    return settings


def _parse(text: str) -> tuple[dict[str, str] | None, str]:
    """The settings, or None and the problem; returns rather than raises, so no traceback holds the text."""
    settings: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.fullmatch(stripped)
        if match is None:
            return None, f"line {number}: expected NAME=value"
        name, raw = match.groups()
        try:
            words = shlex.split(raw) if raw else [""]
        except ValueError:
            return None, f"line {number}: {name}'s value has an unclosed quote"
        if len(words) != 1:
            return None, f"line {number}: {name}'s value holds spaces; quote it as in the shell: {name}='...'"
        settings[name] = words[0]
    return settings, ""
