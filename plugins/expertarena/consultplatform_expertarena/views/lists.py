"""List views in /admin: every insight (read-only; edits go through the capture
page and its rules), and the themes moderators proposed, for review."""

from __future__ import annotations

from typing import Any

from flask import flash, url_for
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from consultplatform.api import (
    Consultation,
    ConsultationSession,
    CoreModelView,
    Insight,
    RecordFilter,
    Sector,
    Theme,
    current_language,
)
from consultplatform_expertarena.models import ExpertarenaThemeProposal
from consultplatform_expertarena.services import accept_proposals
from consultplatform_expertarena.settings import arena_settings


def _category(view, context, model, name) -> str:
    """The category's label in the insight's own consultation (settings may differ)."""
    consultation = Consultation(id=model.session.consultation_id)  # an id is all it needs
    return arena_settings(consultation).category_label(model.category, current_language())


def _text(view, context, model, name) -> Markup:
    url = url_for("expertarena_arenas.capture", session_id=model.session_id,
                  _anchor=f"inzicht-{model.id}")
    return Markup('<a href="{}">{}</a>').format(url, model.text)


class InsightListView(CoreModelView):
    """All insights, to search and filter; nobody writes here."""

    write_roles = ()
    can_export = False
    session_field = Insight.session  # the admin's current consultation
    list_prefetch = ((ConsultationSession, Insight), (Sector, Insight))
    column_list = ["created_at", "session", "sector", "category", "text", "weight"]
    column_details_list = ["created_at", "updated_at", "session", "sector", "category", "text",
                           "quote", "actor", "weight"]
    column_labels = {**CoreModelView.column_labels,
                     "created_at": _l("Recorded"), "updated_at": _l("Changed"),
                     "session": _l("Arena"), "sector": _l("Sector"),
                     "category": _l("Category"), "text": _l("Insight"),
                     "weight": _l("Weight"), "quote": _l("Quote (anonymous)"),
                     "actor": _l("Who should act")}
    column_searchable_list = ["text", "quote"]
    column_filters = [RecordFilter(Insight.session, _l("Arena number")),
                      ConsultationSession.title, "category"]
    column_default_sort = ("created_at", True)
    column_formatters = {"category": _category, "text": _text}
    column_formatters_detail = {"category": _category}


class ThemeLinkAction(EndpointLinkRowAction):
    """A row action about the proposal's theme (its id, not the proposal's)."""

    def render(self, context: Any, row_id: str, row: Any) -> Any:
        return super().render(context, str(row.theme_id), row)


class ProposalView(CoreModelView):
    """Themes moderators proposed while capturing. Administrators accept them
    (keep), rename them in Themes, or merge them into an existing theme."""

    write_roles = ("admin",)
    list_prefetch = (Theme, Consultation)
    column_list = ["theme", "consultation", "created_at", "reviewed_at"]
    column_labels = {**CoreModelView.column_labels,
                     "theme": _l("Theme"), "consultation": _l("Consultation"),
                     "created_at": _l("Proposed"), "reviewed_at": _l("Accepted"),
                     "proposed_by": _l("Proposed by"), "reviewed_by": _l("Accepted by")}
    column_formatters = {"consultation": lambda v, c, m, n: m.theme.consultation.title}
    column_sortable_list = ["created_at", "reviewed_at"]
    column_default_sort = ("created_at", True)
    column_filters = ["reviewed_at"]
    action_disallowed_list = ["delete"]
    # Proposals are accepted (an action) or their theme is edited or merged; the rows
    # themselves are never created, edited or deleted by hand.
    LOCKED_VIEWS = ("create_view", "delete_view", "ajax_update")


    def consultation_condition(self, consultation_id: int) -> Any:
        """Proposals of the current consultation's themes (the admin's consultation)."""
        return ExpertarenaThemeProposal.theme.in_(
            Theme.select(Theme.id).where(Theme.consultation == consultation_id))

    def may_edit(self, obj: Any) -> bool:
        return False

    def _handle_view(self, name: str, **kwargs: Any):
        if name in self.LOCKED_VIEWS and self._plugin_enabled() and self.is_accessible():
            return self._deny(name)
        return super()._handle_view(name, **kwargs)

    @property
    def can_create(self) -> bool:
        return False

    @property
    def can_edit(self) -> bool:
        return False

    @property
    def can_delete(self) -> bool:
        return False

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if self._may_write():
            actions += [ThemeLinkAction("fa fa-pencil", "theme.edit_view",
                                        title=_("Edit the theme")),
                        ThemeLinkAction("fa fa-compress", "theme.merge_view",
                                        title=_("Merge into another theme"))]
        return actions

    def is_action_allowed(self, name: str) -> bool:
        return name != "delete" and self._may_write() and super().is_action_allowed(name)

    @action("accept", _l("Accept the theme"),
            _l("Keep the selected themes as they are? They stay available to every arena."))
    def action_accept(self, ids: list[str]) -> None:
        accepted = accept_proposals(int(i) for i in ids if str(i).isdigit())
        flash(ngettext("%(num)d theme accepted.", "%(num)d themes accepted.", accepted),
              "success")

