"""The product's one time zone: every session is held in Europe/Amsterdam."""

import datetime as dt
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now_local() -> dt.datetime:
    """Naive wall-clock time in Europe/Amsterdam, comparable to session times."""
    return dt.datetime.now(AMSTERDAM).replace(tzinfo=None)


def localize(value: dt.datetime) -> dt.datetime:
    """Attach the Amsterdam zone to a naive session time."""
    return value.replace(tzinfo=AMSTERDAM)
