"""Text that a server controls, made safe to put in a log line, an error message or a terminal."""

from __future__ import annotations

import re

SHOWN_LIMIT = 200
"""Characters of server text kept in a message or log line; the rest is cut, and the full length said."""

# C0 and C1 controls and DEL (newlines, terminal escapes), and the Unicode line separators and direction overrides
# that make a line look like something else. Chinese text and other printable characters are kept as they are.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every control character written as its escape (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def shown(text: object, limit: int = SHOWN_LIMIT) -> str:
    """Server text for a log line or a message: controls escaped, at most ``limit`` characters and a length note."""
    escaped = escape_controls(str(text))
    if len(escaped) <= limit:
        return escaped
    return f"{escaped[:limit]}... ({len(escaped)} characters)"
