"""Recording insights: the form, and saving, editing and deleting them.

A save locks the arena's session row (the write lock on SQLite) so it cannot
cross the arena being closed, and carries the form's one-time key so the same
form sent twice (double click, Enter twice, a retry) stores one insight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from peewee import IntegrityError
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from consultplatform import audit
from consultplatform.db import is_postgres, utcnow, write_transaction
from consultplatform.forms import SafeForm
from consultplatform.models import ConsultationSession, Sector, Theme, new_token
from consultplatform.public.signup_form import options, strip
from consultplatform.seats import lock_session
from consultplatform_expertarena.models import (
    QUOTE_MAX,
    TEXT_MAX,
    ExpertarenaInsight,
    ExpertarenaInsightTheme,
    ExpertarenaThemeProposal,
)
from consultplatform_expertarena.settings import ArenaSettings

WEIGHTS = (
    ("1", _l("Mentioned")),
    ("2", _l("Clearly present")),
    ("3", _l("Strong, widely shared")),
)
THEME_NAME_MAX = 120
T = TypeVar("T")
class _Choice:
    """A choice field whose refusal of an unknown value says so in plain words."""

    invalid_message = _l("Choose one of the options shown.")

    def pre_validate(self, form) -> None:
        values = self.data if isinstance(self.data, list) else [self.data]
        allowed = {str(choice.value) for choice in self.iter_choices()}
        for value in values:
            if value not in (None, "") and str(value) not in allowed:
                raise ValidationError(str(self.invalid_message))


class ChoiceRadioField(_Choice, RadioField):
    pass


class ChoiceSelectField(_Choice, SelectField):
    pass


class ThemesField(_Choice, SelectMultipleField):
    invalid_message = _l("Choose themes of this consultation only.")


class InsightForm(SafeForm):
    text = StringField(_l("Insight"), filters=[strip], validators=[
        DataRequired(message=_l("Write down the insight.")),
        Length(max=TEXT_MAX, message=_l("Keep it to %(max)d characters."))])
    category = ChoiceRadioField(_l("Category"), choices=[], validate_choice=False, validators=[
        InputRequired(message=_l("Choose a category."))])
    themes = ThemesField(_l("Themes"), choices=[], validate_choice=False)
    new_theme = StringField(_l("Propose a new theme"), filters=[strip], validators=[
        Optional(), Length(max=THEME_NAME_MAX,
                           message=_l("Keep it to %(max)d characters."))])
    sector = ChoiceSelectField(_l("Sector"), choices=[], validate_choice=False)
    actor = ChoiceRadioField(_l("Who should act"), choices=[], validate_choice=False,
                             default="")
    weight = ChoiceRadioField(_l("How strongly it came up"), choices=options(WEIGHTS), default="1",
                              validate_choice=False, validators=[
                                  InputRequired(message=_l("Choose how strongly it came up."))])
    quote = StringField(_l("Quote (anonymous)"), filters=[strip], validators=[
        Optional(), Length(max=QUOTE_MAX, message=_l("Keep it to %(max)d characters."))])
    submission_key = HiddenField(validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])

    def setup(self, settings: ArenaSettings, language: str, themes: list[Theme],
              sectors: list[Sector], arena_sectors: list[Sector], *,
              fresh: bool = False) -> InsightForm:
        """Fill the choices: this consultation's categories, themes and sectors; a
        ``fresh`` form (not sent back) also gets its defaults and one-time key."""
        self.category.choices = [(c.code, c.label(language)) for c in settings.categories]
        self.actor.choices = [("", _("Not said")),
                              *((a.code, a.label(language)) for a in settings.actors)]
        self.themes.choices = [(str(t.id), t.name) for t in themes]
        own = [s.id for s in arena_sectors]
        ordered = arena_sectors + [s for s in sectors if s.id not in own]
        self.sector.choices = ([("", _("Choose a sector"))] if len(own) != 1 else []) + [
            (str(s.id), s.name) for s in ordered]
        if sectors:
            self.sector.validators = [InputRequired(message=_l("Choose a sector."))]
        if fresh:
            # Type and Enter must work the first time: a category is always chosen
            # (the first, or the last one used, which _sticky set from the address).
            if not self.category.data and settings.categories:
                self.category.data = settings.categories[0].code
            if len(own) == 1 and not self.sector.data:
                self.sector.data = str(own[0])
            if not self.submission_key.data:
                self.submission_key.data = new_token()
        return self


@dataclass(frozen=True)
class Saved:
    insight: ExpertarenaInsight
    duplicate: bool = False  # the same form was already saved


class ArenaClosedError(Exception):
    """The arena closed before the save; only administrators may still write."""


class ChoicesChangedError(Exception):
    """A chosen theme or sector disappeared (merged, deleted) while the form was open."""


def _chosen_themes(form: InsightForm, session: ConsultationSession) -> list[int]:
    """The chosen themes, checked again inside the transaction and, on PostgreSQL,
    held (FOR KEY SHARE) so a merge waits for this save instead of deadlocking with
    it; a proposed theme is added. Also checks the chosen sector still exists."""
    ids = sorted({int(value) for value in form.themes.data or [] if str(value).isdigit()})
    if ids:
        query = Theme.select(Theme.id).where(Theme.id.in_(ids)
                                             & (Theme.consultation == session.consultation_id))
        if is_postgres():
            query = query.for_update("FOR KEY SHARE")
        if len(list(query)) != len(ids):
            raise ChoicesChangedError()
    if form.sector.data:
        query = Sector.select(Sector.id).where((Sector.id == int(form.sector.data))
                                               & (Sector.consultation == session.consultation_id))
        if is_postgres():
            query = query.for_update("FOR KEY SHARE")
        if query.first() is None:
            raise ChoicesChangedError()
    if form.new_theme.data:
        ids.append(propose_theme(session, form.new_theme.data).id)
    return sorted(set(ids))


def propose_theme(session: ConsultationSession, name: str) -> Theme:
    """The consultation's theme of that name (exactly, else ignoring case), or a new one
    marked as proposed by the moderator. Runs inside the caller's transaction.

    Case is compared in Python (``casefold``): SQLite's LOWER() folds ASCII only."""
    name = " ".join(name.split())
    themes = list(Theme.select().where(Theme.consultation == session.consultation_id))
    for same in (lambda t: t.name == name, lambda t: t.name.casefold() == name.casefold()):
        existing = next((theme for theme in themes if same(theme)), None)
        if existing is not None:
            return existing
    theme = Theme.create(consultation=session.consultation_id, name=name,
                         position=max((t.position for t in themes), default=0) + 1)
    ExpertarenaThemeProposal.create(theme=theme, session=session.id, proposed_by=current_user.id)
    audit.record("propose", theme, details={"session": str(session.id)})
    return theme


