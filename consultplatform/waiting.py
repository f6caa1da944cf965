"""Why someone is on the waiting list, in a sentence for the page and the mail."""

from __future__ import annotations

from flask_babel import gettext

from consultplatform.seats import SECTOR_FULL, SIDE_FULL


def waiting_reason(reason: str | None, *, sector: str = "", side: str = "") -> str:
    """``reason`` is the seat rule that made them wait (``seats.FULL``, ``SECTOR_FULL``,
    ``SIDE_FULL``); ``sector`` and ``side`` name their group."""
    if reason == SECTOR_FULL:
        if sector:
            return gettext("The places for your sector (%(sector)s) in this session are taken: "
                           "you are on the waiting list.", sector=sector)
        return gettext("The places for participants without a sector in this session are "
                       "taken: you are on the waiting list.")
    if reason == SIDE_FULL:
        return {
            "entrepreneur": gettext("The places for entrepreneurs in this session are taken: "
                                    "you are on the waiting list."),
            "government": gettext("The places for government in this session are taken: "
                                  "you are on the waiting list."),
            "education": gettext("The places for education in this session are taken: "
                                 "you are on the waiting list."),
        }.get(side, gettext("The places for others in this session are taken: you are on "
                            "the waiting list."))
    return gettext("This session is full: you are on the waiting list.")
