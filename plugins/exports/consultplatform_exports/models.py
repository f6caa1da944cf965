"""The plugin's tables; every table name starts with the plugin's name."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from consultplatform.api import BaseModel, Consultation, StaffUser, utcnow

# The states of a background export. Only DONE with its file on disk is offered for
# download; a job the worker lost (RUNNING without a heartbeat) is started again.
QUEUED, RUNNING, DONE, FAILED, EXPIRED = "queued", "running", "done", "failed", "expired"


class ExportsJob(BaseModel):
    """A file the background worker builds (XLSX, ZIP): what, for whom, how far.

    ``token`` is the random part of the download link. ``purpose`` and
    ``purpose_text`` are the stated purpose of exporting personal data (also in the
    audit log)."""

    token = CharField(max_length=64, unique=True)
    consultation = ForeignKeyField(Consultation, backref="exports_jobs", on_delete="CASCADE")
    dataset = CharField(max_length=60, default="")  # empty: every dataset (the ZIP)
    format = CharField(max_length=40)
    language = CharField(max_length=5, default="nl")
    # A moderator's export: the sessions it covers, comma-separated; None: all.
    session_ids = TextField(null=True)
    requested_by = ForeignKeyField(StaffUser, null=True, backref="+", on_delete="SET NULL")
    purpose = CharField(max_length=40, default="")  # a key of downloads.PURPOSES
    purpose_text = TextField(default="")
    status = CharField(max_length=20, default=QUEUED, index=True)
    rows_total = IntegerField(default=0)
    rows_done = IntegerField(default=0)
    attempts = IntegerField(default=0)
    file_name = CharField(max_length=200, default="")
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    heartbeat_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True, index=True)

    class Meta:
        table_name = "exports_job"

    def __str__(self) -> str:
        return f"{self.dataset or 'zip'}.{self.format}"


class ExportsPublication(BaseModel):
    """An aggregate dataset an administrator published as open data."""

    consultation = ForeignKeyField(Consultation, backref="exports_publications",
                                   on_delete="CASCADE")
    dataset = CharField(max_length=60)
    published_by = ForeignKeyField(StaffUser, null=True, backref="+", on_delete="SET NULL")
    published_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "exports_publication"
        indexes = ((("consultation", "dataset"), True),)

    def __str__(self) -> str:
        return self.dataset


MODELS = [ExportsJob, ExportsPublication]
