"""Staff login and logout (Flask-Login), rate-limited, with CSRF."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from consultplatform import audit
from consultplatform.auth.forms import LoginForm
from consultplatform.db import utcnow
from consultplatform.extensions import limiter, login_manager, login_rate_limit
from consultplatform.i18n import safe_next
from consultplatform.models import StaffUser

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The cookie holds ``id:session_token``; a rotated token ends the session."""
    ident, _, token = (user_id or "").partition(":")
    if not ident.isdigit() or not token or len(ident) > 18:
        return None
    user = StaffUser.get_or_none(StaffUser.id == int(ident))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login():
    next_url = safe_next(request.values.get("next"), url_for("admin.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = StaffUser.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a new session at login: nothing carried over
            login_user(user)
            user.last_login_at = utcnow()
            user.save(only=[StaffUser.last_login_at])
            audit.record("login", user, object_type="StaffUser")
            return redirect(next_url)
        audit.record("login", None, result="denied", object_type="StaffUser")
        flash(_("The e-mail address or password is not correct."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.post("/logout")
@login_required
def logout():
    user = StaffUser.get_by_id(current_user.id)
    user.rotate_session_token()
    user.save(only=[StaffUser.session_token])
    audit.record("logout", user, object_type="StaffUser")
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"), code=303)
