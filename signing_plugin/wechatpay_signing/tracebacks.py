"""Errors leave the package without the secrets its frames held (private key PEM, APIv3 key, Authorization).

A traceback keeps every frame it passed through, and each frame its local variables: what ``pytest --showlocals``,
rich tracebacks and error trackers such as Sentry record. Functions that take or handle a secret are wrapped with
``without_locals``: when one raises, the finished frames below it are cleared (line numbers stay), and the error is
raised again from a frame that holds no argument.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def clear_locals(error: BaseException) -> None:
    """Clear the local variables of the finished frames of ``error``, its cause and its context."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)  # frames still running are skipped
        current = current.__cause__ or current.__context__


def without_locals(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, raising its errors with the locals of every frame below this one cleared."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except Exception as error:
            failure = error
        # Out of the except block, with the arguments (the secrets) dropped: this frame holds only the error.
        del args, kwargs
        clear_locals(failure)
        raise failure

    return wrapper
