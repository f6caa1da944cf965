"""Themes in the admin: edit and order them, and merge one into another."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError
from wtforms import SelectField
from wtforms.validators import InputRequired

from consultplatform.admin.consultation_scope import ConsultationScopedView
from consultplatform.admin.model_view import CoreModelView
from consultplatform.forms import SafeForm
from consultplatform.models import Consultation, Theme
from consultplatform.palette import next_theme_colour
from consultplatform.services.themes import ThemeMergeError, merge_themes


class MergeForm(SafeForm):
    target = SelectField(_l("Merge into"), choices=[], validate_choice=True, validators=[
        InputRequired(message=_l("Choose the theme that stays."))])


class ThemeView(ConsultationScopedView, CoreModelView):
    consultation_field = Theme.consultation
    list_prefetch = (Consultation,)
    column_list = ["name", "consultation", "colour", "position", "active"]
    column_searchable_list = ["name"]
    column_filters = ["active", Consultation.title]
    column_default_sort = [("consultation", False), ("position", False), ("name", False)]
    form_columns = ["consultation", "name", "description", "colour", "position", "active"]
    form_widget_args = {"colour": {"type": "color"}}
    form_args = {
        "position": {"description": _l(
            "Themes are listed in this order (lowest first) on capture and analysis pages.")},
        "colour": {"description": _l(
            "A new theme gets a colour its consultation does not use yet, from a palette "
            "that stays distinct for colour-blind readers.")},
        "name": {"description": _l("Short, as it appears in the columns of the analysis, "
                                   "e.g. \"Arbeidsmarkt\".")},
        "description": {"description": _l("One sentence on what belongs to this theme; "
                                          "moderators read it while they sort insights.")},
        "active": {"description": _l("Inactive themes stay with their insights but are no "
                                     "longer offered for new ones.")},
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET" and "colour" in form:
            consultation = form.consultation.data if "consultation" in form else None
            used = ([t.colour for t in Theme.select(Theme.colour).where(
                Theme.consultation == consultation.id)] if consultation is not None else [])
            form.colour.data = next_theme_colour(used)
        return form

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if self._may_write():
            actions.append(EndpointLinkRowAction("fa fa-compress", ".merge_view",
                                                 title=_("Merge into another theme")))
        return actions

    @expose("/merge/", methods=("GET", "POST"))
    def merge_view(self):
        """Merge the theme ``?id=`` into another theme of its consultation."""
        ids = request.args.getlist("id")
        if len(ids) != 1:
            abort(400)
        source = self._record_or_404(ids[0])
        form = MergeForm()
        form.target.choices = [
            (str(theme.id), theme.name) for theme in
            Theme.select().where((Theme.consultation == source.consultation_id)
                                 & (Theme.id != source.id))
            .order_by(Theme.position, Theme.name)]
        if form.validate_on_submit():
            target = Theme.get_or_none(Theme.id == int(form.target.data))
            try:
                if target is None:
                    raise ThemeMergeError(_("This theme no longer exists; choose another."))
                merge_themes(source, target)
            except ThemeMergeError as exc:
                form.target.errors = [*form.target.errors, str(exc)]
            except IntegrityError:
                form.target.errors = [*form.target.errors, _(
                    "This theme is still used by something that cannot be moved; nothing "
                    "was changed.")]
            else:
                flash(_("Theme %(source)s was merged into %(target)s.", source=source.name,
                        target=target.name), "success")
                return redirect(url_for(".index_view"), code=303)
        status = 422 if request.method == "POST" else 200
        return self.render("admin/cp_theme_merge.html", form=form, source=source), status
