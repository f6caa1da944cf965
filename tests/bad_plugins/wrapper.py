"""A hook wrapper: the core calls plugins one by one, so wrappers cannot work."""

from consultplatform.api import hookimpl


@hookimpl(wrapper=True)
def cp_session_formats():
    result = yield
    return result
