"""Staff login and logout (Flask-Login), rate-limited, with CSRF."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from consultplatform import audit
from consultplatform.auth.forms import LoginForm
from consultplatform.auth.throttle import log_in, unlock_link_valid, unlock_with_token
from consultplatform.extensions import limiter, login_manager, login_rate_limit
from consultplatform.forms import SafeForm
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
        user = log_in(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a new session at login: nothing carried over
            login_user(user)
            return redirect(next_url)
        # The same answer for an unknown address, a wrong password and a locked account.
        flash(_("The e-mail address or password is not correct."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, next_url=next_url,
                           lock_after=current_app.config["LOGIN_LOCK_AFTER"],
                           lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"]), status


@bp.route("/ontgrendelen/<string(maxlength=100):token>", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def unlock(token: str):
    """The link in the mail to a locked account's owner: confirm, and the lock is lifted."""
    gone = _("This link is not valid (any more). The lock ends by itself, or ask an "
             "administrator to lift it.")
    if not unlock_link_valid(token):
        abort(404, description=gone)
    form = SafeForm()
    if form.validate_on_submit():
        if unlock_with_token(token) is None:  # used in the meantime
            abort(404, description=gone)
        flash(_("Your account is unlocked. You can log in again."), "success")
        return redirect(url_for(".login"), code=303)
    return render_template("auth/unlock.html", form=form)


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
