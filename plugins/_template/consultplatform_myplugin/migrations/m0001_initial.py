"""The plugin's tables as first released (frozen copies; do not import the live models)."""
from peewee import *


def up(migrator, db):
    class Consultation(Model):  # a stub of the core table: only what the key needs
        class Meta:
            database = db
            table_name = 'consultation'

    class MypluginNote(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        title = CharField(max_length=200)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'myplugin_note'

    db.create_tables([MypluginNote])