def _values(form: InsightForm) -> dict:
    return {"text": form.text.data, "category": form.category.data,
            "sector": int(form.sector.data) if form.sector.data else None,
            "actor": form.actor.data or "", "weight": int(form.weight.data or 1),
            "quote": form.quote.data or ""}


def _locked_arena(session_id: int, *, admin: bool) -> ConsultationSession:
    """Lock the arena's session row (the write lock on SQLite): saves, edits and
    closing the arena take their turns. Only admins write once it is closed."""
    locked = lock_session(session_id)
    if locked.status != "planned" and not admin:
        raise ArenaClosedError()
    return locked


def _once_more_on_conflict(save: Callable[[], T]) -> T:
    """Run ``save`` (a whole transaction); after a unique-key clash with a parallel
    request (the same form key, a theme proposed at the same moment) run it once
    more: the second round finds what the other request stored."""
    try:
        return save()
    except IntegrityError:
        return save()


def create_insight(session: ConsultationSession, form: InsightForm, *,
                   admin: bool) -> Saved:
    """Save a new insight from a validated form; once per submission key."""
    key = form.submission_key.data or None

    def save() -> Saved:
        with write_transaction():
            locked = _locked_arena(session.id, admin=admin)
            if key:
                earlier = ExpertarenaInsight.get_or_none(ExpertarenaInsight.submission_key == key)
                if earlier is not None:
                    return Saved(earlier, duplicate=True)
            themes = _chosen_themes(form, locked)
            insight = ExpertarenaInsight.create(session=session.id, created_by=current_user.id,
                                                submission_key=key, **_values(form))
            _link_themes(insight, themes)
            audit.record("create", insight, details={"fields": sorted(_values(form))})
            return Saved(insight)

    return _once_more_on_conflict(save)


def update_insight(insight: ExpertarenaInsight, form: InsightForm, *, admin: bool) -> None:
    def save() -> None:
        with write_transaction():
            locked = _locked_arena(insight.session_id, admin=admin)
            themes = _chosen_themes(form, locked)
            values = _values(form)
            changed = sorted(name for name, value in values.items()
                             if getattr(insight, "sector_id" if name == "sector" else name)
                             != value)
            for name, value in values.items():
                setattr(insight, name, value)
            insight.updated_at = utcnow()
            insight.save()
            before = sorted(link.theme_id for link in insight.theme_links)
            if before != themes:
                ExpertarenaInsightTheme.delete().where(
                    ExpertarenaInsightTheme.insight == insight.id).execute()
                _link_themes(insight, themes)
                changed.append("themes")
            audit.record("update", insight, details={"fields": changed})

    _once_more_on_conflict(save)


def delete_insight(insight: ExpertarenaInsight, *, admin: bool) -> None:
    with write_transaction():
        _locked_arena(insight.session_id, admin=admin)
        audit.record("delete", None, object_type="ExpertarenaInsight",
                     details={"id": str(insight.id), "session": str(insight.session_id)})
        insight.delete_instance()


def _link_themes(insight: ExpertarenaInsight, theme_ids: list[int]) -> None:
    if theme_ids:
        ExpertarenaInsightTheme.insert_many(
            [{"insight": insight.id, "theme": theme} for theme in theme_ids]).execute()
