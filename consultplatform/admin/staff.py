"""Staff accounts (administrators only)."""

from __future__ import annotations

from flask import flash
from flask_admin.actions import action
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    PasswordField,
)
from wtforms.validators import Email, Length, Optional, ValidationError

from consultplatform.admin.columns import yes_no
from consultplatform.admin.model_view import CoreModelView
from consultplatform.auth import mfa
from consultplatform.auth.throttle import unlock
from consultplatform.db import utcnow
from consultplatform.models import (
    normalise_email,
)
from consultplatform.services.staff import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    StaffAccount,
    StaffError,
    create_staff,
    set_password,
)


class StaffUserView(CoreModelView):
    read_roles = ("admin",)
    column_list = ["name", "email", "role", "active", "language", "last_login_at", "locked_until",
                   "mfa_enrolled_at"]
    column_details_list = ["name", "email", "role", "active", "language", "last_login_at",
                           "locked_until", "mfa_enrolled_at", "created_at"]
    column_formatters = {
        "locked_until": lambda v, c, m, n: format_datetime(
            m.locked_until, "d MMM y HH:mm") if m.locked_until and m.locked_until > utcnow() else "",
        # Whether the account has a second factor; never anything about the secret.
        "mfa_enrolled_at": lambda v, c, m, n: yes_no(v, m.mfa_enrolled_at is not None),
    }
    column_formatters_detail = column_formatters

    @action("reset_mfa", _l("Reset two-step login"),
            _l("Reset the two-step login of the selected accounts? Their recovery codes stop "
               "working, they are logged out, and they set up their authenticator app again "
               "at their next login."))
    def action_reset_mfa(self, ids: list[str]) -> None:
        """For a lost phone: the account sets up its app again (audit-logged)."""
        if str(current_user.id) in ids:
            flash(_("You cannot reset your own two-step login; ask another administrator."),
                  "error")
        others = [int(ident) for ident in ids if ident != str(current_user.id)]
        if others:
            reset = sum(mfa.reset(ident) for ident in others)
            flash(ngettext("Two-step login reset for %(num)d account.",
                           "Two-step login reset for %(num)d accounts.", reset), "success")

    @action("unlock", _l("Unlock (after wrong passwords)"),
            _l("Unlock the selected accounts? They can log in again at once."))
    def action_unlock(self, ids: list[str]) -> None:
        unlocked = sum(unlock(int(ident)) for ident in ids)
        flash(ngettext("%(num)d account unlocked.", "%(num)d accounts unlocked.", unlocked),
              "success")

    column_searchable_list = ["name", "email"]
    column_filters = ["role", "active"]
    form_columns = ["name", "email", "role", "active", "language"]
    form_extra_fields = {"new_password": PasswordField(
        _l("New password"), validators=[Optional(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=_l("At least 12 characters. Leave empty to keep the current password."),
        render_kw={"autocomplete": "new-password"})}
    form_args = {"email": {"validators": [Email(), Length(max=254)]}}

    def create_model(self, form):
        """A new account through the staff service (the one place accounts are made)."""
        account = StaffAccount(email=form.email.data or "", name=form.name.data or "",
                               role=form.role.data or "", password=form.new_password.data or "",
                               language=form.language.data or "nl",
                               active=bool(form.active.data))
        try:
            if not account.password:
                raise StaffError("password", str(_l("A new account needs a password.")))
            return create_staff(account)
        except StaffError as refused:
            name = "new_password" if refused.field == "password" else refused.field
            form[name].errors = [*form[name].errors, str(refused)]
            flash(str(refused), "error")
            return False

    def on_model_change(self, form, model, is_created: bool) -> None:
        model.email = normalise_email(model.email)
        if form.new_password.data:
            try:
                set_password(model, form.new_password.data)
            except StaffError as refused:
                form.new_password.errors = [*form.new_password.errors, str(refused)]
                raise ValidationError(str(refused)) from None
        if (not is_created and model.id == current_user.id
                and (model.role != "admin" or not model.active)):
            raise ValidationError(str(_l("You cannot take away your own administrator rights.")))
        super().on_model_change(form, model, is_created)

    def may_delete(self, model) -> str | None:
        if model.id == current_user.id:
            return str(_l("You cannot delete your own account."))
        return None
