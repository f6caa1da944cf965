"""The help text under every field of the forms a municipality sets a consultation up
with (consultation, session, sector): what the field is for and what to fill in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CONSULTATION_HELP = {
    "title": _l("The name participants see, e.g. \"Retailvisie Centrum Emmeloord\"."),
    "slug": _l("The address of the consultation's page: /c/<slug>. Leave empty to make it "
               "from the title."),
    "summary": _l("Two or three sentences on the home page and above the sessions: why this "
                  "consultation, and who is invited."),
    "organiser": _l("The municipality or department that runs it, as participants know it."),
    "status": _l("Draft: only staff see it (use \"Preview\"). Published: open for sign-up. "
                 "Closed: shown, no more sign-ups. Archived: hidden."),
    "starts_on": _l("The first day of the trajectory (the first meeting)."),
    "ends_on": _l("The last day of the trajectory; after it the retention period counts."),
    "contact_email": _l("Where participants send questions; shown on the page and in mails."),
    "contact_phone": _l("Optional; shown beside the e-mail address."),
    "privacy_text": _l("What this consultation does with personal data, in addition to the "
                       "general privacy statement; shown on the sign-up form."),
    "retention_until": _l("Until when personal data of participants is kept; required "
                          "before publishing. Participants are told this date."),
    "formats": _l("Tick the kinds of session this consultation uses (e.g. Expertarena); "
                  "sessions can only have a ticked format."),
}

SESSION_HELP = {
    "consultation": _l("The consultation this session belongs to."),
    "format_key": _l("The kind of session: a general meeting, an Expertarena, ... Its own "
                     "settings appear below for administrators."),
    "title": _l("As participants see it, e.g. \"Expertarena Horeca\"."),
    "description": _l("What happens in this session and who it is for (a few sentences)."),
    "sector": _l("For a session of one sector: only its entrepreneurs take part. Leave "
                 "empty for all sectors."),
    "starts_at": _l("Date and start time (Dutch time)."),
    "ends_at": _l("Date and end time; after the start."),
    "location": _l("Address and room, as participants should find it."),
    "online_url": _l("For online or hybrid sessions: the meeting link (https://); only "
                     "confirmed participants get it."),
    "capacity": _l("The number of seats; further sign-ups go on the waiting list. Leave "
                   "empty for no limit."),
    "sector_cap": _l("At most this many entrepreneurs of one sector (the case: five). Leave "
                     "empty to use each sector's own cap."),
    "registration_opens_at": _l("Sign-up opens at this moment; empty: open now."),
    "registration_closes_at": _l("Sign-up closes at this moment; empty: at the start."),
    "audience": _l("Public: anyone may sign up. Invitation only: only with the invitation link "
                   "shown after saving."),
    "moderator": _l("The staff member who leads the session and records its results."),
    "status": _l("Planned: open for sign-up. Closed: it took place. Cancelled: "
                 "participants are told by mail."),
}

SECTOR_HELP = {
    "consultation": _l("The consultation this sector belongs to."),
    "name": _l("As entrepreneurs recognise it, e.g. \"Detailhandel\"; they choose it when "
               "they sign up."),
    "default_seat_cap": _l("At most this many entrepreneurs of this sector per session "
                           "(the case: five). Empty: no limit."),
    "position": _l("Sectors are listed in this order (lowest first)."),
}


def with_help(form_args: dict[str, dict], help_texts: dict) -> dict[str, dict]:
    """``form_args`` with a description for every field that has none yet."""
    args = {name: dict(value) for name, value in form_args.items()}
    for name, text in help_texts.items():
        args.setdefault(name, {}).setdefault("description", text)
    return args
