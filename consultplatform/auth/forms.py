from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from consultplatform.forms import SafeForm


class LoginForm(SafeForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)],
                             render_kw={"autocomplete": "current-password"})


class CodeForm(SafeForm):
    """The second step of a login: a code from the app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off",
                                  "spellcheck": "false", "class": "input-code"})


class EnrolForm(SafeForm):
    """Setting up the app: the first code it shows proves it has the secret."""

    code = StringField(_l("Code from the app"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "autocapitalize": "off", "spellcheck": "false",
                                  "class": "input-code"})


class RenewCodesForm(EnrolForm):
    """New recovery codes, for the holder of the app (a current code)."""
