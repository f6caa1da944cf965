"""Live capture: the moderator's page for one arena, made for typing while
people talk. Enter saves, the page comes back with the cursor in the text
field, the newest insight on top of the list; edit and delete in place.
Works without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import format_datetime
from flask_babel import gettext as _
from peewee import JOIN

from consultplatform.api import ConsultationSession, Insight, InsightTheme, Sector, Theme, is_admin, parse_id
from consultplatform_expertarena.analysis import Scope, load_matrix
from consultplatform_expertarena.arenas import (
    arena_or_404,
    arena_sectors,
    is_open,
    may_write_insights,
    moderates_arena,
    moderators,
)
from consultplatform_expertarena.capture import (
    WEIGHTS,
    ArenaClosedError,
    ChoicesChangedError,
    InsightForm,
    InsightGoneError,
    InsightInputError,
    refused_on_form,
    update_insight,
)
from consultplatform_expertarena.capture import create_insight as save_new_insight
from consultplatform_expertarena.capture import delete_insight as remove_insight
from consultplatform_expertarena.settings import ArenaSettings
from consultplatform_expertarena.views.common import (
    ArenaRoutes,
    arena_context,
    closed_conflict,
    hidden_tabs,
    require_confirmation,
)

EDIT_PREFIX = "edit"
# The capture page lists the newest insights; "show all" lists every one.
LIST_LIMIT = 100


def load_insights(session: ConsultationSession,
                  limit: int | None = None) -> list[tuple[Insight, list[Theme]]]:
    """The arena's insights, newest first (the newest ``limit``), each with its themes
    (two queries)."""
    query = (Insight.select(Insight, Sector)
             .join(Sector, JOIN.LEFT_OUTER)
             .where(Insight.session == session.id)
             .order_by(Insight.created_at.desc(), Insight.id.desc()))
    insights = list(query.limit(limit) if limit else query)
    themes: dict[int, list[Theme]] = {insight.id: [] for insight in insights}
    if insights:
        links = (InsightTheme.select(InsightTheme, Theme).join(Theme)
                 .where(InsightTheme.insight.in_(list(themes)))
                 .order_by(Theme.position, Theme.name))
        for link in links:
            themes[link.insight_id].append(link.theme)
    return [(insight, themes[insight.id]) for insight in insights]


def summary(session: ConsultationSession) -> dict[str, Any]:
    """Counts per category and per theme of the whole arena (aggregate queries)."""
    matrix = load_matrix(Scope(session.consultation, session))
    themes = [(theme, matrix.column_total(theme.id)) for theme in matrix.themes]
    return {"total": matrix.total(),
            "categories": {code: matrix.total(code) for code in matrix.categories()},
            "themes": sorted((row for row in themes if row[1]), key=lambda row: -row[1]),
            "unthemed": matrix.total_without_theme()}


class CaptureRoutes(ArenaRoutes):
    """Routes of :class:`~consultplatform_expertarena.views.arenas.ArenasView`."""

    def _forms(self, session, settings, language, *, edit: Insight | None = None,
               edit_themes: Sequence[Theme] = (), new_form: InsightForm | None = None,
               edit_form: InsightForm | None = None):
        themes = list(Theme.select().where(Theme.consultation == session.consultation_id)
                      .order_by(Theme.position, Theme.name))
        active = [t for t in themes if t.active]
        sectors = list(Sector.select().where(Sector.consultation == session.consultation_id)
                       .order_by(Sector.position, Sector.name))
        own = arena_sectors([session])[session.id]
        fresh = new_form is None
        if new_form is None:
            new_form = InsightForm(formdata=None)
            self._sticky(new_form, settings, sectors)
        new_form.setup(settings, language, active, sectors, own, fresh=fresh)
        if edit is not None:
            kept = {t.id for t in edit_themes}
            edit_choices = [t for t in themes if t.active or t.id in kept]
            if edit_form is None:
                edit_form = InsightForm(prefix=EDIT_PREFIX, formdata=None, data={
                    "text": edit.text, "category": edit.category,
                    "themes": [str(t.id) for t in edit_themes],
                    "sector": str(edit.sector_id or ""), "actor": edit.actor,
                    "weight": str(edit.weight), "quote": edit.quote})
            edit_form.setup(settings, language, edit_choices, sectors, own)
        return new_form, edit_form, own

    @staticmethod
    def _sticky(form: InsightForm, settings: ArenaSettings, sectors: list[Sector]) -> None:
        """After a save the category and sector stay as they were (from the query string)."""
        category = request.args.get("categorie", "")
        if any(c.code == category for c in settings.categories):
            form.category.data = category
        sector = parse_id(request.args.get("sector", ""))
        if sector and any(s.id == sector for s in sectors):
            form.sector.data = str(sector)

    def _capture_page(self, session, settings, language, *, status: int = 200,
                      new_form: InsightForm | None = None, edit_id: int | None = None,
                      edit_form: InsightForm | None = None, delete_id: int | None = None,
                      problem: str | None = None):
        can_write = may_write_insights(session)
        if not (can_write or problem):
            edit_id = delete_id = None  # nothing to change here: no form in place
        wanted = edit_id or delete_id
        rows = load_insights(session, None if request.args.get("alle") == "1" else LIST_LIMIT)
        if wanted and not any(insight.id == wanted for insight, _themes in rows):
            rows = load_insights(session)  # the one to change is further down: all of them
        edit = next(((i, t) for i, t in rows if i.id == edit_id), None) if edit_id else None
        new_form, edit_form, own = self._forms(
            session, settings, language, edit=edit[0] if edit else None,
            edit_themes=edit[1] if edit else [], new_form=new_form, edit_form=edit_form)
        body = self.render(
            "expertarena/capture.html", arena=session, consultation=session.consultation,
            settings=settings, lang=language, arena_sectors=own, moderators=moderators(session),
            rows=rows, form=new_form, edit_form=edit_form if edit else None,
            edit_id=edit[0].id if edit else None,
            delete_id=delete_id if any(i.id == delete_id for i, _t in rows) else None,
            can_write=can_write, closed=not is_open(session), is_admin=is_admin(),
            may_close=moderates_arena(session), summary=summary(session), weights=dict(WEIGHTS),
            confirm_close=request.args.get("sluiten") == "1" and not (edit_id or delete_id),
            problem=problem, hide=hidden_tabs(session),
            clock=lambda value: format_datetime(value, "HH:mm"))
        return body, status

    @expose("/<id:session_id>/")
    def capture(self, session_id: int):
        session, settings, language = arena_context(session_id)
        return self._capture_page(session, settings, language,
                                  edit_id=parse_id(request.args.get("bewerk", "")),
                                  delete_id=parse_id(request.args.get("verwijder", "")))

    @expose("/<id:session_id>/inzichten", methods=("POST",))
    def create_insight(self, session_id: int):
        session, settings, language = arena_context(session_id)
        form = InsightForm()
        if not may_write_insights(session):
            if moderates_arena(session):  # their own arena, but closed: keep what they typed
                return self._capture_page(session, settings, language, status=409,
                                          new_form=form, problem="closed")
            self.refuse("create_insight", session)
        self._forms(session, settings, language, new_form=form)
        if not form.validate():
            return self._capture_page(session, settings, language, status=422, new_form=form)
        try:
            saved = save_new_insight(session, form, admin=is_admin())
        except ArenaClosedError:
            return self._capture_page(session, settings, language, status=409, new_form=form,
                                      problem="closed")
        except ChoicesChangedError:
            return self._capture_page(session, settings, language, status=409, new_form=form,
                                      problem="changed")
        except InsightInputError as refused:
            refused_on_form(form, refused)
            return self._capture_page(session, settings, language, status=422, new_form=form)
        if saved.duplicate:
            flash(_("This insight had already been saved; it was not added twice."), "info")
        else:
            flash(_("Insight saved."), "success")
        return redirect(url_for(".capture", session_id=session.id, categorie=form.category.data,
                                sector=form.sector.data or None), code=303)

    def _insight_or_404(self, session: ConsultationSession, insight_id: int) -> Insight:
        insight = Insight.get_or_none((Insight.id == insight_id)
                                                 & (Insight.session == session.id))
        if insight is None:
            abort(404, description=_("This insight does not exist (any more)."))
        return insight

    @expose("/<id:session_id>/inzicht/<id:insight_id>", methods=("POST",))
    def edit_insight(self, session_id: int, insight_id: int):
        session, settings, language = arena_context(session_id)
        insight = self._insight_or_404(session, insight_id)
        form = InsightForm(prefix=EDIT_PREFIX)
        if not may_write_insights(session):
            if moderates_arena(session):
                return self._capture_page(session, settings, language, status=409,
                                          edit_id=insight.id, edit_form=form, problem="closed")
            self.refuse("edit_insight", session)
        themes = [link.theme for link in InsightTheme.select(
            InsightTheme, Theme).join(Theme)
            .where(InsightTheme.insight == insight.id)]
        self._forms(session, settings, language, edit=insight, edit_themes=themes,
                    edit_form=form)
        if not form.validate():
            return self._capture_page(session, settings, language, status=422,
                                      edit_id=insight.id, edit_form=form)
        try:
            update_insight(insight, form, admin=is_admin())
        except ArenaClosedError:
            return self._capture_page(session, settings, language, status=409,
                                      edit_id=insight.id, edit_form=form, problem="closed")
        except ChoicesChangedError:
            return self._capture_page(session, settings, language, status=409,
                                      edit_id=insight.id, edit_form=form, problem="changed")
        except InsightInputError as refused:
            refused_on_form(form, refused)
            return self._capture_page(session, settings, language, status=422,
                                      edit_id=insight.id, edit_form=form)
        except InsightGoneError:
            abort(404, description=_("This insight does not exist (any more)."))
        flash(_("Insight saved."), "success")
        return redirect(url_for(".capture", session_id=session.id,
                                _anchor=f"inzicht-{insight.id}"), code=303)

    @expose("/<id:session_id>/inzicht/<id:insight_id>/verwijderen", methods=("POST",))
    def delete_insight(self, session_id: int, insight_id: int):
        session = arena_or_404(session_id)
        if not may_write_insights(session):
            if moderates_arena(session):
                closed_conflict()
            self.refuse("delete_insight", session)
        require_confirmation()
        insight = Insight.get_or_none((Insight.id == insight_id)
                                                 & (Insight.session == session.id))
        try:
            if insight is None:
                raise InsightGoneError(insight_id)
            remove_insight(insight, admin=is_admin())
        except InsightGoneError:
            # A second click on "Delete": the first one did it.
            flash(_("This insight had already been deleted."), "info")
        except ArenaClosedError:
            closed_conflict()
        else:
            flash(_("Insight deleted."), "success")
        return redirect(url_for(".capture", session_id=session.id, _anchor="inzichten"),
                        code=303)
