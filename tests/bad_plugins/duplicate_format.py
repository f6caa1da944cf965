"""Offers a format key the core already has: must be refused at start-up."""

from consultplatform.api import hookimpl
from consultplatform.contributions import SessionFormat


@hookimpl
def cp_session_formats():
    return [SessionFormat(key="general", label="Clash")]
