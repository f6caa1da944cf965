"""Recording insights in an arena: the capture form, and saving, editing and
deleting through the core's insight service (which locks the session, keeps the
form's one-time key and writes the audit row). A theme the moderator adds is
kept as a proposal for an administrator to review.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from consultplatform.api import (
    QUOTE_MAX,
    TEXT_MAX,
    ChoicesChangedError,
    ConsultationSession,
    Insight,
    InsightGoneError,
    InsightInput,
    InsightInputError,
    MixinBase,
    SafeForm,
    Saved,
    Sector,
    SessionClosedError,
    Theme,
    new_token,
    options,
    record_insight,
    strip,
)
from consultplatform.api import delete_insight as core_delete_insight
from consultplatform.api import update_insight as core_update_insight
from consultplatform_expertarena.models import ExpertarenaThemeProposal
from consultplatform_expertarena.settings import ArenaSettings

WEIGHTS = (
    ("1", _l("Mentioned")),
    ("2", _l("Clearly present")),
    ("3", _l("Strong, widely shared")),
)
THEME_NAME_MAX = 120


class _Choice(MixinBase):
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


# The core's refusals, under the names the arena pages know them by.
ArenaClosedError = SessionClosedError
__all__ = ["ArenaClosedError", "ChoicesChangedError", "InsightForm", "InsightGoneError",
           "InsightInputError", "Saved", "create_insight", "delete_insight", "refused_on_form",
           "update_insight"]


def refused_on_form(form: InsightForm, refused: InsightInputError) -> None:
    """Put the service's refusal on the form's field (the whole form when it has none)."""
    field = form.get(refused.field, form.text)
    field.errors = [*field.errors, str(refused)]


def _input(form: InsightForm) -> InsightInput:
    return InsightInput(
        text=form.text.data, category=form.category.data,
        sector_id=int(form.sector.data) if form.sector.data else None,
        actor=form.actor.data or "", weight=int(form.weight.data or 1),
        quote=form.quote.data or "",
        theme_ids=tuple(int(v) for v in form.themes.data or [] if str(v).isdigit()),
        new_theme=form.new_theme.data or "", submission_key=form.submission_key.data or None)


def _proposal_of(session: ConsultationSession) -> Callable[[Theme], None]:
    """A theme the moderator added while capturing waits for an administrator's review."""
    def propose(theme: Theme) -> None:
        ExpertarenaThemeProposal.create(theme=theme, session=session.id,
                                        proposed_by=current_user.id)
    return propose


def create_insight(session: ConsultationSession, form: InsightForm, *, admin: bool) -> Saved:
    """Save a new insight from a validated form; once per submission key."""
    return record_insight(session.id, _input(form), allow_closed=admin,
                          on_new_theme=_proposal_of(session))


def update_insight(insight: Insight, form: InsightForm, *, admin: bool) -> None:
    core_update_insight(insight.id, _input(form), allow_closed=admin,
                        on_new_theme=_proposal_of(insight.session))


def delete_insight(insight: Insight, *, admin: bool) -> None:
    core_delete_insight(insight.id, allow_closed=admin)
