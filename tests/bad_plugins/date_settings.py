"""A settings field whose data is not plain JSON (a date): must be refused."""

from wtforms import DateField, Form

from consultplatform.api import hookimpl


class Settings(Form):
    deadline = DateField("Deadline")


@hookimpl
def cp_settings_form():
    return Settings
