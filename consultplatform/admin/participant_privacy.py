"""A participant's personal data in the admin, for a request that came by letter,
phone or at the counter: see it, download it, erase it (administrators only; the
same export and erasure as the person's own page, with the reason in the audit)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, InputRequired

from consultplatform import audit
from consultplatform.admin.labels import LABELS
from consultplatform.forms import SafeForm, options
from consultplatform.mixins import MixinBase
from consultplatform.privacy.erasure import erase_participant
from consultplatform.privacy.export import json_download, personal_data

STAFF_REASONS = [("letter", _l("Request by letter")), ("phone", _l("Request by phone")),
                 ("email", _l("Request by e-mail")), ("in_person", _l("Request in person")),
                 ("other", _l("Other request"))]


class EraseForm(SafeForm):
    reason = SelectField(_l("How the request came"), choices=options(STAFF_REASONS),
                         validators=[InputRequired()])
    confirm = BooleanField(_l("I have checked who asked, and the data may be erased; "
                              "this cannot be undone."),
                           validators=[DataRequired(message=_l("Tick this to confirm."))])


class ParticipantPrivacyRoutes(MixinBase):
    """Routes of the participant view: /gegevens/ (see and download) and erasure."""

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if self._may_write():
            actions.append(EndpointLinkRowAction("fa fa-user-secret", ".personal_data_view",
                                                 title=_l("Personal data: see, download, "
                                                          "erase")))
        return actions

    def _subject(self):
        """The participant of ``?id=``; access and the id are checked before (the view
        names are in admin.base's WRITE_VIEWS and OBJECT_VIEWS)."""
        return self._record_or_404(request.args.get("id", ""))

    @expose("/gegevens/", methods=("GET", "POST"))
    def personal_data_view(self):
        person = self._subject()
        form = EraseForm()
        if person.erased_at is None and form.validate_on_submit():
            erase_participant(person.id, form.reason.data, by="staff")
            flash(_("The personal data of participant #%(id)d has been erased.", id=person.id),
                  "success")
            return redirect(url_for(".index_view"), code=303)
        status = 422 if request.method == "POST" else 200
        return self.render("admin/cp_personal_data.html", person=person, form=form,
                           data=personal_data(person.id, staff=True), field_labels=LABELS), status

    @expose("/gegevens.json")
    def personal_data_download(self):
        person = self._subject()
        audit.record("export_personal_data", person)
        return json_download(personal_data(person.id, staff=True),
                             f"deelnemer-{person.id}.json")
