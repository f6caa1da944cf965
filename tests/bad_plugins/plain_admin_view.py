"""An admin view without the core's access checks: must be refused."""

from flask_admin import BaseView, expose

from consultplatform.api import hookimpl


class Open(BaseView):
    @expose("/")
    def index(self):
        return "open to all"


@hookimpl
def cp_admin_views():
    return [Open(name="Open", endpoint="plain_admin_view")]
