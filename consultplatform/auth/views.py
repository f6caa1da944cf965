"""Staff login and logout (Flask-Login), rate-limited, with CSRF; the second step
(a code from the authenticator app) and setting that app up (auth/mfa.py).

A login with a second factor has two steps. The right password puts a "password
right, code pending" note in the (new, signed) session: the account, its session
token and the time. Only a right code within ``MFA_PENDING_SECONDS`` logs in
(``login_user``); until then the visitor is anonymous to every other page.
"""

from __future__ import annotations

import time
from typing import Any

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
from consultplatform.auth import mfa
from consultplatform.auth.forms import CodeForm, EnrolForm, LoginForm, RenewCodesForm
from consultplatform.auth.throttle import (
    complete_login,
    count_wrong_code,
    hash_token,
    log_in,
    may_try_second_step,
    unlock_link_valid,
    unlock_with_token,
)
from consultplatform.extensions import limiter, login_manager, login_rate_limit
from consultplatform.forms import SafeForm
from consultplatform.i18n import safe_next
from consultplatform.models import StaffUser
from consultplatform.tokens import same_token

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

# The session's note between the two steps of a login, and the secret of an app being
# set up (encrypted, so the session cookie never holds it readable).
# The note keeps a hash of the account's session token, not the token: the session
# cookie is signed, not encrypted.
PENDING_KEY = "cp_mfa_pending"
ENROL_KEY = "cp_mfa_new"
ENROL_SECONDS = 30 * 60  # the same QR code for half an hour (a reload shows it again)


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
            if user.has_mfa:
                session[PENDING_KEY] = {"id": user.id, "token": hash_token(user.session_token),
                                        "since": int(time.time()), "next": next_url}
                return redirect(url_for(".code"))
            login_user(user)
            if mfa.needs_enrolment(user):
                return redirect(url_for(".two_step"))
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


# --- the second step -----------------------------------------------------------------


def _pending() -> dict[str, Any] | None:
    """The session's note of a right password, while it is fresh; None otherwise."""
    note = session.get(PENDING_KEY)
    if not isinstance(note, dict) or not isinstance(note.get("id"), int):
        return None
    age = time.time() - float(note.get("since", 0))
    if not 0 <= age <= float(current_app.config["MFA_PENDING_SECONDS"]):
        session.pop(PENDING_KEY, None)
        flash(_("That took too long. Please log in again."), "info")
        return None
    return note


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def code():
    """After the right password: a code from the app, or one of the recovery codes."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    note = _pending()
    if note is None:
        return redirect(url_for(".login"), code=303 if request.method == "POST" else 302)
    user = may_try_second_step(note["id"])
    if user is None or not user.has_mfa \
            or not same_token(str(note.get("token", "")), hash_token(user.session_token)):
        # Locked, switched off or its sessions ended (a new password, a reset) meanwhile.
        session.pop(PENDING_KEY, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for(".login"), code=303)
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        method = mfa.check_second_factor(user, form.code.data)
        if method is not None:
            complete_login(user, method)
            next_url = safe_next(note.get("next"), url_for("admin.index"))
            session.clear()
            login_user(user)
            if method == "recovery_code":
                flash(_("You logged in with a recovery code; it cannot be used again. "
                        "Recovery codes left: %(num)d.", num=mfa.recovery_codes_left(user)),
                      "info")
            return redirect(next_url)
        if count_wrong_code(user):
            session.pop(PENDING_KEY, None)
            flash(_("Too many wrong attempts: the account is locked for %(minutes)d minutes. "
                    "Its owner got an e-mail with a link to unlock it sooner.",
                    minutes=current_app.config["LOGIN_LOCK_MINUTES"]), "error")
            return redirect(url_for(".login"), code=303)
        form.code.errors = [_("This code is not right, or it was used already. Enter the "
                              "code your app shows now, or a recovery code.")]
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/code.html", form=form,
                           lock_after=current_app.config["LOGIN_LOCK_AFTER"]), status


# --- setting up the app, new recovery codes ---------------------------------------------


def _enrol_secret(user: StaffUser) -> str:
    """The secret being set up in this session (kept encrypted in it for a while, so a
    reload shows the same QR code), or a new one."""
    note = session.get(ENROL_KEY)
    if isinstance(note, dict) and note.get("id") == user.id \
            and 0 <= time.time() - float(note.get("since", 0)) <= ENROL_SECONDS:
        secret = mfa.decrypt(note.get("secret"))
        if secret:
            return secret
    secret = mfa.new_secret()
    session[ENROL_KEY] = {"id": user.id, "secret": mfa.encrypt(secret),
                          "since": int(time.time())}
    return secret


@bp.route("/tweestaps", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
@login_required
def two_step():
    """Set up the authenticator app (required at the first login of the roles in
    MFA_REQUIRED_ROLES), or, once it is, see the state and get new recovery codes."""
    user = StaffUser.get_by_id(current_user.id)
    if not user.has_mfa:
        return _enrol(user)
    form = RenewCodesForm()
    status = 200
    if form.validate_on_submit():
        if mfa.check_totp(user, mfa.clean_code(form.code.data)):
            codes = mfa.renew_recovery_codes(user)
            return render_template("auth/recovery_codes.html", codes=codes, renewed=True)
        count_wrong_code(user)
        form.code.errors = [_("This code is not right, or it was used already. Enter the "
                              "code your app shows now.")]
        status = 422
    elif request.method == "POST":
        status = 400
    return render_template("auth/two_step.html", form=form, user=user,
                           codes_left=mfa.recovery_codes_left(user)), status


def _enrol(user: StaffUser):
    secret = _enrol_secret(user)
    form = EnrolForm()
    status = 200
    if form.validate_on_submit():
        codes = mfa.enrol(user, secret, form.code.data)
        if codes is not None:
            session.pop(ENROL_KEY, None)
            # The session token changed (other sessions end); this one goes on.
            login_user(StaffUser.get_by_id(user.id))
            return render_template("auth/recovery_codes.html", codes=codes, renewed=False)
        form.code.errors = [_("This code is not right. Enter the code the app shows now "
                              "(it changes every 30 seconds); check that the time on your "
                              "phone is right.")]
        status = 422
    elif request.method == "POST":
        status = 400
    uri = mfa.provisioning_uri(user, secret)
    return render_template("auth/two_step_setup.html", form=form, user=user,
                           qr=mfa.qr_svg(uri, _("QR code for your authenticator app")),
                           secret=mfa.grouped(secret), required=mfa.required_for(user)), status


@bp.before_app_request
def enrolment_first():
    """A staff member who must set up a second factor sees no page of the admin before
    it is set up: every /admin URL leads to the set-up page (logout stays possible)."""
    if not request.path.startswith("/admin") or \
            (request.endpoint or "").rpartition(".")[2] == "static":
        return None
    if mfa.needs_enrolment(current_user):
        return redirect(url_for("auth.two_step"), code=303 if request.method != "GET" else 302)
    return None
