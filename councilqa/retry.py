"""How long a server asks a client to wait before trying again (HTTP's Retry-After), for every client we have."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})  # replies worth trying again after a wait


def retry_after(value: str | None, default: float) -> float:
    """The wait, in seconds, a Retry-After header asks for (seconds, or an HTTP date), else `default`.

    >>> retry_after("7", 2.0), retry_after(None, 2.0), retry_after("soon", 2.0)
    (7.0, 2.0, 2.0)
    >>> retry_after("Thu, 01 Jan 1970 00:00:00 GMT", 2.0)  # a date already past: no wait
    0.0
    """
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    if value and email.utils.parsedate_tz(value):
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return default
