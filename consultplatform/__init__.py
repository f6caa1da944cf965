"""consultplatform: municipal consultations with local entrepreneurs.

Plugins write ``from consultplatform import hookimpl``.
"""

from consultplatform.hookspecs import hookimpl, hookspec

__all__ = ["create_app", "hookimpl", "hookspec"]


def create_app(config=None):
    from consultplatform.app import create_app as _create_app

    return _create_app(config)
