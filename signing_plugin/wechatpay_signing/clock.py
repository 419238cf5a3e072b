"""The local clock against WeChat Pay's: how far apart they are, and how to say it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping


def date_header_skew(headers: Mapping[str, str], now: float) -> float | None:
    """The server's time by its HTTP Date header minus ``now``, in seconds; None without a usable Date."""
    import email.utils  # only on the rare paths that compare clocks

    try:
        server_time = email.utils.parsedate_to_datetime(headers.get("Date", ""))
        if server_time.tzinfo is None:  # "-0000": an HTTP date is GMT; naive, it would be read as local time
            server_time = server_time.replace(tzinfo=datetime.UTC)
        return server_time.timestamp() - now
    except (TypeError, ValueError, OverflowError):  # OverflowError: a year such as 99999999999
        return None


def describe_skew(skew: float) -> str:
    """'about 10 min behind' for a skew in seconds (server time minus local time)."""
    size = abs(skew)
    amount = f"{size:.0f} s" if size < 120 else f"{size / 60:.0f} min" if size < 7200 else f"{size / 3600:.1f} h"
    return f"about {amount} {'behind' if skew > 0 else 'ahead of'}"
