"""A content watch on a table of the core (or another plugin's): must be refused."""

from consultplatform.api import ContentWatch, hookimpl


@hookimpl
def cp_content_revisions():
    return [ContentWatch("registration", public=True)]
