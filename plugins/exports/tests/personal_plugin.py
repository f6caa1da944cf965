"""A test-only plugin with a personal dataset (the participants' names and e-mail
addresses), so the page's rules for personal data are tested whatever the core and
the other plugins offer. Loaded by the ``app`` fixture of the page tests."""

from __future__ import annotations

from consultplatform.api import (
    PERSONAL,
    DatasetColumn,
    ExportDataset,
    ExportScope,
    Participant,
    hookimpl,
    keyset_rows,
)

KEY = "peopletest_people"


@hookimpl
def cp_export_datasets(consultation):
    query = (Participant.select(Participant.id, Participant.name, Participant.email)
             .where(Participant.consultation == consultation.id).tuples())

    def rows(scope: ExportScope):
        return keyset_rows(query, Participant.id)

    return [ExportDataset(
        key=KEY, label="People (test)", description="Names and e-mail addresses.",
        columns=[DatasetColumn("id", "Number", kind="pseudonym"),
                 DatasetColumn("name", "Name"), DatasetColumn("email", "E-mail")],
        rows=rows, count=lambda scope: query.count(), sensitivity=PERSONAL)]
