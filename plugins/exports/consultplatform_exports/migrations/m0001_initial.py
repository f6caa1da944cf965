"""The plugin's tables as first released (frozen copies; do not import the live models)."""
from peewee import *


def up(migrator, db):
    class Consultation(Model):  # stubs of the core tables: only what the keys need
        class Meta:
            database = db
            table_name = 'consultation'

    class StaffUser(Model):
        class Meta:
            database = db
            table_name = 'staff_user'

    class ExportsJob(Model):
        token = CharField(max_length=64, unique=True)
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        dataset = CharField(max_length=60, default='')
        format = CharField(max_length=40)
        language = CharField(max_length=5, default='nl')
        session_ids = TextField(null=True)
        requested_by = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        purpose = CharField(max_length=40, default='')
        purpose_text = TextField(default='')
        status = CharField(max_length=20, default='queued', index=True)
        rows_total = IntegerField(default=0)
        rows_done = IntegerField(default=0)
        attempts = IntegerField(default=0)
        file_name = CharField(max_length=200, default='')
        error = TextField(default='')
        created_at = DateTimeField()
        heartbeat_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        expires_at = DateTimeField(null=True, index=True)

        class Meta:
            database = db
            table_name = 'exports_job'

    class ExportsPublication(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        dataset = CharField(max_length=60)
        published_by = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        published_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'exports_publication'
            indexes = ((('consultation', 'dataset'), True),)

    db.create_tables([ExportsJob, ExportsPublication])
