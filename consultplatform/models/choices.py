"""Fixed value lists of the core models, with their translatable labels."""

from flask_babel import lazy_gettext as _l

CONSULTATION_STATUSES = (
    ("draft", _l("Draft")),
    ("published", _l("Published")),
    ("closed", _l("Closed")),
    ("archived", _l("Archived")),
)
SESSION_STATUSES = (
    ("planned", _l("Planned")),
    ("closed", _l("Closed")),
    ("cancelled", _l("Cancelled")),
)
AUDIENCES = (
    ("public", _l("Public")),
    ("invite", _l("Invitation only")),
)
SIDES = (
    ("entrepreneur", _l("Entrepreneur")),
    ("government", _l("Government")),
    ("education", _l("Education")),
    ("other", _l("Other")),
)
REGISTRATION_STATUSES = (
    ("confirmed", _l("Confirmed")),
    ("waitlisted", _l("Waiting list")),
    ("cancelled", _l("Cancelled")),
)
ATTENDANCE = (
    ("attended", _l("Attended")),
    ("no_show", _l("Did not come")),
)
QUESTION_KINDS = (
    ("short_text", _l("Short text")),
    ("long_text", _l("Long text")),
    ("single", _l("Single choice")),
    ("multiple", _l("Multiple choice")),
    ("yes_no", _l("Yes/no")),
)
MAIL_STATUSES = (
    ("queued", _l("Queued")),
    ("sending", _l("Sending")),
    ("sent", _l("Sent")),
    ("failed", _l("Failed")),
)
ROLES = (
    ("admin", _l("Administrator")),
    ("moderator", _l("Moderator")),
    ("viewer", _l("Viewer")),
)
LANGUAGES = (
    ("nl", "Nederlands"),
    ("en", "English"),
)
AUDIT_RESULTS = (
    ("success", _l("Success")),
    ("denied", _l("Denied")),
    ("failed", _l("Failed")),
)


def label(choices: tuple, value: str) -> str:
    """The translated label of ``value`` in ``choices``, or the value itself."""
    return str(dict(choices).get(value, value))


# --- the trajectory's results (insights, actions, agenda) ---------------------------
ACTION_KINDS = (
    ("action", _l("Action")),
    ("proposal", _l("Proposal")),
    ("governance", _l("Governance change")),
)
ACTION_OWNERS = (
    ("municipality", _l("Municipality")),
    ("education", _l("Education")),
    ("entrepreneurs", _l("Entrepreneurs")),
    ("together", _l("Together")),
)
ACTION_HORIZONS = (
    ("short", _l("Within a year")),
    ("medium", _l("One to two years")),
    ("long", _l("Longer than two years")),
)
ACTION_STATUSES = (
    ("draft", _l("Draft")),
    ("planned", _l("Planned")),
    ("in_progress", _l("In progress")),
    ("done", _l("Done")),
    ("dropped", _l("Dropped")),
    ("merged", _l("Merged into another action")),
)
# How an action relates to an insight it takes up.
LINK_KINDS = (
    ("answers", _l("Answers")),
    ("merges", _l("Merged (came with a merged action)")),
    ("splits", _l("Split (one part of a split action)")),
)
DECISIONS = (
    ("proposed", _l("Proposed")),
    ("adopted", _l("Adopted")),
    ("amended", _l("Amended")),
    ("dropped", _l("Dropped")),
)

# States of a step of the trajectory on a consultation's dashboard (consultplatform.dashboard).
STEP_STATES = (("not_started", _l("Not started")), ("in_progress", _l("In progress")),
               ("done", _l("Done")))
